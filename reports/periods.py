"""Report periods: their kinds, the previous period of the same kind, and the words each kind uses.

A report covers one of four kinds of period (``reports.models.PeriodKind``):

========================  =====================  ==================  ======================
kind                      the period ("本期")     looking back         comparison named
========================  =====================  ==================  ======================
calendar_year (自然年度)    全年 / 2025年           一年来               同比 (the year before)
school_year (学年度)        本学年 / 2025—2026学年  本学年以来           与上一学年相比
congress_term (届期)        本届 / 五年来           五年来 (N年来)        与上届相比
custom (自定义)             报告期内                报告期内             与上期相比
========================  =====================  ==================  ======================

A school year runs from 1 September to 31 August (the Chinese school calendar). A congress term is
3 or 5 years (教育部令第32号, art. 10); its length is taken from the period itself.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

CALENDAR_YEAR = "calendar_year"
SCHOOL_YEAR = "school_year"
CONGRESS_TERM = "congress_term"
CUSTOM = "custom"
KINDS = (CALENDAR_YEAR, SCHOOL_YEAR, CONGRESS_TERM, CUSTOM)
CN_DIGITS = "零一二三四五六七八九十"


def _add_months(d: dt.date, months: int) -> dt.date:
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months touched by [start, end] (Jan 1–Dec 31 → 12)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def is_whole_months(start: dt.date, end: dt.date) -> bool:
    """True when ``start`` is a month's first day and ``end`` a month's last day."""
    return start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length just before [start, end].

    Whole months shift by whole months (a calendar year → the year before; a school year → the school
    year before; a five-year term → the five years before); otherwise by the same number of days.
    """
    if is_whole_months(start, end):
        months = months_between(start, end)
        prev_start = _add_months(start, -months)
        return prev_start, start - dt.timedelta(days=1)
    length = end - start
    prev_end = start - dt.timedelta(days=1)
    return prev_end - length, prev_end


def guess_kind(start: dt.date, end: dt.date) -> str:
    """The kind a [start, end] period most likely is: Jan–Dec → calendar year, Sep–Aug → school year,
    whole 3–5 year spans → congress term, anything else → custom."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return CALENDAR_YEAR
    if (start.month, start.day, end.month, end.day) == (9, 1, 8, 31) and end.year == start.year + 1:
        return SCHOOL_YEAR
    if is_whole_months(start, end) and months_between(start, end) in (36, 60):
        return CONGRESS_TERM
    return CUSTOM


def _years_cn(n: int) -> str:
    return CN_DIGITS[n] if 0 <= n <= 10 else str(n)


@dataclass(frozen=True)
class PeriodWords:
    """The words a report uses for its period kind (all Chinese: the report is an official document).

    ``label``: the period as a title says it ("2025年", "2025—2026学年", "2021—2026年");
    ``this``: the period in a sentence ("全年", "本学年", "本届", "报告期内");
    ``looking_back``: "回顾一年来" and its kin ("一年来", "本学年以来", "五年来");
    ``next``: the coming period ("新的一年", "新学年", "新一届");
    ``comparison``: how a change against the previous period is named ("同比", "与上一学年相比" …).
    """

    kind: str
    label: str
    this: str
    looking_back: str
    next: str
    comparison: str
    file_label: str


def words(kind: str, start: dt.date, end: dt.date) -> PeriodWords:
    """The ``PeriodWords`` of a report of ``kind`` over [start, end]; an unknown kind is treated as custom."""
    if kind == CALENDAR_YEAR:
        label = f"{start.year}年" if start.year == end.year else f"{start.year}—{end.year}年"
        return PeriodWords(kind, label, "全年", "一年来", "新的一年", "同比", f"{label}")
    if kind == SCHOOL_YEAR:
        label = f"{start.year}—{end.year}学年"
        return PeriodWords(kind, label, "本学年", "本学年以来", "新学年", "与上一学年相比", label)
    if kind == CONGRESS_TERM:
        years = max(1, round(months_between(start, end) / 12))
        label = f"{start.year}—{end.year}年"
        span = f"{_years_cn(years)}年来"
        return PeriodWords(kind, label, "本届", span, "新一届", "与上届相比", f"{label}届期")
    if start.year == end.year:
        label = f"{start.year}年{start.month}月至{end.month}月" if start.month != end.month else f"{start.year}年{start.month}月"
    else:
        label = f"{start.year}年{start.month}月至{end.year}年{end.month}月"
    return PeriodWords(CUSTOM, label, "报告期内", "报告期内", "下一阶段", "与上期相比", label)
