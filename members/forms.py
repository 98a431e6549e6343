"""Forms of the member registry. They validate; services write."""

from __future__ import annotations

import re

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from union_portal.lib import tabular
from union_portal.lib.text import CleanTextMixin

from .idcard import normalize_id_number
from .models import Consent, Department, FamilyMember, Member, Organization


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MemberForm(CleanTextMixin, forms.ModelForm):
    """Create or edit a staff member within one school.

    ``school`` limits the unit and department choices; 工号 must be unique in it.
    ``show_sensitive`` adds the bank account field for roles allowed to see it.
    """

    class Meta:
        model = Member
        fields = [
            "name",
            "staff_no",
            "gender",
            "birth_date",
            "id_number",
            "phone",
            "address",
            "organization",
            "department",
            "title",
            "is_teacher",
            "hired_on",
            "employment_type",
            "is_union_member",
            "joined_union_on",
            "left_union_on",
            "status",
            "status_changed_on",
            "bank_account",
            "notes",
        ]
        widgets = {
            f: DateInput() for f in ("birth_date", "hired_on", "joined_union_on", "left_union_on", "status_changed_on")
        } | {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, school: Organization, scope: Organization, show_sensitive: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.show_sensitive = show_sensitive  # the inputs hold the full ID and bank number (an audited read)
        live = Q(retired_on__isnull=True) | Q(pk=self.instance.organization_id)  # retired units take no one new
        self.fields["organization"].queryset = scope.subtree().filter(live).order_by("path")
        self.fields["organization"].label_from_instance = lambda o: ("　" * max(o.depth - 2, 0)) + o.name
        self.fields["department"].queryset = Department.objects.filter(school=school)
        if not show_sensitive:
            del self.fields["bank_account"]
            if self.instance.pk and self.instance.id_number:
                # Keep the stored value; those who may not see it may not change it either.
                del self.fields["id_number"]

    def clean_id_number(self):
        return normalize_id_number(self.cleaned_data.get("id_number", ""))

    def clean_staff_no(self):
        staff_no = "".join(self.cleaned_data["staff_no"].split())
        clash = Member.objects.filter(school=self.school, staff_no=staff_no).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("工号 %(no)s 已被 %(name)s 使用") % {"no": staff_no, "name": clash[0].name})
        return staff_no


class FamilyMemberForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = FamilyMember
        fields = ["relation", "name", "gender", "birth_date"]
        widgets = {"birth_date": DateInput()}


class RosterUploadForm(CleanTextMixin, forms.Form):
    """Upload of a roster spreadsheet (.xlsx or .csv) within the size limit."""

    file = forms.FileField(
        label=_("名册文件"),
        help_text=_("支持 .xlsx 和 .csv；第一行可以是标题，表头需包含“姓名”和“工号”"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        tabular.validate_upload(upload)
        return upload


class ConsentForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "consented_on", "note"]
        widgets = {"consented_on": DateInput()}


# --- 组织管理: the organisation tree, departments and roles (services in members.services) -----


def _unit_label(o: Organization) -> str:
    return ("　" * max(o.depth - 2, 0)) + o.name


def _live_units(school: Organization):
    return school.subtree().filter(retired_on__isnull=True).order_by("path")


class OrgCreateForm(CleanTextMixin, forms.Form):
    """A new sub-union or union group of ``school``; the code may be left blank (generated)."""

    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[(Organization.Kind.SUB_UNION, _("分工会")), (Organization.Kind.GROUP, _("工会小组"))],
    )
    parent = forms.ModelChoiceField(label=_("上级组织"), queryset=Organization.objects.none())
    name = forms.CharField(label=_("名称"), max_length=100)
    code = forms.CharField(
        label=_("编码"), max_length=32, required=False, help_text=_("可留空，系统按上级编码自动生成")
    )

    def __init__(self, *args, school: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _live_units(school).exclude(kind=Organization.Kind.GROUP)
        self.fields["parent"].label_from_instance = _unit_label
        self.fields["parent"].initial = school.pk


class OrgRenameForm(CleanTextMixin, forms.Form):
    name = forms.CharField(label=_("新名称"), max_length=100)


class OrgMoveForm(CleanTextMixin, forms.Form):
    """Where ``unit`` may go: the school or a live sub-union outside its own subtree."""

    parent = forms.ModelChoiceField(label=_("移到"), queryset=Organization.objects.none())

    def __init__(self, *args, school: Organization, unit: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        qs = _live_units(school).exclude(kind=Organization.Kind.GROUP).exclude(path__startswith=unit.path)
        self.fields["parent"].queryset = qs.exclude(pk=unit.parent_id)
        self.fields["parent"].label_from_instance = _unit_label


class OrgMergeForm(CleanTextMixin, forms.Form):
    """The unit ``unit`` may merge into: a live sub-union (or, for a group, a group) outside its subtree."""

    target = forms.ModelChoiceField(label=_("并入"), queryset=Organization.objects.none())
    confirm = forms.BooleanField(label=_("我确认合并：人员和记录将转入目标单位，本单位随后撤销"))

    def __init__(self, *args, school: Organization, unit: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [Organization.Kind.SUB_UNION]
        if unit.kind == Organization.Kind.GROUP:
            kinds.append(Organization.Kind.GROUP)
        qs = _live_units(school).filter(kind__in=kinds).exclude(path__startswith=unit.path)
        self.fields["target"].queryset = qs
        self.fields["target"].label_from_instance = _unit_label


class OrgRetireForm(CleanTextMixin, forms.Form):
    confirm = forms.BooleanField(label=_("我确认撤销该单位及其下级单位（历史记录保留）"))


class DepartmentForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "code", "sort_order"]


class RoleGrantForm(CleanTextMixin, forms.Form):
    """Grant a role to a staff member of ``school`` named by 工号; ``cleaned_data["member"]`` is the member."""

    staff_no = forms.CharField(label=_("工号"), max_length=32)
    role = forms.ChoiceField(label=_("角色"))
    organization = forms.ModelChoiceField(label=_("范围"), queryset=Organization.objects.none())
    department = forms.ModelChoiceField(
        label=_("部门"), queryset=Department.objects.none(), required=False, help_text=_("仅承办部门负责人需要")
    )

    def __init__(self, *args, school: Organization, **kwargs):
        from .models import Role
        from .search import picker_attrs

        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["role"].choices = Role.choices
        self.fields["organization"].queryset = _live_units(school)
        self.fields["organization"].label_from_instance = _unit_label
        self.fields["organization"].initial = school.pk
        self.fields["department"].queryset = Department.objects.filter(school=school)
        url = f"{reverse('members:search')}?value=staff_no&org={school.pk}"
        self.fields["staff_no"].widget.attrs.update(picker_attrs(url, single=True))
        self.fields["staff_no"].help_text = _("输入姓名、拼音首字母或工号查找")

    def clean_staff_no(self):
        staff_no = "".join(self.cleaned_data["staff_no"].split())
        member = Member.objects.filter(school=self.school, staff_no=staff_no).first()
        if member is None:
            raise forms.ValidationError(_("本校没有工号为 %(no)s 的教职工。") % {"no": staff_no})
        self.cleaned_data["member"] = member
        return staff_no


PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{5,18}[0-9]$")


class ContactForm(CleanTextMixin, forms.Form):
    """A member's own contact details (self-service): 手机, 电子邮箱 (the login's, for password reset), 住址.

    ID and bank numbers are not here: the union checks them against documents.
    """

    phone = forms.CharField(label=_("手机"), max_length=20, required=False)
    email = forms.EmailField(
        label=_("电子邮箱"), required=False, help_text=_("用于找回密码；不填则只能请工会主席发放一次性密码")
    )
    address = forms.CharField(label=_("住址"), max_length=200, required=False)

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("请填写正确的电话号码（数字，可含区号、短横线）"))
        return phone

    def clean_address(self):
        return " ".join(self.cleaned_data["address"].split())


class MemberTransferForm(CleanTextMixin, forms.Form):
    """调动: the receiving school (by its code: the page lists no other school's names), the date and
    the staff number there. ``cleaned_data["to_school"]`` is the school ``Organization``."""

    to_school_code = forms.CharField(
        label=_("调入学校编码"), max_length=32, help_text=_("调入学校工会的编码，可向区教育工会或对方学校询问")
    )
    on = forms.DateField(label=_("调动日期"), widget=DateInput())
    new_staff_no = forms.CharField(label=_("新工号"), max_length=32, help_text=_("在调入学校的工号"))

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_to_school_code(self):
        code = self.cleaned_data["to_school_code"].strip()
        school = Organization.objects.filter(kind=Organization.Kind.SCHOOL, code__iexact=code).first()
        if school is None:
            raise forms.ValidationError(_("没有编码为 %(code)s 的学校工会") % {"code": code})
        self.cleaned_data["to_school"] = school
        return code

    def clean_new_staff_no(self):
        return "".join(self.cleaned_data["new_staff_no"].split())


class SchoolSetupForm(CleanTextMixin, forms.Form):
    """First-run step 1: a school union's name and code, and the district above it.

    ``districts`` are the district unions the user may create schools under; a district chair
    must pick one (``parent_required``), a superuser may leave it empty.
    """

    name = forms.CharField(label=_("学校工会名称"), max_length=100, help_text=_("例如：某某中学工会"))
    code = forms.RegexField(
        label=_("编码"),
        regex=r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$",
        max_length=32,
        help_text=_("字母、数字或短横线，例如 S01；分工会编码将以它开头"),
        error_messages={"invalid": _("编码只能包含字母、数字和短横线（最多32个字符），且不能以短横线开头")},
    )
    parent = forms.ModelChoiceField(label=_("上级区教育工会"), queryset=Organization.objects.none(), required=False)

    def __init__(self, *args, districts=None, parent_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        parent.queryset = districts if districts is not None else Organization.objects.none()
        parent.required = parent_required
        if not parent.queryset.exists():
            del self.fields["parent"]


class OfficersForm(CleanTextMixin, forms.Form):
    """First-run step 5: the chair, committee members and each sub-union's chair, from the school's staff.

    ``grants()`` (after ``is_valid()``) returns ``(member, role, node)`` triples for
    ``members.services.officers_appoint``.
    """

    chair = forms.ModelChoiceField(label=_("工会主席"), queryset=Member.objects.none())
    committee = forms.ModelMultipleChoiceField(
        label=_("工会委员"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("按住 Ctrl（手机上直接点选）可选多人"),
    )

    def __init__(self, *args, school: Organization, sub_unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        staff = Member.objects.filter(school=school).select_related("organization").order_by("staff_no")
        self.fields["chair"].queryset = staff
        self.fields["committee"].queryset = staff
        self.sub_unions = list(sub_unions)
        for sub in self.sub_unions:
            self.fields[f"sub_{sub.pk}"] = forms.ModelChoiceField(
                label=_("%(name)s 主席") % {"name": sub.name},
                queryset=staff.filter(organization__path__startswith=sub.path),
                required=False,
            )

    def grants(self) -> list[tuple[Member, str, Organization]]:
        from .models import Role

        data = self.cleaned_data
        grants = [(data["chair"], Role.CHAIR, self.school)]
        grants += [(m, Role.COMMITTEE, self.school) for m in data["committee"] if m != data["chair"]]
        grants += [(data[f"sub_{s.pk}"], Role.SUB_UNION_CHAIR, s) for s in self.sub_unions if data.get(f"sub_{s.pk}")]
        return grants


class NoticeForm(CleanTextMixin, forms.Form):
    """A new notice (通知公告): audience, publish window and up to one attachment.

    ``sub_unions`` are the sub-unions the sender may address; ``school_wide`` offers the whole school
    and roles too (chair, committee). The service checks the rest (``members.services.notice_publish``).
    """

    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 8}))
    audience = forms.ChoiceField(label=_("发送范围"))
    sub_union = forms.ModelChoiceField(label=_("分工会"), queryset=Organization.objects.none(), required=False)
    roles = forms.MultipleChoiceField(
        label=_("角色"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("发送范围为“指定角色”时选择"),
    )
    publish_at = forms.DateTimeField(
        label=_("发布时间"), required=False, help_text=_("留空即立即发布"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    expires_on = forms.DateField(label=_("截止日期"), required=False, widget=DateInput(),
                                 help_text=_("该日之后不再显示在首页；留空即一直显示，直到撤回"))
    attachment = forms.FileField(label=_("附件"), required=False,
                                 help_text=_("PDF、Word、Excel 或 JPG/PNG，单个不超过 5 MB"))

    def __init__(self, *args, sub_unions, school_wide: bool, **kwargs):
        from .models import Notice, Role

        super().__init__(*args, **kwargs)
        audiences = Notice.Audience.choices if school_wide else [(Notice.Audience.SUB_UNION, Notice.Audience.SUB_UNION.label)]
        self.fields["audience"].choices = audiences
        self.fields["sub_union"].queryset = sub_unions
        self.fields["roles"].choices = Role.choices
        if not school_wide:
            del self.fields["roles"]

    def clean(self):
        from .models import Notice

        data = super().clean()
        audience = data.get("audience")
        if audience == Notice.Audience.SUB_UNION and not data.get("sub_union"):
            self.add_error("sub_union", _("请选择分工会。"))
        if audience == Notice.Audience.ROLES and not data.get("roles"):
            self.add_error("roles", _("请至少选择一个角色。"))
        return data
