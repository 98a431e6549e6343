"""Staff congress (教代会/双代会): terms, sessions, representatives, proposals, suggestions, votes.

Rules follow 《学校教职工代表大会规定》(教育部令第32号) and DOMAIN.md; local
numbers (minimum co-signers, vote base, reply deadline) are settings per congress.
Status values are stable English codes; the UI shows the Chinese labels.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from members.models import Department, Member, Organization
from union_portal.lib.messages import message


class Congress(models.Model):
    """One term (届) of a school's congress, with its local rules."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("教代会")
        UNION = "union", _("工代会")
        JOINT = "joint", _("双代会")

    class PassBase(models.TextChoices):
        ALL = "all", _("全体正式代表")
        DUE = "due", _("应到代表")

    school = models.ForeignKey(
        Organization,
        verbose_name=_("学校"),
        on_delete=models.CASCADE,
        related_name="congresses",
        limit_choices_to={"kind": Organization.Kind.SCHOOL},
    )
    number = models.PositiveSmallIntegerField(_("届次"))
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices, default=Kind.STAFF)
    start_date = models.DateField(_("任期开始"))
    end_date = models.DateField(_("任期结束"))
    min_cosigners = models.PositiveSmallIntegerField(
        _("最少附议人数"), default=2, help_text=_("提案进入审查前须确认附议的正式代表人数")
    )
    pass_base = models.CharField(
        _("表决通过基数"),
        max_length=8,
        choices=PassBase.choices,
        default=PassBase.ALL,
        help_text=_("赞成票须超过该基数的一半"),
    )
    reply_deadline_days = models.PositiveSmallIntegerField(
        _("答复期限（天）"), default=42, help_text=_("交办后默认的答复期限")
    )

    class Meta:
        verbose_name = _("教代会届次")
        verbose_name_plural = _("教代会届次")
        ordering = ["school", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "kind", "number"], name="congress_unique_number"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="congress_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        # Translators: a staff congress term, e.g. 第二届教职工代表大会; %(number)s is 二 in Chinese and 2 in English.
        return gettext("第%(number)s届%(kind)s") % {"number": term_number(self.number), "kind": self.get_kind_display()}


def term_number(n: int) -> str:
    """The number in a congress or session name: 二 in the Chinese UI, 2 in other languages."""
    lang = get_language()
    return chinese_number(n) if lang is None or lang.startswith("zh") else str(n)


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 23 → 二十三 (enough for 届 and 次)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


class CongressSession(models.Model):
    """A meeting (第X次会议) of a congress, with its proposal collection window."""

    congress = models.ForeignKey(Congress, verbose_name=_("届次"), on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("会次"))
    date = models.DateField(_("会议日期"))
    collection_opens = models.DateField(_("提案征集开始"))
    collection_closes = models.DateField(_("提案征集截止"))

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["congress", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "number"], name="session_unique_number"),
            models.CheckConstraint(
                condition=Q(collection_closes__gte=models.F("collection_opens")), name="session_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        # Translators: a congress session, e.g. 第二届教职工代表大会第三次会议.
        return gettext("%(congress)s第%(number)s次会议") % {
            "congress": self.congress.name,
            "number": term_number(self.number),
        }

    def window_open(self, on) -> bool:
        return self.collection_opens <= on <= self.collection_closes


class Delegation(models.Model):
    """代表团, usually one per department."""

    congress = models.ForeignKey(Congress, verbose_name=_("届次"), on_delete=models.CASCADE, related_name="delegations")
    name = models.CharField(_("名称"), max_length=100)
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("代表团")
        verbose_name_plural = _("代表团")
        ordering = ["congress", "name"]
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="delegation_unique_name")]

    def __str__(self) -> str:
        return self.name


class Representative(models.Model):
    """A member's seat in one congress term. Only 正式 representatives co-sign and vote."""

    class Kind(models.TextChoices):
        FORMAL = "formal", _("正式代表")
        OBSERVER = "observer", _("列席代表")
        INVITED = "invited", _("特邀代表")

    congress = models.ForeignKey(
        Congress, verbose_name=_("届次"), on_delete=models.CASCADE, related_name="representatives"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("教职工"), on_delete=models.PROTECT, related_name="representative_seats"
    )
    delegation = models.ForeignKey(
        Delegation,
        verbose_name=_("代表团"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="representatives",
    )
    kind = models.CharField(_("代表类别"), max_length=8, choices=Kind.choices, default=Kind.FORMAL)

    class Meta:
        verbose_name = _("代表")
        verbose_name_plural = _("代表")
        ordering = ["congress", "delegation__name", "member__staff_no"]
        constraints = [models.UniqueConstraint(fields=["congress", "member"], name="representative_unique_member")]

    def __str__(self) -> str:
        return f"{self.member.name}（{self.get_kind_display()}）"

    @property
    def is_formal(self) -> bool:
        return self.kind == self.Kind.FORMAL


class ProposalCategory(models.Model):
    """An editable category of proposals (人才队伍建设, 教学管理, 后勤保障, 民生福利 …)."""

    school = models.ForeignKey(
        Organization, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="proposal_categories"
    )
    name = models.CharField(_("名称"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("提案类别")
        verbose_name_plural = _("提案类别")
        ordering = ["school", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="category_unique_name")]

    def __str__(self) -> str:
        return self.name


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    COLLECTING = "collecting", _("征集附议")
    SUBMITTED = "submitted", _("待审查")
    ACCEPTED = "accepted", _("已立案")
    REJECTED = "rejected", _("不立案")
    MERGED = "merged", _("已并案")
    TO_SUGGESTION = "to_suggestion", _("转为意见建议")
    ASSIGNED = "assigned", _("已交办")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("办结")


PUBLIC_STATUSES = (ProposalStatus.ACCEPTED, ProposalStatus.ASSIGNED, ProposalStatus.REPLIED, ProposalStatus.CLOSED)
ACCEPTED_STATUSES = PUBLIC_STATUSES
REVIEWED_STATUSES = (
    *ACCEPTED_STATUSES,
    ProposalStatus.REJECTED,
    ProposalStatus.MERGED,
    ProposalStatus.TO_SUGGESTION,
)
COLLECTED_STATUSES = (ProposalStatus.SUBMITTED, *REVIEWED_STATUSES)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


def proposer_label(member_name: str | None, delegation_name: str | None) -> str:
    """Who a proposal is from, as lists print it: the proposer's name, or "<代表团>（集体提案）" for a
    delegation's joint proposal (no individual proposer); '' when neither is known."""
    if member_name is None and delegation_name is not None:
        return f"{delegation_name}（集体提案）"
    return member_name or ""


class Proposal(models.Model):
    """A proposal (提案): one matter per proposal (一事一案).

    The proposer is a representative, or a delegation for a collective proposal;
    ``created_by`` is the user who drafted it and acts for the proposer. Dates of
    the lifecycle are denormalised here so statistics aggregate in SQL; the full
    history is ``ProposalTransition``.
    """

    session = models.ForeignKey(
        CongressSession, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="proposals"
    )
    number = models.CharField(_("立案号"), max_length=16, blank=True)
    title = models.CharField(_("案由"), max_length=200)
    category = models.ForeignKey(
        ProposalCategory, verbose_name=_("类别"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reasons = models.TextField(_("理由"))
    measures = models.TextField(_("建议措施"))
    suggested_department = models.ForeignKey(
        Department, verbose_name=_("建议承办部门"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposer = models.ForeignKey(
        Representative,
        verbose_name=_("提案人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    delegation = models.ForeignKey(
        Delegation,
        verbose_name=_("提案代表团"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT, db_index=True
    )
    decision_note = models.TextField(_("审查意见"), blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("并入提案"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("主办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_proposals",
    )
    co_departments = models.ManyToManyField(
        Department, verbose_name=_("协办部门"), blank=True, related_name="co_proposals"
    )
    deadline = models.DateField(_("答复期限"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    first_reply_on = models.DateField(_("首次答复日期"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    rating = models.CharField(_("最新评价"), max_length=16, choices=Rating.choices, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("提案")
        verbose_name_plural = _("提案")
        ordering = ["session", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"], condition=~Q(number=""), name="proposal_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(proposer__isnull=False) | Q(delegation__isnull=False), name="proposal_has_proposer"
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="proposal_status_deadline")]

    def __str__(self) -> str:
        return f"{self.number or '未立案'} {self.title}"

    @property
    def proposer_name(self) -> str:
        return proposer_label(
            self.proposer.member.name if self.proposer_id else None,
            self.delegation.name if self.delegation_id else None,
        )

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES


class CoSignature(models.Model):
    """A co-signer (附议人) invited by the proposer, who confirms in the portal.

    ``role`` distinguishes ordinary co-signers from co-proposers gained by a merge
    (并案: the merged proposal's proposers become co-proposers of the target).
    """

    class Status(models.TextChoices):
        INVITED = "invited", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        DECLINED = "declined", _("已谢绝")

    class Role(models.TextChoices):
        COSIGNER = "cosigner", _("附议人")
        CO_PROPOSER = "co_proposer", _("联名提案人")

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("提案"), on_delete=models.CASCADE, related_name="cosignatures"
    )
    representative = models.ForeignKey(
        Representative, verbose_name=_("代表"), on_delete=models.PROTECT, related_name="cosignatures"
    )
    role = models.CharField(_("身份"), max_length=16, choices=Role.choices, default=Role.COSIGNER)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.INVITED)
    invited_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = _("附议")
        ordering = ["proposal", "invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "representative"], name="cosignature_unique_representative")
        ]

    def __str__(self) -> str:
        return f"{self.representative} · {self.get_status_display()}"


def attachment_path(instance: ProposalAttachment, filename: str) -> str:
    return f"congress/proposals/{instance.proposal_id}/{filename}"


class ProposalAttachment(models.Model):
    """A file attached to a proposal; downloaded only through a permission-checked view."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("提案"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    original_name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["proposal", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


ACTION_LABELS = {
    "create": _("起草"),
    "submit": _("提交，征集附议"),
    "cosigned": _("附议人数已满，提交审查"),
    "late": _("征集截止后提交，转为意见建议"),
    "accept": _("立案"),
    "reject": _("不立案"),
    "merge": _("并案"),
    "to_suggestion": _("转为意见建议"),
    "assign": _("交办"),
    "acknowledge": _("承办部门签收"),
    "return": _("承办部门退回"),
    "reply": _("答复"),
    "co_reply": _("协办部门答复"),
    "rate": _("提案人评价"),
    "rehandle": _("退回重办"),
    "close": _("办结"),
    "urge": _("催办"),
}

# Notes the services write into the history (``ProposalTransition.note_code``/``note_params``), shown in the
# reader's language (``union_portal.lib.messages``). Codes are stable; a person's own words carry no code.
NOTE_LATE = message("congress.note.late", gettext_noop("提案征集已截止，按规定转为意见建议。"))
NOTE_COSIGNED = message("congress.note.cosigned", gettext_noop("已有 %(count)s 位正式代表确认附议"))
NOTE_ACCEPTED = message("congress.note.accepted", gettext_noop("立案，编号 %(number)s"))
NOTE_MERGED = message("congress.note.merged", gettext_noop("并入提案 %(number)s《%(title)s》"))
NOTE_MERGED_FROM = message("congress.note.merged_from", gettext_noop("并入提案《%(title)s》，其提案人成为联名提案人"))
NOTE_TO_SUGGESTION = message("congress.note.to_suggestion", gettext_noop("不符合立案条件，转为意见建议"))
NOTE_ASSIGNED = message("congress.note.assigned", gettext_noop("主办：%(lead)s；期限 %(deadline)s"))
NOTE_ASSIGNED_CO = message(
    "congress.note.assigned_co", gettext_noop("主办：%(lead)s；协办：%(co)s；期限 %(deadline)s")
)
NOTE_REPLIED = message("congress.note.replied", gettext_noop("第%(round)s轮答复"))
NOTE_RATED = message("congress.note.rated", gettext_noop("%(rating_t)s"))
NOTE_RATED_COMMENT = message("congress.note.rated_comment", gettext_noop("%(rating_t)s：%(comment)s"))
NOTE_REHANDLE = message("congress.note.rehandle", gettext_noop("进入第%(round)s轮办理，期限 %(deadline)s"))


class ProposalTransition(models.Model):
    """One step of a proposal's history: who moved it from which status to which, when, and why."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("提案"), on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("原状态"), max_length=16, choices=ProposalStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=ProposalStatus.choices)
    action = models.CharField(_("操作"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)  # a person's words, or the Chinese text of note_code
    note_code = models.CharField(_("说明代码"), max_length=64, blank=True)  # union_portal.lib.messages
    note_params = models.JSONField(_("说明参数"), default=dict, blank=True)
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)

    class Meta:
        verbose_name = _("提案流转记录")
        verbose_name_plural = _("提案流转记录")
        ordering = ["proposal", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_status}→{self.to_status}"

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.get_to_status_display())

    @property
    def note_display(self) -> str:
        """The note in the active language: a generated note from its code, a person's words as written."""
        from union_portal.lib.messages import render

        if not self.note_code:
            return self.note
        return render(self.note_code, self.note_params, fallback=self.note)


class ProposalReply(models.Model):
    """A department's reply (答复) in one handling round."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("提案"), on_delete=models.CASCADE, related_name="replies")
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    department = models.ForeignKey(Department, verbose_name=_("答复部门"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("答复内容"))
    measures = models.TextField(_("办理措施"), blank=True)
    planned_completion = models.DateField(_("计划完成时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(_("答复时间"))

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["proposal", "round"]
        constraints = [models.UniqueConstraint(fields=["proposal", "round"], name="reply_unique_round")]

    def __str__(self) -> str:
        return f"{self.proposal_id} 第{self.round}轮答复"


class CoDepartmentReply(models.Model):
    """A co-department's (协办部门) reply on the part of a proposal handed to it, one per department and
    round. The lead department's ``ProposalReply`` remains the proposal's 答复 that the proposer rates."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("提案"), on_delete=models.CASCADE, related_name="co_replies")
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    department = models.ForeignKey(Department, verbose_name=_("协办部门"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("协办意见"))
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(_("答复时间"))

    class Meta:
        verbose_name = _("协办答复")
        verbose_name_plural = _("协办答复")
        ordering = ["proposal", "round", "department"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "round", "department"], name="co_reply_unique_department")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} 第{self.round}轮协办答复"


class Feedback(models.Model):
    """The proposer's rating of a reply in one round; 不满意 sends the proposal back (重办)."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("提案"), on_delete=models.CASCADE, related_name="feedbacks")
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    rating = models.CharField(_("评价"), max_length=16, choices=Rating.choices)
    comment = models.TextField(_("意见"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(_("评价时间"))

    class Meta:
        verbose_name = _("办理反馈")
        verbose_name_plural = _("办理反馈")
        ordering = ["proposal", "round"]
        constraints = [models.UniqueConstraint(fields=["proposal", "round"], name="feedback_unique_round")]

    def __str__(self) -> str:
        return f"{self.proposal_id} 第{self.round}轮 {self.get_rating_display()}"


class Suggestion(models.Model):
    """An 意见建议: any member submits; the committee forwards it to a department, which replies."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待处理")
        FORWARDED = "forwarded", _("已转办")
        REPLIED = "replied", _("已答复")

    school = models.ForeignKey(Organization, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        CongressSession,
        verbose_name=_("会议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    submitted_by = models.ForeignKey(
        Member, verbose_name=_("建议人"), on_delete=models.PROTECT, related_name="congress_suggestions"
    )
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"))
    from_proposal = models.OneToOneField(
        Proposal,
        verbose_name=_("来源提案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestion",
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    department = models.ForeignKey(
        Department, verbose_name=_("转办部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reply = models.TextField(_("答复"), blank=True)
    submitted_on = models.DateField(_("提出日期"))
    forwarded_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("意见建议")
        verbose_name_plural = _("意见建议")
        ordering = ["-submitted_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class Motion(models.Model):
    """A document put to the vote (表决), e.g. 《奖励性绩效工资发放办法》修订稿, voted clause by clause."""

    session = models.ForeignKey(
        CongressSession, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="motions"
    )
    title = models.CharField(_("表决事项"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    voted_on = models.DateField(_("表决日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("表决事项")
        verbose_name_plural = _("表决事项")
        ordering = ["session", "pk"]

    def __str__(self) -> str:
        return self.title


class MotionClause(models.Model):
    motion = models.ForeignKey(Motion, verbose_name=_("表决事项"), on_delete=models.CASCADE, related_name="clauses")
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("条款"), max_length=300)

    class Meta:
        verbose_name = _("表决条款")
        verbose_name_plural = _("表决条款")
        ordering = ["motion", "number"]
        constraints = [models.UniqueConstraint(fields=["motion", "number"], name="clause_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


def percent(part: int, whole: int) -> Decimal | None:
    """part/whole as a percentage with one decimal (None when whole is 0)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class VoteTally(models.Model):
    """The committee-entered result of one clause's paper vote.

    ``roll`` is the number of 正式 representatives when the tally was entered;
    ``expected`` (应到) and ``present`` (实到) the attendance. Quorum: present ≥ 2/3
    of ``roll`` (《学校教职工代表大会规定》, 教育部令第32号: 须有三分之二以上教职工代表出席). Passing:
    赞成 > 1/2 of the congress's base (``roll``, or ``expected`` when the base is
    应到). ``quorum_met``, ``passed`` and ``approval_rate`` (赞成/实到, %) are
    computed in ``compute()`` on save so statistics aggregate in SQL.
    """

    clause = models.OneToOneField(MotionClause, verbose_name=_("条款"), on_delete=models.CASCADE, related_name="tally")
    roll = models.PositiveIntegerField(_("正式代表总数"))
    expected = models.PositiveIntegerField(_("应到"))
    present = models.PositiveIntegerField(_("实到"))
    yes = models.PositiveIntegerField(_("赞成"))
    no = models.PositiveIntegerField(_("反对"))
    abstain = models.PositiveIntegerField(_("弃权"))
    base = models.PositiveIntegerField(_("通过基数"), default=0)
    quorum_met = models.BooleanField(_("达到法定人数"), default=False)
    passed = models.BooleanField(_("通过"), default=False)
    approval_rate = models.DecimalField(_("赞成率(%)"), max_digits=5, decimal_places=1, null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("计票结果")
        verbose_name_plural = _("计票结果")
        constraints = [
            models.CheckConstraint(condition=Q(expected__lte=models.F("roll")), name="tally_expected_le_roll"),
            models.CheckConstraint(condition=Q(present__lte=models.F("expected")), name="tally_present_le_expected"),
        ]

    def __str__(self) -> str:
        return f"{self.clause} 赞成{self.yes}/实到{self.present}"

    def clean(self):
        check_tally(
            roll=self.roll,
            expected=self.expected,
            present=self.present,
            yes=self.yes,
            no=self.no,
            abstain=self.abstain,
        )

    def compute(self, pass_base: str) -> None:
        self.base = self.roll if pass_base == Congress.PassBase.ALL else self.expected
        self.quorum_met = quorum_met(roll=self.roll, present=self.present)
        self.passed = self.quorum_met and vote_passes(yes=self.yes, base=self.base)
        self.approval_rate = percent(self.yes, self.present)


def quorum_met(*, roll: int, present: int) -> bool:
    """At least 2/3 of the 正式 representatives present (integer arithmetic: exactly 2/3 passes)."""
    return roll > 0 and present * 3 >= roll * 2


def vote_passes(*, yes: int, base: int) -> bool:
    """赞成 strictly more than half of ``base`` (exactly half fails)."""
    return base > 0 and yes * 2 > base


def check_tally(*, roll: int, expected: int, present: int, yes: int, no: int, abstain: int) -> None:
    """Reject impossible tallies with clear Chinese messages (``ValidationError`` keyed by field)."""
    errors = {}
    if expected > roll:
        errors["expected"] = f"应到人数（{expected}）不能超过正式代表总数（{roll}）。"
    if present > expected:
        errors["present"] = f"实到人数（{present}）不能超过应到人数（{expected}）。"
    if yes + no + abstain > present:
        errors["yes"] = f"赞成、反对、弃权合计（{yes + no + abstain}）超过了实到人数（{present}）。"
    if errors:
        raise ValidationError(errors)


class Appraisal(models.Model):
    """民主评议: a rating vote on school leaders at a session."""

    session = models.ForeignKey(
        CongressSession, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="appraisals"
    )
    title = models.CharField(_("评议名称"), max_length=200)
    ballots = models.PositiveIntegerField(_("有效票数"))

    class Meta:
        verbose_name = _("民主评议")
        verbose_name_plural = _("民主评议")
        ordering = ["session", "pk"]

    def __str__(self) -> str:
        return self.title


class AppraisalResult(models.Model):
    """Counts of 优秀/称职/基本称职/不称职 for one appraised leader."""

    appraisal = models.ForeignKey(
        Appraisal, verbose_name=_("民主评议"), on_delete=models.CASCADE, related_name="results"
    )
    leader_name = models.CharField(_("被评议人"), max_length=50)
    position = models.CharField(_("职务"), max_length=100, blank=True)
    excellent = models.PositiveIntegerField(_("优秀"), default=0)
    competent = models.PositiveIntegerField(_("称职"), default=0)
    basically_competent = models.PositiveIntegerField(_("基本称职"), default=0)
    incompetent = models.PositiveIntegerField(_("不称职"), default=0)

    class Meta:
        verbose_name = _("评议结果")
        verbose_name_plural = _("评议结果")
        ordering = ["appraisal", "pk"]

    def __str__(self) -> str:
        return self.leader_name

    @property
    def total(self) -> int:
        return self.excellent + self.competent + self.basically_competent + self.incompetent

    @property
    def good_rate(self) -> Decimal | None:
        """(优秀 + 称职) / 有效票, %."""
        return percent(self.excellent + self.competent, self.total)


class CompilationFile(models.Model):
    """The 提案汇编 PDF of one session, rendered once per content.

    ``content_hash`` is the SHA-256 of the book's HTML (``congress/compilation.html``): any change to
    what prints (a proposal, a reply, a rating, the session) gives a new hash and a new file; the same
    content is served from the stored file. Rendered in the background by ``congress.tasks``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    session = models.ForeignKey(
        CongressSession, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="compilation_files"
    )
    content_hash = models.CharField(max_length=64)
    html = models.TextField(blank=True, help_text="the page to render; emptied once the file is stored")
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="congress/compilations/%Y/", blank=True)
    error = models.CharField(max_length=500, blank=True)
    renders = models.PositiveIntegerField(default=0, help_text="how many times the file was rendered")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("提案汇编文件")
        verbose_name_plural = _("提案汇编文件")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "content_hash"], name="congress_compilation_unique_content")
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.status}"


# --- 校务公开 (school affairs disclosure) ----------------------------------------------------------------


def disclosure_path(instance: DisclosureItem, filename: str) -> str:
    return f"congress/disclosure/{instance.school_id}/{filename}"


class DisclosureItem(models.Model):
    """An item on the 校务公开 board: what the school makes public, by category, for a period.

    ``published_at`` and ``withdrawn_at`` record when it appeared and when it was taken down, so the
    annual report counts the items published in its period by category (``congress.report``). An item
    leaves the board for the archive when withdrawn or when its period has ended. ``session`` links it to
    the congress session whose materials it is (会议材料).
    """

    class Category(models.TextChoices):
        FINANCE = "finance", _("财务")
        HONOURS = "honours", _("评先评优")
        TITLES = "titles", _("职称")
        PERFORMANCE = "performance", _("绩效")
        CONSTRUCTION = "construction", _("基建")
        ADMISSIONS_FEES = "admissions_fees", _("招生收费")
        PROCUREMENT = "procurement", _("物资采购")
        PERSONNEL = "personnel", _("人事")
        CONGRESS = "congress", _("教代会")
        OTHER = "other", _("其他")

    school = models.ForeignKey(
        Organization, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="disclosures",
        limit_choices_to={"kind": Organization.Kind.SCHOOL},
    )
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    period_start = models.DateField(_("公开期间开始"))
    period_end = models.DateField(_("公开期间结束"))
    session = models.ForeignKey(
        CongressSession, verbose_name=_("教代会会议"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="disclosures",
    )
    file = models.FileField(_("附件"), upload_to=disclosure_path, blank=True)
    original_name = models.CharField(_("文件名"), max_length=255, blank=True)
    content_type = models.CharField(_("类型"), max_length=100, blank=True)
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdraw_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("校务公开事项")
        verbose_name_plural = _("校务公开事项")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="disclosure_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def on_board(self, today) -> bool:
        """Still on the board (not withdrawn, period not over) on ``today``."""
        return self.withdrawn_at is None and self.period_end >= today
