"""Forms of the welfare app. They validate; services write."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import FamilyMember, Member, Organization
from members.search import picker_attrs
from union_portal.lib import tabular
from union_portal.lib.text import CleanTextMixin

from .models import (
    AidClaim,
    DonationDrive,
    Festival,
    FundingSource,
    HardshipCase,
    MutualAidPlan,
    PendingVisit,
    PlanEnrollment,
    ServiceRecord,
    VisitOccasion,
)
from .services import occasions_for


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def money_field(label, required=False, initial=None):
    return forms.DecimalField(
        label=label,
        required=required,
        initial=initial,
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"), message=_("金额不能为负数"))],
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
    )


def resolve_member(text: str, members) -> Member:
    """Find one member by 工号, ``工号 姓名`` or a unique name within ``members``; ValidationError otherwise."""
    text = (text or "").strip()
    if not text:
        raise forms.ValidationError(_("请填写教职工的工号或姓名"))
    token = re.split(r"[\s（(]", text, maxsplit=1)[0]
    found = list(members.filter(Q(staff_no=token) | Q(name=token) | Q(name=text)).select_related("organization")[:6])
    by_no = [m for m in found if m.staff_no == token]
    if len(by_no) == 1:
        return by_no[0]
    if len(found) == 1:
        return found[0]
    if not found:
        raise forms.ValidationError(_("没有找到“%(t)s”，请填写本单位教职工的工号或姓名") % {"t": text})
    raise forms.ValidationError(
        _("有多位教职工叫“%(t)s”，请填写工号：%(c)s") % {"t": text, "c": "、".join(f"{m.staff_no}" for m in found)}
    )


class MemberRefMixin:
    """A text field for the member (工号 or name), resolved within the user's manageable members."""

    def clean_member_ref(self):
        self.member = resolve_member(self.cleaned_data["member_ref"], self.members)
        return self.cleaned_data["member_ref"]


class VisitForm(CleanTextMixin, MemberRefMixin, forms.Form):
    """The quick 登记慰问 form: pre-fillable, phone friendly, keeps every input on error."""

    member_ref = forms.CharField(
        label=_("慰问对象"),
        max_length=60,
        help_text=_("工号或姓名"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("工号或姓名")}),
    )
    occasion = forms.ModelChoiceField(label=_("慰问事由"), queryset=VisitOccasion.objects.none(), empty_label=None)
    family_member = forms.ModelChoiceField(
        label=_("涉及亲属"), queryset=FamilyMember.objects.none(), required=False, empty_label=_("（本人）")
    )
    visited_on = forms.DateField(label=_("慰问日期"), widget=DateInput())
    cash_amount = money_field(_("慰问金（元）"))
    gift_description = forms.CharField(
        label=_("慰问品"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：水果、牛奶")}),
    )
    gift_value = money_field(_("慰问品价值（元）"))
    funding_source = forms.ChoiceField(label=_("经费来源"), choices=FundingSource.choices)
    visitors_text = forms.CharField(
        label=_("慰问人"), max_length=200, required=False, help_text=_("姓名或工号，多人用顿号或空格分隔")
    )
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, members, school: Organization | None, member: Member | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        self.school = school
        self.member = member
        self.visitors: list[Member] = []
        self.fields["occasion"].queryset = occasions_for(school)
        self.fields["occasion"].label_from_instance = lambda o: o.name + (str(_("（必访）")) if o.is_mandatory else "")
        if member is not None:
            self.fields["family_member"].queryset = member.family.all()
        else:
            self.fields["family_member"].widget = forms.HiddenInput()
        self.fields["funding_source"].initial = FundingSource.UNION_FUNDS
        url = reverse("members:search") + "?value=staff_no"
        self.fields["member_ref"].widget.attrs.update(picker_attrs(url, single=True))
        self.fields["visitors_text"].widget.attrs.update(picker_attrs(url))

    def clean_visited_on(self):
        day = self.cleaned_data["visited_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("慰问日期不能晚于今天"))
        if day < dt.date(2000, 1, 1):
            raise forms.ValidationError(_("慰问日期过早，请检查"))
        return day

    def clean_visitors_text(self):
        """Visitors by name or 工号 (the picker sends 工号), separated by 、 , ; or spaces; school members only."""
        names = [n for n in re.split(r"[、,，;；\s]+", self.cleaned_data["visitors_text"] or "") if n]
        if not names:
            return ""
        school_members = Member.objects.filter(school=self.school) if self.school else Member.objects.none()
        found = {}
        for m in school_members.filter(Q(name__in=names) | Q(staff_no__in=names)):
            found[m.staff_no] = m
            found.setdefault(m.name, m)
        missing = [n for n in names if n not in found]
        if missing:
            raise forms.ValidationError(_("找不到这些慰问人：%(n)s") % {"n": "、".join(missing)})
        self.visitors = list({found[n].pk: found[n] for n in names}.values())
        return self.cleaned_data["visitors_text"]

    def clean(self):
        data = super().clean()
        cash = data.get("cash_amount") or Decimal("0")
        gift = data.get("gift_value") or Decimal("0")
        if (
            "cash_amount" in data
            and "gift_value" in data
            and not cash
            and not gift
            and not data.get("gift_description")
        ):
            raise forms.ValidationError(_("请填写慰问金或慰问品"))
        if gift and not data.get("gift_description"):
            self.add_error("gift_description", _("填写了慰问品价值，请说明慰问品"))
        relative = data.get("family_member")
        if relative is not None and self.member is not None and relative.member_id != self.member.pk:
            self.add_error("family_member", _("该亲属不属于所选教职工"))
        data["cash_amount"], data["gift_value"] = cash, gift
        return data


class LifeEventForm(CleanTextMixin, MemberRefMixin, forms.Form):
    """登记事件: a hospitalisation, birth, bereavement … becomes a pending visit."""

    member_ref = forms.CharField(label=_("教职工"), max_length=60, help_text=_("工号或姓名"))
    event = forms.ChoiceField(label=_("事件"), choices=PendingVisit.Event.choices)
    event_date = forms.DateField(label=_("事件日期"), widget=DateInput())
    notes = forms.CharField(label=_("情况说明"), max_length=200, required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        self.member = None


class DistributionForm(CleanTextMixin, forms.Form):
    festival = forms.ChoiceField(label=_("节日"), choices=Festival.choices)
    title = forms.CharField(label=_("名称"), max_length=100, help_text=_("如：2024年春节慰问品发放"))
    distributed_on = forms.DateField(label=_("发放日期"), widget=DateInput())
    item = forms.CharField(label=_("物品"), max_length=200)
    value_per_person = money_field(_("人均价值（元）"), required=True)
    funding_source = forms.ChoiceField(label=_("经费来源"), choices=FundingSource.choices)
    sub_union = forms.ModelChoiceField(
        label=_("发放范围"), queryset=Organization.objects.none(), required=False, empty_label=_("全校")
    )
    include_retirees = forms.BooleanField(label=_("包括退休教职工"), required=False, initial=True)
    include_contract = forms.BooleanField(label=_("包括合同制等编外人员"), required=False, initial=True)
    union_members_only = forms.BooleanField(label=_("仅限工会会员"), required=False)

    def __init__(self, *args, scope: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sub_union"].queryset = scope.subtree().filter(kind=Organization.Kind.SUB_UNION)


class RuleSetForm(CleanTextMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    effective_from = forms.DateField(label=_("生效日期"), widget=DateInput())
    source = forms.CharField(label=_("依据"), max_length=200, required=False)
    festival_yearly_cap = money_field(_("节日慰问品每人每年上限（元）"))
    birthday_cap = money_field(_("生日慰问上限（元）"))

    def __init__(self, *args, occasions, **kwargs):
        super().__init__(*args, **kwargs)
        self.occasions = list(occasions)
        for o in self.occasions:
            self.fields[f"cap_{o.code}"] = money_field(_("%(n)s 每次上限（元）") % {"n": o.name})

    def caps(self) -> dict:
        return {o.code: self.cleaned_data.get(f"cap_{o.code}") for o in self.occasions}


class ClaimForm(CleanTextMixin, MemberRefMixin, forms.ModelForm):
    member_ref = forms.CharField(label=_("申请人"), max_length=60, help_text=_("工号或姓名"))

    class Meta:
        model = AidClaim
        fields = ["plan", "claimed_on", "claimed_amount", "notes"]
        widgets = {"claimed_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, members, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        self.member = None
        self.fields["plan"].queryset = plans
        self.order_fields(["member_ref", "plan", "claimed_on", "claimed_amount", "notes"])

    def clean(self):
        """A claim only for a member enrolled (参保) in the plan in the year of the claim."""
        data = super().clean()
        plan, day = data.get("plan"), data.get("claimed_on")
        if self.member is not None and plan is not None and day is not None:
            if not PlanEnrollment.objects.filter(plan=plan, member=self.member, year=day.year).exists():
                self.add_error(
                    "member_ref",
                    _("%(name)s 未参加%(year)s年度的“%(plan)s”，不能登记理赔。请先在其参保记录中登记参保。")
                    % {"name": self.member.name, "year": day.year, "plan": plan.name},
                )
        return data


class HardshipCaseForm(CleanTextMixin, MemberRefMixin, forms.ModelForm):
    member_ref = forms.CharField(label=_("困难职工"), max_length=60, help_text=_("工号或姓名"))

    class Meta:
        model = HardshipCase
        fields = ["opened_on", "reason", "level", "notes"]
        widgets = {"opened_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        self.member = None
        self.order_fields(["member_ref", "opened_on", "reason", "level", "notes"])


class HardshipAidForm(CleanTextMixin, forms.Form):
    paid_on = forms.DateField(label=_("发放日期"), widget=DateInput())
    amount = money_field(_("帮扶金（元）"), required=True)
    funding_source = forms.ChoiceField(label=_("经费来源"), choices=FundingSource.choices)
    notes = forms.CharField(label=_("备注"), max_length=200, required=False)


class HardshipCloseForm(CleanTextMixin, forms.Form):
    closed_on = forms.DateField(label=_("脱困日期"), widget=DateInput())
    notes = forms.CharField(label=_("说明"), max_length=200, required=False)


class ServiceForm(CleanTextMixin, MemberRefMixin, forms.ModelForm):
    member_ref = forms.CharField(label=_("教职工"), max_length=60, help_text=_("工号或姓名"))

    class Meta:
        model = ServiceRecord
        fields = ["kind", "served_on", "description", "outcome"]
        widgets = {"served_on": DateInput()}

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        self.member = None
        self.order_fields(["member_ref", "kind", "served_on", "description", "outcome"])


class PlanForm(CleanTextMixin, forms.ModelForm):
    enroll_year = forms.IntegerField(label=_("参保年度"), min_value=2000, max_value=2100, required=False)
    enroll_women_only = forms.BooleanField(label=_("仅女职工参保"), required=False)

    class Meta:
        model = MutualAidPlan
        fields = ["kind", "name", "premium", "is_health", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class CampaignForm(CleanTextMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    held_on = forms.DateField(label=_("体检日期"), widget=DateInput())
    provider = forms.CharField(label=_("体检机构"), max_length=100, required=False)
    cost_per_person = money_field(_("人均费用（元）"))
    include_retirees = forms.BooleanField(label=_("包括退休教职工"), required=False)


class DriveForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = DonationDrive
        fields = ["kind", "title", "held_on", "notes"]
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}


class DonationForm(CleanTextMixin, MemberRefMixin, forms.Form):
    member_ref = forms.CharField(label=_("捐助人"), max_length=60, help_text=_("工号或姓名"))
    amount = money_field(_("金额（元）"))
    blood_ml = forms.IntegerField(label=_("献血量（毫升）"), required=False, min_value=0, max_value=2000)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        self.member = None


class ImportUploadForm(CleanTextMixin, forms.Form):
    file = forms.FileField(label=_("慰问台账文件（.xlsx 或 .csv）"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        tabular.validate_upload(f)  # the same size and type check as the roster upload
        return f


class OccasionForm(CleanTextMixin, forms.ModelForm):
    """A school's own visit occasion (慰问事由); the code is a short slug such as ``graduation``."""

    class Meta:
        model = VisitOccasion
        fields = ["name", "code", "is_mandatory", "is_sensitive", "concerns_relative", "sort_order"]


class EnrollmentForm(CleanTextMixin, forms.Form):
    """参保: one plan and year for a member, with the premium (yuan per year) and who pays it."""

    plan = forms.ModelChoiceField(label=_("计划"), queryset=MutualAidPlan.objects.none())
    year = forms.IntegerField(label=_("参保年度"), min_value=2000, max_value=2100)
    premium = money_field(_("费用（元）"), required=True)
    paid_by = forms.ChoiceField(label=_("缴费方"), choices=FundingSource.choices)

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans


BULK_LINE = re.compile(r"^\s*(?P<who>[^\s,，\t]+(?:[ \t]+[^\s,，\t\d][^\s,，\t]*)?)[\s,，\t]+(?P<amount>-?[\d.]+)\s*$")


class DonationBulkForm(CleanTextMixin, forms.Form):
    """Donations in bulk: ticked roster members (``member``, each at ``amount``) and/or pasted lines
    "工号或姓名 金额" (also "工号 姓名 金额", separated by spaces, tabs or commas, as copied from a
    spreadsheet). All or nothing: every bad line is reported with its line number and nothing is saved.
    ``rows`` holds ``services.DonationRow`` after validation."""

    member = forms.ModelMultipleChoiceField(
        label=_("从名册勾选"), queryset=Member.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    amount = money_field(_("勾选人员每人金额（元）"))
    pasted = forms.CharField(
        label=_("粘贴名单"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "T0001 200\n张三 100"}),
        help_text=_("每行一人：工号或姓名，再写金额（元），可从 Excel 直接复制两列"),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        self.fields["member"].queryset = members.order_by("staff_no")
        self.fields["member"].label_from_instance = lambda m: f"{m.name}（{m.staff_no}）"
        self.rows = []

    def clean_pasted(self):
        from .services import DonationRow

        errors, rows = [], []
        for n, line in enumerate((self.cleaned_data.get("pasted") or "").splitlines(), start=1):
            if not line.strip():
                continue
            m = BULK_LINE.match(line)
            try:
                if m is None:
                    raise forms.ValidationError(_("格式应为“工号或姓名 金额”"))
                amount = Decimal(m["amount"])
                if amount < 0:
                    raise forms.ValidationError(_("金额不能为负数"))
                rows.append(DonationRow(member=resolve_member(m["who"], self.members), amount=amount))
            except (forms.ValidationError, ArithmeticError) as exc:
                msg = "；".join(exc.messages) if isinstance(exc, forms.ValidationError) else _("金额不是有效的数字")
                errors.append(_("第 %(n)s 行“%(line)s”：%(msg)s") % {"n": n, "line": line.strip()[:40], "msg": msg})
        if errors:
            raise forms.ValidationError(errors)
        self.pasted_rows = rows
        return self.cleaned_data["pasted"]

    def clean(self):
        from .services import DonationRow

        data = super().clean()
        ticked = list(data.get("member") or [])
        if ticked and data.get("amount") in (None, ""):
            self.add_error("amount", _("请填写勾选人员每人的金额"))
        rows = [DonationRow(member=m, amount=data.get("amount")) for m in ticked] + getattr(self, "pasted_rows", [])
        seen = {}
        for row in rows:
            if row.member.pk in seen:
                self.add_error(None, _("%(name)s 出现了两次，请只保留一行") % {"name": row.member.name})
            seen[row.member.pk] = row
        if not rows and not self.errors:
            raise forms.ValidationError(_("请勾选人员或粘贴名单"))
        self.rows = rows
        return data
