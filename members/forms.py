"""Forms of the member registry. They validate; services write."""

from __future__ import annotations

from django import forms
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
        self.fields["organization"].queryset = scope.subtree().order_by("path")
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
