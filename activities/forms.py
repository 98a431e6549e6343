"""Forms of the activities app. They validate; services write."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members.models import Member, Organization
from members.search import picker_attrs
from union_portal.lib.text import CleanTextMixin

from .models import Activity, Award, GroupSession, Honor, InterestGroup, Match, SubUnionFund, Team
from .services import photo_limits


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def organizer_choices(nodes: list[Organization]):
    """School unions and sub-unions inside the given nodes' subtrees."""
    q = Q(pk__in=[])
    for node in nodes:
        q |= Q(path__startswith=node.path)
    return Organization.objects.filter(q, kind__in=[Organization.Kind.SCHOOL, Organization.Kind.SUB_UNION]).order_by(
        "path"
    )


def _indent(o: Organization) -> str:
    return ("　" * max(o.depth - 2, 0)) + o.name


class ActivityForm(CleanTextMixin, forms.ModelForm):
    """Create or edit an activity; the organiser must be a unit the user manages."""

    class Meta:
        model = Activity
        fields = [
            "title",
            "type",
            "organizer",
            "status",
            "starts_at",
            "ends_at",
            "place",
            "audience",
            "admits_families",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "budget",
            "spent",
            "funding_source",
            "headcount",
            "headcount_note",
            "description",
        ]
        widgets = {
            f: DateTimeInput() for f in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")
        } | {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, nodes: list[Organization], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = organizer_choices(nodes)
        self.fields["organizer"].label_from_instance = _indent
        for f in ("budget", "spent"):
            self.fields[f].widget.attrs.update({"min": "0", "step": "0.01"})

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("结束时间不能早于开始时间。"))
        opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
        if opens and closes and closes < opens:
            self.add_error("registration_closes_at", _("报名截止不能早于报名开始。"))
        for f in ("budget", "spent"):
            if data.get(f) is not None and data[f] < 0:
                self.add_error(f, _("金额不能为负数。"))
        if data.get("headcount") and not data.get("headcount_note"):
            self.add_error("headcount_note", _("请说明现场人数是怎样统计的（例如：按入场券、约数）。"))
        return data


class MemberByStaffNoField(forms.CharField):
    """A 工号 (or exact name) resolved to a member inside ``scope``; set ``scope`` before validation."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 50)
        super().__init__(**kwargs)
        self.scope: Organization | None = None

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        qs = Member.objects.within(self.scope) if self.scope else Member.objects.none()
        found = list(qs.filter(Q(staff_no=value.strip()) | Q(name=value.strip()))[:2])
        if not found:
            raise forms.ValidationError(_("在您管理的范围内找不到工号或姓名为“%(v)s”的教职工。"), params={"v": value})
        if len(found) > 1:
            raise forms.ValidationError(_("有重名的教职工，请填写工号。"))
        return found[0]


class HonorForm(CleanTextMixin, forms.ModelForm):
    member_ref = MemberByStaffNoField(label=_("获得者（工号或姓名）"), required=False)

    class Meta:
        model = Honor
        fields = ["kind", "title", "level", "grantor", "awarded_on", "organization", "note"]
        widgets = {"awarded_on": DateInput()}
        labels = {"organization": _("获得单位（集体荣誉）")}

    def __init__(self, *args, nodes: list[Organization], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizer_choices(nodes)
        self.fields["organization"].label_from_instance = _indent
        self.fields["organization"].required = False
        self.fields["member_ref"].scope = nodes[0] if nodes else None
        self.order_fields(["kind", "member_ref", "organization", "title", "level", "grantor", "awarded_on", "note"])

    def clean(self):
        data = super().clean()
        if data.get("kind") == Honor.Kind.INDIVIDUAL:
            member = data.get("member_ref")
            if member is None and "member_ref" not in self.errors:
                self.add_error("member_ref", _("个人荣誉请填写获得者的工号或姓名。"))
            elif member is not None:
                data["organization"] = member.organization
        elif data.get("kind") == Honor.Kind.COLLECTIVE and not data.get("organization"):
            self.add_error("organization", _("集体荣誉请选择获得单位。"))
        return data

    def save(self, commit=True):
        honor = super().save(commit=False)
        honor.organization = self.cleaned_data["organization"]
        honor.member = self.cleaned_data.get("member_ref") if honor.kind == Honor.Kind.INDIVIDUAL else None
        if commit:
            honor.save()
        return honor


class AwardForm(CleanTextMixin, forms.ModelForm):
    member_ref = MemberByStaffNoField(label=_("获奖人（工号或姓名）"), required=False)

    class Meta:
        model = Award
        fields = [
            "kind",
            "competition",
            "team_name",
            "prize",
            "prize_detail",
            "level",
            "grantor",
            "awarded_on",
            "organization",
        ]
        widgets = {"awarded_on": DateInput()}
        labels = {"organization": _("计入单位（团体）")}

    def __init__(self, *args, nodes: list[Organization], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizer_choices(nodes)
        self.fields["organization"].label_from_instance = _indent
        self.fields["organization"].required = False
        self.fields["member_ref"].scope = nodes[0] if nodes else None
        self.order_fields(
            [
                "kind",
                "competition",
                "member_ref",
                "team_name",
                "organization",
                "prize",
                "prize_detail",
                "level",
                "grantor",
                "awarded_on",
            ]
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == Award.Kind.INDIVIDUAL:
            member = data.get("member_ref")
            if member is None and "member_ref" not in self.errors:
                self.add_error("member_ref", _("个人奖项请填写获奖人的工号或姓名。"))
            elif member is not None:
                data["organization"] = member.organization
        elif data.get("kind") == Award.Kind.TEAM:
            if not data.get("team_name"):
                self.add_error("team_name", _("团体奖项请填写团体名称。"))
            if not data.get("organization"):
                self.add_error("organization", _("请选择该团体所属的单位。"))
        return data

    def save(self, commit=True):
        award = super().save(commit=False)
        award.organization = self.cleaned_data["organization"]
        award.member = self.cleaned_data.get("member_ref") if award.kind == Award.Kind.INDIVIDUAL else None
        if commit:
            award.save()
        return award


class PhotoForm(CleanTextMixin, forms.Form):
    image = forms.FileField(label=_("照片"), help_text=_("JPG、PNG 或 WebP，上传后自动压缩"))
    caption = forms.CharField(label=_("说明"), max_length=100, required=False)

    def clean_image(self):
        f = self.cleaned_data["image"]
        max_bytes, _count = photo_limits()
        if f.size > max_bytes:
            raise forms.ValidationError(_("照片不能超过 %(mb)d MB。"), params={"mb": max_bytes // (1024 * 1024)})
        return f


class TeamForm(CleanTextMixin, forms.ModelForm):
    players = forms.ModelMultipleChoiceField(
        label=_("队员"), queryset=Member.objects.none(), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )

    class Meta:
        model = Team
        fields = ["name", "organization", "players"]

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        school = activity.organizer.school or activity.organizer
        self.activity = activity
        self.fields["organization"].queryset = Organization.objects.filter(
            path__startswith=school.path, kind=Organization.Kind.SUB_UNION
        ).order_by("path")
        self.fields["players"].queryset = Member.objects.within(activity.organizer).active().order_by("staff_no")
        url = f"{reverse('members:search')}?active=1&org={activity.organizer_id}"
        self.fields["players"].widget.attrs.update(picker_attrs(url))
        self.fields["players"].help_text = _("输入姓名、拼音首字母或工号查找")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Team.objects.filter(activity=self.activity, name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("本活动已有同名的参赛队。"))
        return name


class MatchForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Match
        fields = ["round_name", "played_on", "home", "away", "home_score", "away_score", "note"]
        widgets = {"played_on": DateInput()}

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(activity=activity)
        self.fields["home"].queryset = teams
        self.fields["away"].queryset = teams

    def clean(self):
        data = super().clean()
        if data.get("home") and data.get("home") == data.get("away"):
            self.add_error("away", _("甲乙双方不能是同一支队伍。"))
        return data


class SubUnionFundForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = SubUnionFund
        fields = ["organization", "year", "allocation", "note"]

    def __init__(self, *args, nodes: list[Organization], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizer_choices(nodes).filter(kind=Organization.Kind.SUB_UNION)
        self.fields["allocation"].widget.attrs.update({"min": "0", "step": "0.01"})

    def clean_allocation(self):
        value = self.cleaned_data["allocation"]
        if value < 0:
            raise forms.ValidationError(_("金额不能为负数。"))
        return value

    def clean(self):
        data = super().clean()
        org, year = data.get("organization"), data.get("year")
        if (
            org
            and year
            and SubUnionFund.objects.filter(organization=org, year=year).exclude(pk=self.instance.pk).exists()
        ):
            self.add_error("year", _("该分工会本年度的经费已登记，请直接修改。"))
        return data


class InterestGroupForm(CleanTextMixin, forms.ModelForm):
    leader_ref = MemberByStaffNoField(label=_("负责人（工号或姓名）"), required=False)

    class Meta:
        model = InterestGroup
        fields = ["name", "organization", "schedule", "place", "founded_on", "is_active", "description"]
        widgets = {"founded_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, nodes: list[Organization], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizer_choices(nodes)
        self.fields["organization"].label_from_instance = _indent
        self.fields["leader_ref"].scope = nodes[0] if nodes else None
        if self.instance.pk and self.instance.leader_id:
            self.initial["leader_ref"] = self.instance.leader.staff_no

    def clean(self):
        data = super().clean()
        org = data.get("organization")
        if org and data.get("name"):
            dup = InterestGroup.objects.filter(organization=org, name=data["name"]).exclude(pk=self.instance.pk)
            if dup.exists():
                self.add_error("name", _("已有同名的兴趣小组。"))
        return data

    def save(self, commit=True):
        group = super().save(commit=False)
        group.leader = self.cleaned_data.get("leader_ref")
        if commit:
            group.save()
        return group


class GroupSessionForm(CleanTextMixin, forms.ModelForm):
    attendees = forms.ModelMultipleChoiceField(
        label=_("出勤成员"), queryset=Member.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = GroupSession
        fields = ["held_on", "topic", "attendees"]
        widgets = {"held_on": DateInput()}

    def __init__(self, *args, group: InterestGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = group.members.order_by("staff_no")
