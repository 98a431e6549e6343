"""Forms of the congress area. They validate input; services write."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members.forms import DateInput
from members.models import Department
from members.search import picker_attrs
from union_portal.lib.text import CleanTextMixin

from .models import (
    Congress,
    CongressSession,
    Proposal,
    ProposalCategory,
    ProposalStatus,
    Rating,
    Representative,
    Suggestion,
    check_tally,
)
from .similarity import jaccard


class ProposalForm(CleanTextMixin, forms.ModelForm):
    """案由, category, reasons, measures, suggested department; optionally as a delegation (集体提案)."""

    collective = forms.BooleanField(label=_("以代表团名义提出（集体提案）"), required=False)

    class Meta:
        model = Proposal
        fields = ["title", "category", "reasons", "measures", "suggested_department"]
        widgets = {
            "title": forms.TextInput(attrs={"placeholder": _("关于……的建议（一事一案）")}),
            "reasons": forms.Textarea(attrs={"rows": 6}),
            "measures": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, school, delegation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ProposalCategory.objects.filter(school=school, is_active=True)
        self.fields["category"].required = True
        self.fields["suggested_department"].queryset = Department.objects.filter(school=school)
        self.fields["title"].widget.attrs.update(
            {
                "data-similar-url": reverse("congress:proposal_similar"),
                "data-similar-target": "#similar-live",
                "data-similar-exclude": self.instance.pk or "",
            }
        )
        if delegation is None or self.instance.pk:
            del self.fields["collective"]
        else:
            self.fields["collective"].help_text = f"代表团：{delegation.name}"

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if len(title) < 4:
            raise ValidationError("案由太短，请写明提案的事由（例如“关于……的建议”）。")
        return title


class AttachmentForm(CleanTextMixin, forms.Form):
    file = forms.FileField(label=_("附件"), help_text=_("PDF、Word、Excel 或 JPG/PNG，单个不超过 5 MB"))


def invitable_representatives(proposal: Proposal):
    """正式 representatives of the proposal's congress not yet invited and not the proposer (a queryset)."""
    taken = proposal.cosignatures.values_list("representative_id", flat=True)
    qs = (
        Representative.objects.filter(congress=proposal.session.congress, kind=Representative.Kind.FORMAL)
        .exclude(pk__in=taken)
        .select_related("member__organization", "delegation")
        .order_by("delegation__name", "member__name_pinyin")
    )
    if proposal.proposer_id:
        qs = qs.exclude(pk=proposal.proposer_id)
    return qs


def representative_label(r: Representative) -> str:
    """The label "姓名（代表团）" with which the co-signer picker shows a representative (translated frame)."""
    from django.utils.translation import gettext

    return gettext("%(name)s（%(delegation)s）") % {
        "name": r.member.name, "delegation": r.delegation.name if r.delegation else "—"}  # fmt: skip


class InviteForm(CleanTextMixin, forms.Form):
    """Invite co-signers: a multi-select of the invitable representatives, searchable by name, pinyin
    initials or 工号 (``data-picker``: ``static/js/pickers.js``; without JS the plain list works)."""

    representatives = forms.ModelMultipleChoiceField(
        label=_("邀请附议人（正式代表）"),
        queryset=Representative.objects.none(),
        help_text=_("输入姓名、拼音首字母或工号查找"),
    )

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["representatives"]
        field.queryset = invitable_representatives(proposal)
        field.label_from_instance = representative_label
        field.widget.attrs.update(
            size=8, **picker_attrs(reverse("congress:cosigner_search", args=[proposal.pk]), kind="representatives")
        )


class MergeChoices(forms.models.ModelChoiceIterator):
    """The 并案 targets ranked by similarity to the proposal's 案由 (``similarity.jaccard``), most similar
    first, each label ending with its score; ties keep the proposal-number order. Evaluated when rendered."""

    def __init__(self, field, proposal: Proposal):
        super().__init__(field)
        self.proposal = proposal

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        targets = list(self.queryset)
        scores = {p.pk: jaccard(self.proposal.title, p.title) for p in targets}
        for p in sorted(targets, key=lambda p: -scores[p.pk]):
            label = self.field.label_from_instance(p)
            yield (self.choice(p)[0], f"{label}（相似度 {round(scores[p.pk] * 100)}%）" if scores[p.pk] else label)


class DecisionForm(CleanTextMixin, forms.Form):
    """The committee's review: 立案 / 不立案 / 并案 / 转为意见建议."""

    DECISIONS = [
        ("accept", _("立案")),
        ("reject", _("不立案")),
        ("merge", _("并案")),
        ("to_suggestion", _("转为意见建议")),
    ]
    decision = forms.ChoiceField(label=_("审查结论"), choices=DECISIONS, widget=forms.RadioSelect)
    merge_into = forms.ModelChoiceField(label=_("并入提案"), queryset=Proposal.objects.none(), required=False)
    note = forms.CharField(
        label=_("审查意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("不立案须写明理由")
    )

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["merge_into"]
        field.queryset = (
            Proposal.objects.filter(
                session=proposal.session,
                status__in=(ProposalStatus.ACCEPTED, ProposalStatus.ASSIGNED, ProposalStatus.REPLIED),
            )
            .exclude(pk=proposal.pk)
            .order_by("number")
        )
        field.widget.choices = MergeChoices(field, proposal)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", "不立案须写明理由，理由将反馈给提案人。")
        if data.get("decision") == "merge" and not data.get("merge_into"):
            self.add_error("merge_into", "请选择要并入的已立案提案。")
        return data


class AssignForm(CleanTextMixin, forms.Form):
    lead_department = forms.ModelChoiceField(label=_("主办部门"), queryset=Department.objects.none())
    co_departments = forms.ModelMultipleChoiceField(
        label=_("协办部门"), queryset=Department.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    deadline = forms.DateField(
        label=_("答复期限"), required=False, widget=DateInput(), help_text=_("留空按届次设置的天数")
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Department.objects.filter(school=school)
        self.fields["lead_department"].queryset = qs
        self.fields["co_departments"].queryset = qs

    def clean(self):
        data = super().clean()
        lead = data.get("lead_department")
        if lead and lead in (data.get("co_departments") or []):
            self.add_error("co_departments", "主办部门不能同时作为协办部门。")
        return data


class ReasonForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(CleanTextMixin, forms.Form):
    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 6}))
    measures = forms.CharField(label=_("办理措施"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    planned_completion = forms.DateField(label=_("计划完成时间"), required=False, widget=DateInput())


class CoReplyForm(CleanTextMixin, forms.Form):
    text = forms.CharField(label=_("协办意见"), widget=forms.Textarea(attrs={"rows": 4}))


class RateForm(CleanTextMixin, forms.Form):
    rating = forms.ChoiceField(label=_("您对答复的评价"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("选择“不满意”时必填")
    )

    def clean(self):
        data = super().clean()
        if data.get("rating") == Rating.DISSATISFIED and not (data.get("comment") or "").strip():
            self.add_error("comment", "选择“不满意”时请写明意见，便于承办部门重办。")
        return data


class CloseForm(CleanTextMixin, forms.Form):
    note = forms.CharField(label=_("办结说明"), widget=forms.Textarea(attrs={"rows": 2}))


class SuggestionForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Suggestion
        fields = ["title", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 6})}


class ForwardForm(CleanTextMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("转办部门"), queryset=Department.objects.none())

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(school=school)


class SuggestionReplyForm(CleanTextMixin, forms.Form):
    reply = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 4}))


class MotionForm(CleanTextMixin, forms.Form):
    title = forms.CharField(label=_("表决事项"), max_length=200)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    voted_on = forms.DateField(label=_("表决日期"), required=False, widget=DateInput())
    clauses = forms.CharField(
        label=_("逐条表决的条款"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每行一条；留空表示整体表决（全文）"),
    )


class TallyForm(CleanTextMixin, forms.Form):
    """应到/实到 and 赞成/反对/弃权 for one clause; impossible numbers are refused."""

    expected = forms.IntegerField(label=_("应到"), min_value=0)
    present = forms.IntegerField(label=_("实到"), min_value=0)
    yes = forms.IntegerField(label=_("赞成"), min_value=0)
    no = forms.IntegerField(label=_("反对"), min_value=0)
    abstain = forms.IntegerField(label=_("弃权"), min_value=0)

    def __init__(self, *args, roll: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.roll = roll

    def clean(self):
        data = super().clean()
        if all(k in data and data[k] is not None for k in ("expected", "present", "yes", "no", "abstain")):
            try:
                check_tally(roll=self.roll, **{k: data[k] for k in ("expected", "present", "yes", "no", "abstain")})
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    for msg in msgs:
                        self.add_error(field, msg)
        return data


class AppraisalForm(CleanTextMixin, forms.Form):
    title = forms.CharField(label=_("评议名称"), max_length=200, initial="学校领导班子成员民主评议")
    ballots = forms.IntegerField(label=_("有效票数"), min_value=1)


class AppraisalResultForm(CleanTextMixin, forms.Form):
    leader_name = forms.CharField(label=_("被评议人"), max_length=50)
    position = forms.CharField(label=_("职务"), max_length=100, required=False)
    excellent = forms.IntegerField(label=_("优秀"), min_value=0)
    competent = forms.IntegerField(label=_("称职"), min_value=0)
    basically_competent = forms.IntegerField(label=_("基本称职"), min_value=0)
    incompetent = forms.IntegerField(label=_("不称职"), min_value=0)

    def __init__(self, *args, ballots: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.ballots = ballots

    def clean(self):
        data = super().clean()
        keys = ("excellent", "competent", "basically_competent", "incompetent")
        if all(data.get(k) is not None for k in keys):
            total = sum(data[k] for k in keys)
            if total > self.ballots:
                raise ValidationError(f"四档票数合计（{total}）超过了有效票数（{self.ballots}）。")
        return data


class RepresentativeForm(CleanTextMixin, forms.Form):
    staff_no = forms.CharField(label=_("工号"), max_length=32)
    kind = forms.ChoiceField(label=_("代表类别"), choices=Representative.Kind.choices)
    delegation = forms.ModelChoiceField(label=_("代表团"), queryset=None, required=False)

    def __init__(self, *args, congress: Congress, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegation"].queryset = congress.delegations.all()


class CongressSettingsForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Congress
        fields = ["start_date", "end_date", "min_cosigners", "pass_base", "reply_deadline_days"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", "任期结束不能早于开始。")
        return data


class CongressForm(CongressSettingsForm):
    """A new congress term (届): its number and kind, then the same dates and rules as the settings form."""

    class Meta(CongressSettingsForm.Meta):
        fields = ["number", "kind", *CongressSettingsForm.Meta.fields]


class SessionForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = CongressSession
        fields = ["number", "date", "collection_opens", "collection_closes"]
        widgets = {"date": DateInput(), "collection_opens": DateInput(), "collection_closes": DateInput()}

    def clean(self):
        data = super().clean()
        if (
            data.get("collection_opens")
            and data.get("collection_closes")
            and data["collection_closes"] < data["collection_opens"]
        ):
            self.add_error("collection_closes", "征集截止不能早于开始。")
        return data


class CategoryForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = ProposalCategory
        fields = ["name", "sort_order", "is_active"]


class DisclosureForm(CleanTextMixin, forms.Form):
    """A new 校务公开 item: category, title, content, the period it covers, optional session and file."""

    category = forms.ChoiceField(label=_("类别"))
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 8}))
    period_start = forms.DateField(label=_("公开期间开始"), widget=DateInput())
    period_end = forms.DateField(label=_("公开期间结束"), widget=DateInput())
    session = forms.ModelChoiceField(label=_("教代会会议"), queryset=None, required=False,
                                     help_text=_("作为该次会议的会议材料公开时选择"))
    file = forms.FileField(label=_("附件"), required=False, help_text=_("PDF、Word、Excel 或 JPG/PNG，单个不超过 5 MB"))

    def __init__(self, *args, school, **kwargs):
        from .models import CongressSession, DisclosureItem

        super().__init__(*args, **kwargs)
        self.fields["category"].choices = DisclosureItem.Category.choices
        self.fields["session"].queryset = CongressSession.objects.filter(congress__school=school).select_related(
            "congress"
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("结束日期不能早于开始日期。"))
        return data


class WithdrawForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=200)


class UrgeForm(CleanTextMixin, forms.Form):
    note = forms.CharField(label=_("催办说明"), max_length=500, required=False)
