"""Forms the kernel's shared pages use."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import tabular
from .text import CleanTextMixin


class ImportUploadForm(CleanTextMixin, forms.Form):
    """One spreadsheet (.xlsx or .csv) for a record import; ``tabular.validate_upload`` checks size and type
    (a Chinese ``ValidationError`` otherwise)."""

    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        tabular.validate_upload(f)
        return f
