"""Search as you type for the person pickers: by name, pinyin (full or initials) or 工号.

``search_members`` filters a queryset the caller has already scoped (``members.access``), so the
same matching serves every picker kind: members (visit member, visitors, team players, role
grants) and congress representatives (co-signers, through ``prefix="member__"``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

MAX_RESULTS = 20
MAX_QUERY = 40


def clean_query(text: str | None) -> str:
    """The search text with surrounding space removed, cut to ``MAX_QUERY`` characters ("" when absent)."""
    return (text or "").strip()[:MAX_QUERY]


def search_q(text: str, *, prefix: str = "") -> Q:
    """A ``Q`` matching members whose name contains ``text``, whose 工号 starts with it, or whose pinyin
    (full, e.g. ``zhangsan``, or initials, e.g. ``zs``) starts with it, case-insensitively.

    ``prefix`` is the lookup path to the ``Member`` (``"member__"`` from a ``Representative``).
    Chinese input is also converted to pinyin, so ``张`` finds 章 only by name, never by sound.
    """
    q = Q(**{f"{prefix}name__icontains": text}) | Q(**{f"{prefix}staff_no__istartswith": text})
    key = "".join(text.split()).lower()
    if key.isascii():
        q |= Q(**{f"{prefix}name_initials__startswith": key}) | Q(**{f"{prefix}name_pinyin__startswith": key})
    return q


def search_members(qs: QuerySet, text: str, *, prefix: str = "", limit: int = MAX_RESULTS) -> list:
    """At most ``limit`` rows of ``qs`` matching ``text`` (``search_q``), exact 工号 and initials first,
    then by pinyin. An empty ``text`` matches nothing (a picker never lists a whole school)."""
    text = clean_query(text)
    if not text:
        return []
    rows = list(qs.filter(search_q(text, prefix=prefix)).order_by(f"{prefix}name_pinyin", f"{prefix}staff_no")[:limit])
    key = "".join(text.split()).lower()

    def rank(row) -> int:
        m = _member(row, prefix)
        return 0 if m.staff_no == text or m.name == text else 1 if m.name_initials == key else 2

    return sorted(rows, key=rank)


def _member(row, prefix: str):
    for part in filter(None, prefix.split("__")):
        row = getattr(row, part)
    return row


def search_keys(member) -> str:
    """Name, full pinyin, initials and 工号 in one string: the picker's local filter field."""
    return f"{member.name} {member.name_pinyin} {member.name_initials} {member.staff_no}"


def picker_attrs(url: str, *, kind: str = "members", single: bool = False) -> dict[str, str]:
    """Widget attributes that make ``static/js/pickers.js`` enhance a select or text field into a search-
    as-you-type person picker asking ``url`` (e.g. ``/members/search/?value=staff_no``). ``single`` limits a
    text field to one person; a ``<select>`` follows its own ``multiple``."""
    attrs = {
        "data-picker": kind,
        "data-url": url,
        "data-placeholder": str(_("输入姓名、拼音首字母或工号")),
        "data-empty": str(_("没有找到")),
        "autocomplete": "off",
    }
    if single:
        attrs["data-max"] = "1"
    return attrs
