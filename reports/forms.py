import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from union_portal.lib.text import CleanTextMixin

from .models import AnnualReport, PeriodKind


class ReportCreateForm(CleanTextMixin, forms.Form):
    organization = forms.ModelChoiceField(label=_("组织"), queryset=None, empty_label=None)
    period_kind = forms.ChoiceField(label=_("期间"), choices=PeriodKind.choices, initial=PeriodKind.CALENDAR_YEAR)
    year = forms.IntegerField(
        label=_("年度"), min_value=2000, max_value=2100, required=False,
        help_text=_("自然年度填年份；学年度填起始年份（如 2020 表示 2020-09-01 至 2021-08-31）"),
    )
    start = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("教代会届期或自定义期间时填写"))
    end = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean(self):
        data = super().clean()
        kind, year = data.get("period_kind"), data.get("year")
        if kind == PeriodKind.CALENDAR_YEAR:
            if not year:
                self.add_error("year", "请填写年份。")
            else:
                data["start"], data["end"] = dt.date(year, 1, 1), dt.date(year, 12, 31)
        elif kind == PeriodKind.SCHOOL_YEAR:
            if not year:
                self.add_error("year", "请填写学年的起始年份。")
            else:
                data["start"], data["end"] = dt.date(year, 9, 1), dt.date(year + 1, 8, 31)
        else:
            if not data.get("start") or not data.get("end"):
                self.add_error("start", "请填写起止日期。")
            elif data["start"] > data["end"]:
                self.add_error("end", "截止日期不能早于起始日期。")
            elif (data["end"] - data["start"]).days > 366 * 6:
                self.add_error("end", "期间最长六年。")
        return data


class ReportHeaderForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = ["title", "subtitle", "speaker", "report_date", "salutation", "opening", "show_cover", "show_toc"]
        widgets = {
            "report_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "opening": forms.Textarea(attrs={"rows": 5}),
        }


class SectionAddForm(CleanTextMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
