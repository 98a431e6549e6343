"""The annual union work report (工会工作报告): drafts, their sections and blocks, frozen versions, exports.

A report is a draft the committee edits: header fields, ordered sections, and in each section an
ordered list of blocks (narrative text, generated sentences with bound figures, tables, charts).
The figures the blocks show are stored on the draft (``figures``) and change only through
"refresh from records" (which shows a diff first), so what the committee reviewed is what prints.

定稿 (finalise) freezes everything (text and figures) into a ``ReportVersion.snapshot``; exports of a
version are rendered from that snapshot only, so records changing later never move a finalised
report. Rendered files (``ReportExport``) are keyed by the snapshot's content hash: a second download
of unchanged content reuses the file.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import Organization


class PeriodKind(models.TextChoices):
    CALENDAR_YEAR = "calendar_year", _("自然年度")
    SCHOOL_YEAR = "school_year", _("学年度")
    CONGRESS_TERM = "congress_term", _("教代会届期")
    CUSTOM = "custom", _("自定义")


class AnnualReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        FINAL = "final", _("已定稿")

    organization = models.ForeignKey(
        Organization, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="annual_reports"
    )
    period_kind = models.CharField(
        _("期间类型"), max_length=16, choices=PeriodKind.choices, default=PeriodKind.CALENDAR_YEAR
    )
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("截止日期"))
    title = models.CharField(_("标题"), max_length=100, help_text=_("口号式主标题，例如：凝心聚力 助推学校高质量发展"))
    subtitle = models.CharField(_("副标题"), max_length=100, blank=True)
    speaker = models.CharField(_("报告人"), max_length=100, blank=True)
    report_date = models.DateField(_("报告日期"), null=True, blank=True)
    salutation = models.CharField(_("称谓"), max_length=100, default="各位代表、同志们：")
    opening = models.TextField(_("开头"), blank=True)
    show_cover = models.BooleanField(_("PDF 封面"), default=False)
    show_toc = models.BooleanField(_("PDF 目录"), default=False)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    figures = models.JSONField(_("数据"), default=dict, blank=True)
    figures_at = models.DateTimeField(_("数据更新时间"), null=True, blank=True)
    based_on = models.ForeignKey(
        "ReportVersion",
        verbose_name=_("来源版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="drafts",
    )
    # Empty for a report built by a batch run (``manage.py build_report``) on a database without users.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("工作报告")
        verbose_name_plural = _("工作报告")
        ordering = ["-end", "-pk"]
        indexes = [models.Index(fields=["organization", "end"])]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.start}—{self.end} {self.title}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class ReportSection(models.Model):
    class Kind(models.TextChoices):
        DEMOCRACY = "democracy", _("民主管理")
        ETHICS = "ethics", _("师德建设与评先评优")
        WELFARE = "welfare", _("维权服务与送温暖")
        CULTURE = "culture", _("文体活动")
        SELF = "self", _("工会自身建设")
        SHORTCOMINGS = "shortcomings", _("存在的不足")
        PLANS = "plans", _("今后工作思路")
        CLOSING = "closing", _("结尾")
        CUSTOM = "custom", _("自定义")

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.CUSTOM)
    title = models.CharField(_("标题"), max_length=100, blank=True)
    show_heading = models.BooleanField(_("显示标题"), default=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()


class ReportBlock(models.Model):
    """One piece of a section. Narrative and sentence text is plain text, escaped on output."""

    class Kind(models.TextChoices):
        NARRATIVE = "narrative", _("文字")
        SENTENCE = "sentence", _("数据语句")
        TABLE = "table", _("表格")
        CHART = "chart", _("图表")

    section = models.ForeignKey(ReportSection, on_delete=models.CASCADE, related_name="blocks")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.NARRATIVE)
    text = models.TextField(_("内容"), blank=True, help_text=_("纯文本；数据语句中的 {名称} 由数据填入"))
    source = models.CharField(_("数据来源"), max_length=64, blank=True, help_text=_("表格或图表的数据键"))
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.source or self.text[:20]}"


class ReportVersion(models.Model):
    """A finalised (定稿) report: a frozen snapshot of all text and figures."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    snapshot = models.JSONField(_("快照"))
    content_hash = models.CharField(max_length=64)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finalised_at = models.DateTimeField(_("定稿时间"), auto_now_add=True)

    class Meta:
        ordering = ["-finalised_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="reports_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


class ExportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    HTML = "html", "HTML"


class ReportExport(models.Model):
    """A rendered file of one report content (draft content hash or a finalised version)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="exports")
    version = models.ForeignKey(ReportVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(_("格式"), max_length=8, choices=ExportFormat.choices)
    content_hash = models.CharField(max_length=64)
    snapshot = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="reports/%Y/", blank=True)
    error = models.CharField(max_length=500, blank=True)
    renders = models.PositiveIntegerField(default=0, help_text="how many times the file was rendered")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a worker starts rendering (or the task is queued again): an export still pending or
    # running past ``settings.REPORT_EXPORT_STALE_SECONDS`` after it has lost its worker.
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "format", "content_hash"], name="reports_export_unique_content"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.format} {self.status}"
