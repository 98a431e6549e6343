"""The Python-rendered <select> and the yuan filter say what Django's own rendering says."""

import re
from decimal import Decimal

import pytest
from django import forms
from django.template.defaultfilters import floatformat
from django.utils import translation

from union_portal.lib.templatetags.portal import yuan
from union_portal.lib.widgets import InlineSelect, inline_selects

CHOICES = [("", "全部"), ("a", "甲 <乙>"), ("b", 'say "hi"'), ("组", [("c", "丙"), ("d", "丁")])]


def _options(html: str) -> list[tuple[str, bool, str]]:
    """(value, selected, label) of every option, whatever the whitespace between tags."""
    return [(m.group(1), bool(m.group(2)), m.group(3).strip())
            for m in re.finditer(r'<option value="([^"]*)"\s*(selected)?\s*>([^<]*)</option>', html)]


def test_inline_select_matches_djangos_select():
    for value in ("", "b", "d", None):
        ours = InlineSelect(choices=CHOICES, attrs={"class": "form-select"}).render("f", value, {"id": "id_f"})
        theirs = forms.Select(choices=CHOICES, attrs={"class": "form-select"}).render("f", value, {"id": "id_f"})
        assert _options(ours) == _options(theirs)
        assert ours.startswith('<select name="f" class="form-select" id="id_f">')
        assert '<optgroup label="组">' in ours and "&lt;乙&gt;" in ours and "&quot;hi&quot;" in ours


def test_inline_selects_swaps_only_plain_selects():
    class F(forms.Form):
        a = forms.ChoiceField(choices=CHOICES)
        b = forms.NullBooleanField()
        c = forms.CharField()

    form = F()
    inline_selects(form)
    assert type(form.fields["a"].widget) is InlineSelect
    assert type(form.fields["b"].widget) is forms.NullBooleanSelect
    assert type(form.fields["c"].widget) is forms.TextInput


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_yuan_is_floatformat_2g(language):
    with translation.override(language):
        for amount in ("0", "12.5", "1234.56", "1000000", "-300.10", "0.005"):
            assert yuan(Decimal(amount)) == floatformat(Decimal(amount), "2g")
    assert yuan(None) == ""
    assert yuan("不是数字") == "不是数字"
