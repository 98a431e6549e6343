"""Writes for the reports app: create a draft, edit sections, refresh figures, finalise, export."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from members.models import Organization

from . import figures as F
from . import periods, providers, sentences
from .models import AnnualReport, ExportFormat, ReportBlock, ReportExport, ReportSection, ReportVersion

K = ReportSection.Kind
B = ReportBlock.Kind

# Where the report providers' default blocks for a section's kind go (``default_sections``).
PROVIDED = ("provided", "")


@dataclass(frozen=True)
class Voice:
    """How the fixed texts name the organisation, its leadership and its mission, by organisation kind.

    ``unit``: the organisation in a sentence (学校工会 / 区教育工会 / 分工会); ``led_by``: whose
    leadership the plans name (a district has no 校党委); ``centre``: the work it serves;
    ``development``: what the closing calls for.
    """

    unit: str
    led_by: str
    centre: str
    development: str
    leaders: str = "学校党委和行政"


VOICES = {
    "district": Voice("区教育工会", "在上级党组织和上级工会的领导下", "围绕全区教育中心工作", "推动全区教育高质量发展",
                      "上级党组织和上级工会"),
    "school": Voice("学校工会", "在校党委的领导下", "围绕学校中心工作", "推动学校高质量发展", "学校党委和行政"),
    "sub_union": Voice("分工会", "在学校工会的领导下", "围绕学校和本部门中心工作", "推动学校高质量发展",
                       "学校工会和部门党政"),
}

OVERVIEW_TITLE = "总述"  # the opening 总述 section: printed without a heading


def show_heading(kind: str, title: str) -> bool:
    """Whether a default section prints its heading (not the 总述 and not the closing)."""
    return kind != K.CLOSING and title != OVERVIEW_TITLE


def voice(kind: str) -> Voice:
    """The :class:`Voice` of an organisation kind (a group speaks like a sub-union; unknown → school)."""
    return VOICES.get("sub_union" if kind == "group" else kind, VOICES["school"])


def default_layout(v: Voice, w: periods.PeriodWords) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The usual order of a 工会工作报告 (DOMAIN.md) in the seeds' phrasing, worded for the
    organisation (``v``) and the period kind (``w``); ``PROVIDED`` marks where the providers'
    blocks go (sentences, tables and charts bound to figures: ``<app>/report.py``)."""
    return [
        (K.CUSTOM, OVERVIEW_TITLE, [
            (B.SENTENCE, "reports.overview"),
        ]),
        (K.DEMOCRACY, "坚持民主管理，推进依法治校", [
            (B.NARRATIVE, f"{v.unit}坚持和完善以教职工代表大会为基本形式的民主管理制度，推进校务公开，"
                          "保障教职工的知情权、参与权、表达权和监督权。凡涉及教职工切身利益的重要事项，"
                          "均提交教职工代表大会审议，充分发挥教代会在学校民主管理中的主渠道作用。"),
            PROVIDED,
        ]),
        (K.ETHICS, "加强师德建设，选树先进典型", [
            (B.NARRATIVE, f"{v.unit}把师德师风建设贯穿各项工作，充分发挥工会的教育职能，大力弘扬劳模精神、劳动精神、"
                          "工匠精神和教育家精神，积极组织教职工参加各级各类评先评优和技能竞赛活动，"
                          "引导广大教职工立足岗位、教书育人，为教职工树立了标杆示范。"),
            PROVIDED,
        ]),
        (K.WELFARE, "履行维权职能，真情服务送温暖", [
            (B.NARRATIVE, f"{v.unit}坚持“以教职工为本”，依法维护教职工的合法权益，"
                          "畅通诉求渠道，关注不同群体教职工的需求，把组织的温暖送到教职工的心里。"),
            PROVIDED,
        ]),
        (K.CULTURE, "开展文体活动，丰富精神生活", [
            (B.NARRATIVE, f"{v.unit}{v.centre}，坚持小型多样、就近就便的原则，组织开展丰富多彩的文体活动，"
                          "引导教职工养成健康的生活方式，愉悦教职工身心，增强团队的凝聚力和向心力。"),
            PROVIDED,
        ]),
        (K.SELF, "加强自身建设，提升服务能力", [
            (B.NARRATIVE, f"{v.unit}坚持把加强自身建设作为做好各项工作的基础，努力建设让教职工信赖的“职工之家”。"),
            PROVIDED,
            (B.NARRATIVE, "加强思想建设。组织工会委员、分工会主席认真学习党的创新理论和上级工会的部署要求，"
                          "提高政治站位，保证工会工作的正确方向。"),
            (B.NARRATIVE, "加强队伍建设。重视工会干部的学习和培训，提高工会干部的服务意识和工作水平；"
                          "工会委员定期研究工会工作，分工负责、通力协作。"),
            (B.NARRATIVE, f"规范经费管理。{v.unit}严格执行工会经费收支管理的有关规定，做到账目清楚、公开透明，"
                          "主动接受会员和上级工会的监督。"),
        ]),
        (K.SHORTCOMINGS, "存在的不足", [
            (B.SENTENCE, "reports.shortcomings"),
        ]),
        (K.PLANS, "今后工作思路", [
            (B.SENTENCE, "reports.plans"),
        ]),
        (K.CLOSING, "", [
            (B.NARRATIVE, f"各位代表、同志们！{w.looking_back}，{v.unit}工作取得的成绩，离不开{v.leaders}的坚强领导和大力支持，"
                          "离不开全体教职工的积极参与，离不开广大工会干部和工会积极分子的辛勤付出。"
                          f"在此，我谨代表{v.unit}委员会，向关心支持工会工作的各级领导和各部门，向全体教职工表示衷心的感谢！"),
            (B.NARRATIVE, f"各位代表、同志们，团结凝聚力量，实干创造未来。让我们团结一心、砥砺前行，"
                          f"为{v.development}作出新的更大贡献！\n谢谢大家！"),
        ]),
    ]


# The school-year-neutral layout of a school's calendar-year report (kept for callers that read it).
DEFAULT_SECTIONS = default_layout(VOICES["school"], periods.words(periods.CALENDAR_YEAR, dt.date(2000, 1, 1),
                                                                  dt.date(2000, 12, 31)))


def default_sections(*, org_kind: str = "school", words: periods.PeriodWords | None = None,
                     ) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The default layout with each ``PROVIDED`` marker replaced by the providers' ``default_blocks``
    for that section's kind, in provider order: ``[(section kind, title, [(block kind, text or source)])]``."""
    layout = default_layout(voice(org_kind), words) if words is not None else DEFAULT_SECTIONS
    sections = []
    for kind, title, blocks in layout:
        filled: list[tuple[str, str]] = []
        for block in blocks:
            if block == PROVIDED:
                for provider in providers.providers():
                    filled.extend(provider.default_blocks.get(kind, ()))
            else:
                filled.append(block)
        sections.append((kind, title, filled))
    return sections


def default_texts(*, organization: Organization, start: dt.date, end: dt.date, period_kind: str = "") -> dict:
    """Title, subtitle ("——XX学校工会2025—2026学年工作报告") and opening, worded by period kind."""
    w = periods.words(period_kind or periods.guess_kind(start, end), start, end)
    name = organization.name.removesuffix("工会")
    return {
        "title": "凝心聚力 助推学校高质量发展" if organization.kind != "district" else "凝心聚力 助推全区教育高质量发展",
        "subtitle": f"——{name}工会{w.label}工作报告",
        "opening": f"现在，我代表{name}工会委员会向大会报告{w.label}工会工作，请予审议。",
    }


def _block_fields(kind: str, value: str) -> dict:
    """A default block's ``text``/``source``: tables, charts and generated sentences keep a source."""
    if kind in (B.TABLE, B.CHART):
        return {"text": "", "source": value}
    if kind == B.SENTENCE and (providers.sentence(value) is not None or sentences.composite(value) is not None):
        return {"text": "", "source": value}
    return {"text": value, "source": ""}


@transaction.atomic
def report_create(
    *,
    organization: Organization,
    start: dt.date,
    end: dt.date,
    period_kind: str,
    acting_user,
    title: str = "",
    speaker: str = "",
    report_date: dt.date | None = None,
) -> AnnualReport:
    """A new draft with the usual sections and blocks, and figures collected from the records.

    The fixed texts follow ``period_kind`` (``reports.periods.words``) and the organisation's kind;
    ``acting_user`` may be None (a batch run on a database without users).
    """
    defaults = default_texts(organization=organization, start=start, end=end, period_kind=period_kind)
    report = AnnualReport.objects.create(
        organization=organization,
        period_kind=period_kind,
        start=start,
        end=end,
        title=title or defaults["title"],
        subtitle=defaults["subtitle"],
        speaker=speaker,
        report_date=report_date,
        opening=defaults["opening"],
        created_by=acting_user,
        figures=F.collect(organization=organization, start=start, end=end),
        figures_at=timezone.now(),
    )
    layout = default_sections(org_kind=organization.kind, words=periods.words(period_kind, start, end))
    sections = ReportSection.objects.bulk_create(
        ReportSection(report=report, kind=kind, title=title, show_heading=show_heading(kind, title), order=i)
        for i, (kind, title, _) in enumerate(layout)
    )
    ReportBlock.objects.bulk_create(
        ReportBlock(
            section=section,
            kind=kind,
            order=j,
            **_block_fields(kind, value),
        )
        for section, (_, _, blocks) in zip(sections, layout, strict=True)
        for j, (kind, value) in enumerate(blocks)
    )
    return report


def report_snapshot(report: AnnualReport) -> dict:
    """Everything the report prints, as JSON: header, sections and blocks, figures."""
    org = report.organization
    sections = report.sections.prefetch_related("blocks")
    return {
        "organization": {"pk": org.pk, "code": org.code, "name": org.name, "kind": org.kind},
        "period_kind": report.period_kind,
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "title": report.title,
        "subtitle": report.subtitle,
        "speaker": report.speaker,
        "report_date": report.report_date.isoformat() if report.report_date else "",
        "salutation": report.salutation,
        "opening": report.opening,
        "show_cover": report.show_cover,
        "show_toc": report.show_toc,
        "sections": [
            {
                "kind": s.kind,
                "title": s.title,
                "show_heading": s.show_heading,
                "blocks": [{"kind": b.kind, "text": b.text, "source": b.source} for b in s.blocks.all()],
            }
            for s in sections
        ],
        "figures": report.figures,
    }


def snapshot_hash(snapshot: dict) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def figures_diff(old: dict, new: dict) -> list[dict]:
    """Figures that differ between two collections: key, label, old and new printed values."""
    before = F.flatten(old.get("current", {}))
    after = F.flatten(new.get("current", {}))
    rows = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if F.to_decimal(a) != F.to_decimal(b):
            rows.append({
                "key": key,
                "label": F.figure_meta(key).label,
                "old": F.format_value(key, a) if a is not None else "—",
                "new": F.format_value(key, b) if b is not None else "—",
            })
    return rows


def figures_fresh(report: AnnualReport) -> dict:
    return F.collect(organization=report.organization, start=report.start, end=report.end)


def _require_draft(report: AnnualReport) -> None:
    if report.is_final:
        raise ValueError("该报告已定稿，不能修改。请从定稿版本新建草稿。")


@transaction.atomic
def report_refresh(*, report: AnnualReport, figures: dict) -> AnnualReport:
    """Apply figures the committee has reviewed (the diff page shows them first)."""
    _require_draft(report)
    report.figures = figures
    report.figures_at = timezone.now()
    report.save(update_fields=["figures", "figures_at", "updated_at"])
    return report


@transaction.atomic
def report_finalise(*, report: AnnualReport, acting_user) -> ReportVersion:
    """定稿: freeze text and figures as a new version; the draft becomes read-only."""
    original = report
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    _require_draft(report)
    snapshot = report_snapshot(report)
    number = (report.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ReportVersion.objects.create(
        report=report,
        number=number,
        snapshot=snapshot,
        content_hash=snapshot_hash(snapshot),
        finalised_by=acting_user,
    )
    report.status = AnnualReport.Status.FINAL
    report.save(update_fields=["status", "updated_at"])
    original.status = report.status
    return version


@transaction.atomic
def report_draft_from_version(*, version: ReportVersion, acting_user) -> AnnualReport:
    """A new editable draft with the text and figures of a finalised version."""
    snap = version.snapshot
    old = version.report
    report = AnnualReport.objects.create(
        organization=old.organization,
        period_kind=snap["period_kind"],
        start=dt.date.fromisoformat(snap["start"]),
        end=dt.date.fromisoformat(snap["end"]),
        title=snap["title"],
        subtitle=snap["subtitle"],
        speaker=snap["speaker"],
        report_date=dt.date.fromisoformat(snap["report_date"]) if snap["report_date"] else None,
        salutation=snap["salutation"],
        opening=snap["opening"],
        show_cover=snap["show_cover"],
        show_toc=snap["show_toc"],
        figures=snap["figures"],
        figures_at=version.finalised_at,
        based_on=version,
        created_by=acting_user,
    )
    sections = ReportSection.objects.bulk_create(
        ReportSection(report=report, kind=s["kind"], title=s["title"], show_heading=s["show_heading"], order=i)
        for i, s in enumerate(snap["sections"])
    )
    ReportBlock.objects.bulk_create(
        ReportBlock(section=section, kind=b["kind"], text=b["text"], source=b["source"], order=j)
        for section, s in zip(sections, snap["sections"], strict=True)
        for j, b in enumerate(s["blocks"])
    )
    return report


@transaction.atomic
def section_add(*, report: AnnualReport, title: str) -> ReportSection:
    _require_draft(report)
    # Insert before 存在的不足 / 今后工作思路 / closing when they exist, else at the end.
    tail = report.sections.filter(kind__in=[K.SHORTCOMINGS, K.PLANS, K.CLOSING]).order_by("order").first()
    order = tail.order if tail else (report.sections.aggregate(n=Max("order"))["n"] or 0) + 1
    report.sections.filter(order__gte=order).update(order=models_F("order") + 1)
    section = ReportSection.objects.create(report=report, kind=K.CUSTOM, title=title, order=order)
    ReportBlock.objects.create(section=section, kind=B.NARRATIVE, text="", order=0)
    return section


def models_F(name):
    from django.db.models import F as DjangoF

    return DjangoF(name)


@transaction.atomic
def section_move(*, section: ReportSection, direction: int) -> None:
    _require_draft(section.report)
    ordered = list(section.report.sections.order_by("order", "pk"))
    index = next(i for i, s in enumerate(ordered) if s.pk == section.pk)
    other = index + (1 if direction > 0 else -1)
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for i, s in enumerate(ordered):
        if s.order != i:
            s.order = i
            s.save(update_fields=["order"])


@transaction.atomic
def section_delete(*, section: ReportSection) -> None:
    _require_draft(section.report)
    section.delete()


@transaction.atomic
def section_update(*, section: ReportSection, title: str, show_heading: bool, texts: dict[int, str],
                   delete: set[int], add_text: str = "") -> ReportSection:
    """Save a section's title and its blocks' texts; delete the marked blocks; append a narrative block."""
    _require_draft(section.report)
    section.title = title
    section.show_heading = show_heading
    section.save(update_fields=["title", "show_heading"])
    for block in section.blocks.all():
        if block.pk in delete:
            block.delete()
        elif block.pk in texts and texts[block.pk] != block.text:
            block.text = texts[block.pk]
            block.save(update_fields=["text"])
    if add_text.strip():
        order = (section.blocks.aggregate(n=Max("order"))["n"] or 0) + 1
        ReportBlock.objects.create(section=section, kind=B.NARRATIVE, text=add_text, order=order)
    return section


@transaction.atomic
def export_request(*, report: AnnualReport, fmt: str, acting_user, version: ReportVersion | None = None):
    """The export of this exact content in this format: reused when it exists, else queued once.

    Returns ``(export, queued)``. Content is the finalised version's snapshot, or the draft's
    current snapshot; identical content (same hash) never renders twice. A failed export, or a
    stale one (``export_is_stale``: its worker died), is queued again.
    """
    if fmt not in ExportFormat.values:
        raise ValueError("不支持的格式。")
    if version is None and report.is_final:
        version = report.versions.order_by("-number").first()
    snapshot = version.snapshot if version else report_snapshot(report)
    content_hash = version.content_hash if version else snapshot_hash(snapshot)
    export, created = ReportExport.objects.get_or_create(
        report=report,
        format=fmt,
        content_hash=content_hash,
        defaults={"version": version, "snapshot": snapshot, "requested_by": acting_user},
    )
    queued = False
    if (export.status == ReportExport.Status.FAILED or (export.status == ReportExport.Status.DONE and not export.file)
            or export_is_stale(export)):
        export.status, export.progress, export.error = ReportExport.Status.PENDING, 0, ""
        export.started_at = timezone.now()
        export.save(update_fields=["status", "progress", "error", "started_at"])
        created = True
    if created:
        transaction.on_commit(lambda: _enqueue_render(export.pk))
        queued = True
    return export, queued


def export_is_stale(export: ReportExport, *, now: dt.datetime | None = None) -> bool:
    """True for an export pending or running longer than ``settings.REPORT_EXPORT_STALE_SECONDS``.

    Counted from ``started_at`` (set when queued again and when a worker starts), else ``created_at``.
    No live task can run that long (the hard time limit has passed), so its worker is gone: a killed
    Celery main process leaves the row "running" with no one to finish or fail it.
    """
    from django.conf import settings

    if export.status not in (ReportExport.Status.PENDING, ReportExport.Status.RUNNING) or export.pk is None:
        return False
    since = export.started_at or export.created_at
    limit = dt.timedelta(seconds=settings.REPORT_EXPORT_STALE_SECONDS)
    return since is not None and (now or timezone.now()) - since > limit


QUEUE_DOWN_MESSAGE = "后台生成服务（任务队列 Redis）暂时无法连接。导出请求已保存，请稍后返回报告页再次点击导出重试。"


def _enqueue_render(export_pk: int) -> None:
    """Hand the export to Celery. When the broker is unreachable the request is kept, marked failed
    with a clear message, so the next click on 导出 queues it again (export_request resets FAILED).

    ``ignore_result``: progress lives on the export row; waiting on the Redis result store would
    block the request for 20 s before failing. A short publish retry keeps the page responsive.
    """
    from kombu.exceptions import OperationalError

    from .tasks import render_export

    try:
        render_export.apply_async(
            (export_pk,),
            ignore_result=True,
            retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
        )
    except OperationalError:
        logging.getLogger(__name__).warning("report export %s: task broker unreachable", export_pk)
        ReportExport.objects.filter(pk=export_pk).exclude(status=ReportExport.Status.DONE).update(
            status=ReportExport.Status.FAILED, progress=0, error=QUEUE_DOWN_MESSAGE
        )


def export_filename(org_name: str, period_kind: str, start: dt.date, end: dt.date, suffix: str = "") -> str:
    """A file name (no extension) that follows the period kind: "XX学校工会2025—2026学年工作报告（草稿）"."""
    label = periods.words(period_kind or periods.guess_kind(start, end), start, end).file_label
    name = org_name if org_name.endswith("工会") else f"{org_name}工会"
    return f"{name}{label}工作报告" + (f"（{suffix}）" if suffix else "")
