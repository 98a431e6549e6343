import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from union_portal.lib.text import CleanTextMixin

from . import document
from .editor import unknown_message
from .models import AnnualReport, PeriodKind, ReportBlock

TEXT_MAX = 20000
TEXT_KINDS = (ReportBlock.Kind.NARRATIVE, ReportBlock.Kind.SENTENCE)


def _check_figures(text: str, figures: dict) -> str:
    """``text`` unchanged, or a ValidationError in Chinese naming the figures the report does not have."""
    unknown = document.unknown_placeholders(text, figures or {})
    if unknown:
        raise forms.ValidationError(unknown_message(unknown), code="unknown_figure")
    return text


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
            "opening": forms.Textarea(attrs={"rows": 5, "data-figure-editor": ""}),
        }

    def clean_opening(self):
        """The opening may hold figures too: one the report does not have is refused, the text kept."""
        return _check_figures(self.cleaned_data.get("opening", ""), self.instance.figures)


class SectionAddForm(CleanTextMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)


class SectionEditForm(CleanTextMixin, forms.Form):
    """A section's title and its blocks: ``text-<pk>`` and ``delete-<pk>`` per block, a new paragraph
    (``add_text``) and the tables and charts chosen in the picker (``add_block``: "table:<key>").

    A text naming a figure the report does not have is refused with a Chinese message on that text,
    and the form keeps what was typed. ``blocks``: the section's blocks in order; ``figures``: the
    report's figures; ``block_options``: ``editor.block_options(report)``.
    """

    title = forms.CharField(label=_("标题"), max_length=100, required=False)
    show_heading = forms.BooleanField(label=_("显示标题（自动编号 一、二、…）"), required=False)
    add_text = forms.CharField(label=_("新增一段文字"), max_length=TEXT_MAX, required=False, strip=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    add_block = forms.MultipleChoiceField(label=_("添加表格或图表"), required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, blocks, figures, block_options, **kwargs):
        super().__init__(*args, **kwargs)
        self.blocks = blocks
        self.figures = figures or {}
        self.fields["add_block"].choices = [(o.value, o.caption) for o in block_options]
        for block in blocks:
            self.fields[f"delete-{block.pk}"] = forms.BooleanField(label=_("删除"), required=False)
            if block.kind in TEXT_KINDS:
                self.fields[f"text-{block.pk}"] = forms.CharField(
                    label=_("内容"), max_length=TEXT_MAX, required=False, strip=False, initial=block.text,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if (name.startswith("text-") or name == "add_text") and value:
                try:
                    _check_figures(value, self.figures)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        if data.get("show_heading") and not (data.get("title") or "").strip():
            self.add_error("title", "请填写标题，或取消“显示标题”。")
        return data

    def text_field(self, block):
        return self[f"text-{block.pk}"] if f"text-{block.pk}" in self.fields else None

    def delete_field(self, block):
        return self[f"delete-{block.pk}"]

    def changes(self) -> dict:
        """Keyword arguments of ``editor.section_edit_save`` from the cleaned data."""
        data = self.cleaned_data
        delete = {b.pk for b in self.blocks if data.get(f"delete-{b.pk}")}
        # A text the request did not send is left as it is.
        texts = {b.pk: data[f"text-{b.pk}"] for b in self.blocks
                 if b.pk not in delete and f"text-{b.pk}" in data and f"text-{b.pk}" in self.data}
        add_blocks = [tuple(value.split(":", 1)) for value in data.get("add_block") or []]
        return {
            "title": data["title"].strip(), "show_heading": data["show_heading"], "texts": texts,
            "delete": delete, "add_text": data.get("add_text") or "", "add_blocks": add_blocks,
        }
