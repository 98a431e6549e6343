"""What text the portal accepts and writes out: one rule for forms, imports and exports.

Accepted text keeps tab, line feed and carriage return; every other C0 control character, DEL and
the Unicode bidirectional controls (embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069,
the marks U+200E, U+200F and U+061C) are removed. Control characters break xlsx, DOCX and PDF writers
(XML 1.0 forbids them); bidi controls can make a name or amount read differently in an official
document (CVE-2021-42574, "Trojan Source"). Nothing else is changed: Chinese, emoji and full-width
characters stay as typed.

- ``clean_text(value)``: the rule for one string (input).
- ``CleanTextMixin``: a form mixin applying ``clean_text`` to every submitted value before the
  fields see it, so the form validates, re-renders and saves cleaned text. Every form of the portal
  uses it (``union_portal/tests/test_text_cleaning.py`` checks that).
- ``export_text(value)``: the same rule for text written out (xlsx, DOCX, PDF), for rows stored
  before the rule or written by other paths; ``exports.escape_cell`` adds the formula guard.
"""

from __future__ import annotations

import re

# C0 controls except tab, LF and CR; DEL; Unicode bidi embeddings, overrides, isolates and marks.
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def clean_text(value: str) -> str:
    """``value`` without C0 controls (but tab/LF/CR), DEL and bidi controls; other text unchanged."""
    return UNSAFE.sub("", value)


export_text = clean_text


class CleanTextMixin:
    """Form mixin: every submitted text value passes ``clean_text`` before validation.

    Put it first in the bases (``class VisitForm(CleanTextMixin, forms.Form)``). Uploaded files
    are not touched (``self.files``); a value that was only control characters becomes empty and
    then fails a required field the usual way.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and self.data:
            self.data = _cleaned_data(self.data)


def _cleaned_data(data):
    """A copy of a QueryDict (or dict) with every string value cleaned (lists kept as lists)."""
    if hasattr(data, "lists"):
        copy = data.copy()
        for key, values in data.lists():
            copy.setlist(key, [clean_text(v) if isinstance(v, str) else v for v in values])
        return copy
    return {k: clean_text(v) if isinstance(v, str) else v for k, v in data.items()}
