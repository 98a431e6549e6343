"""What the honour (荣誉名单) and award (获奖名单) importers share: 级别 aliases and the level read off
the grantor, the date rule for a bare year, and matching a collective's or team's unit by name.

- **级别** (``LEVEL_ALIASES``): 国家级/全国/国家, 省级/省/省部级, 市级/市/地市级, 区级/区/县级/区县级,
  校级/校/学校/校内. A blank 级别 is read off the 授予单位 (``level_from_grantor``): the administrative
  word nearest the end of the name decides (``郑州市金水区教育局`` → 区级, ``河南省总工会`` → 省级,
  ``全国总工会`` → 国家级, ``郑州市第一中学``/``学校工会`` → 校级); no word at all is a row error.
- **Dates** (``award_date``): every style ``tabular.parse_date`` reads, plus a bare year
  (``2025``, ``2025年``, ``2025年度``, a number cell 2025), which means **1 January of that year**, as
  ``tabular`` already reads a year-and-month as the first of that month; the record's note says the list
  gave only the year. A date after today or before 1949 is an error.
- **Units** (``UnitMatcher``): the school itself (its name, with or without 工会, or 学校/本校/学校工会/校工会/
  全校), or a sub-union or group of the school by name, exactly or with the suffix 分工会/工会小组/工会/小组
  left off either side (``语文组`` is ``语文组分工会``). Two units answering the same name, or none, is a row
  error naming the school's units.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from members.models import Organization
from union_portal.lib.tabular import clean_name, fold, parse_date

from ..models import Level

LEVEL_ALIASES: dict[str, list[str]] = {
    Level.NATIONAL: ["国家级", "全国", "国家", "全国级", "国家级荣誉", "部级"],
    Level.PROVINCIAL: ["省级", "省", "省部级", "省级荣誉", "自治区级"],
    Level.MUNICIPAL: ["市级", "市", "地市级", "市厅级", "市级荣誉"],
    Level.DISTRICT: ["区级", "区", "县级", "区县级", "县区级", "区级荣誉"],
    Level.SCHOOL: ["校级", "校", "学校", "校内", "校级荣誉"],
}

# Words of a grantor's name and the level each means; the one nearest the end of the name wins.
_LEVEL_WORDS: tuple[tuple[str, str], ...] = (
    ("全国", Level.NATIONAL), ("国家", Level.NATIONAL), ("中华", Level.NATIONAL), ("中国", Level.NATIONAL),
    ("教育部", Level.NATIONAL), ("人力资源和社会保障部", Level.NATIONAL), ("中央", Level.NATIONAL),
    ("省", Level.PROVINCIAL), ("自治区", Level.PROVINCIAL),
    ("市", Level.MUNICIPAL), ("州", Level.MUNICIPAL),
    ("区", Level.DISTRICT), ("县", Level.DISTRICT),
    ("学校", Level.SCHOOL), ("校", Level.SCHOOL), ("中学", Level.SCHOOL), ("小学", Level.SCHOOL),
    ("幼儿园", Level.SCHOOL),
)  # fmt: skip


def level_from_grantor(grantor: str) -> str | None:
    """The ``Level`` a grantor's name implies (the administrative word ending nearest its end), or None.

    ``郑州市金水区教育局`` → district, ``河南省教育厅`` → provincial, ``学校工会`` → school; a name without any
    such word (``某某协会``) → None. A province's 自治区 counts as 省 (its 区 does not make it a district).
    """
    best: tuple[int, int, str] | None = None
    for word, level in _LEVEL_WORDS:
        end = grantor.rfind(word)
        if end < 0:
            continue
        candidate = (end + len(word), len(word), level)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return best[2] if best else None


def bare_year(raw: object) -> int | None:
    """The year of a cell that gives only a year (``2025``, ``2025年``, ``2025年度``, number 2025), else None."""
    if isinstance(raw, bool) or isinstance(raw, (dt.date, dt.datetime)):
        return None
    if isinstance(raw, (int, float)):
        return int(raw) if float(raw).is_integer() and 1900 <= raw <= 2100 else None
    text = re.sub(r"\s+", "", fold(raw))
    m = re.fullmatch(r"(\d{4})年?度?", text)
    return int(m[1]) if m and 1900 <= int(m[1]) <= 2100 else None


EARLIEST = dt.date(1949, 1, 1)


def award_date(raw: object) -> dt.date | None:
    """A ``datetime.date`` from a 授予/获奖日期 cell; a bare year is 1 January of it; blank → None.

    Raises ``ValueError`` (Chinese) for text that is no date, a date after today or before 1949.
    """
    year = bare_year(raw)
    day = dt.date(year, 1, 1) if year else parse_date(raw)
    if day is None:
        return None
    if day > timezone.localdate():
        raise ValueError(f"日期 {day:%Y-%m-%d} 晚于今天")
    if day < EARLIEST:
        raise ValueError(f"日期 {day:%Y-%m-%d} 早于 1949 年，请检查")
    return day


def year_only_note(raw: object) -> str:
    """``原表仅写年份：2025年`` for a cell that gave only a year (kept in the record's note), else ""."""
    year = bare_year(raw)
    return f"原表仅写年份：{year}年" if year else ""


_SUFFIXES = ("分工会", "工会小组", "工会", "小组")
_SCHOOL_WORDS = ("学校", "本校", "学校工会", "校工会", "本校工会", "全校", "校本部")
MAX_LISTED = 8


def _core(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


class UnitMatcher:
    """Finds a unit of ``school`` (the school, its sub-unions and groups, retired ones too) by name.

    One query at construction. ``match(text) → (Organization | None, error message)``: exactly one unit or
    an error in Chinese (see the module docstring for the rule).
    """

    def __init__(self, school: Organization):
        self.school = school
        self.units = list(
            Organization.objects.filter(
                path__startswith=school.path,
                kind__in=[Organization.Kind.SCHOOL, Organization.Kind.SUB_UNION, Organization.Kind.GROUP],
            ).order_by("path")
        )
        school_names = {school.name, _core(school.name), *_SCHOOL_WORDS}
        self.school_names = {clean_name(n) for n in school_names if n}

    def _describe(self, unit: Organization) -> str:
        """``第一小组（语文组分工会）``: a group is named with its sub-union (groups' names repeat)."""
        parent = next((u for u in self.units if u.pk == unit.parent_id), None)
        return f"{unit.name}（{parent.name}）" if unit.kind == Organization.Kind.GROUP and parent else unit.name

    def match(self, text: str) -> tuple[Organization | None, str]:
        """The unit named ``text`` and "", or None and the Chinese error (none or several answer the name;
        the hint lists the school's sub-unions)."""
        name = clean_name(text)
        if name in self.school_names:
            return self.school, ""
        found = [u for u in self.units if clean_name(u.name) == name]
        if not found:
            found = [
                u for u in self.units if u.kind != Organization.Kind.SCHOOL and _core(clean_name(u.name)) == _core(name)
            ]
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, f"“{name}”对应多个单位：{'、'.join(self._describe(u) for u in found)}，请写全称"
        known = [u.name for u in self.units if u.kind == Organization.Kind.SUB_UNION][:MAX_LISTED]
        hint = f"，可填写：学校工会、{'、'.join(known)}" if known else "，可填写：学校工会"
        return None, f"本校没有名为“{name}”的工会组织{hint}"
