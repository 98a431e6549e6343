"""Figures for the report, gathered ONLY through the report providers the source apps register.

``collect(organization=, start=, end=)`` asks every registered provider (``reports.providers``:
each source app declares one in its ``<app>/report.py``) for its ``report_stats`` over the period
and over the previous period of the same length (同比), and returns a JSON-safe dict
``{"current": {label: stats}, "previous": {label: stats}, "missing": [], "period": {...}}``. Each
provider runs a constant number of queries, so assembly does too. Figures are computed afresh
each time a report is created or refreshed; a finished report keeps the figures of its snapshot.

Figures are addressed by dotted keys into ``current`` (``<label>.visits.count``); the provider
declares each one's label, unit (人次 and 人 are different units, never mixed) and the list page
of the records it counts (traceability). Unknown keys still render, with a unit guessed from the
key's last part.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from . import providers
from .periods import previous_period
from .providers import PERSON_TIMES, PERSONS, YUAN, Figure

# --- collection ---------------------------------------------------------------------------------


def collect(*, organization, start: dt.date, end: dt.date) -> dict:
    """Every provider's report statistics for the period and the previous period of the same length.

    Two calls of each provider's ``report_stats`` (a constant number of queries each). ``missing``
    stays empty (every registered provider answers); it is kept for the snapshots' shape.
    """
    prev_start, prev_end = previous_period(start, end)
    current: dict = {}
    previous: dict = {}
    # The report is an official document in Chinese whatever language the committee member's
    # interface uses: labels inside the statistics (types, levels, sources) are made in the
    # site's language.
    with translation.override(settings.LANGUAGE_CODE):
        for provider in providers.providers():
            current[provider.label] = provider.stats(organization=organization, start=start, end=end)
            previous[provider.label] = provider.stats(organization=organization, start=prev_start, end=prev_end)
    return {
        "current": current,
        "previous": previous,
        "missing": [],
        "period": {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "previous_start": prev_start.isoformat(),
            "previous_end": prev_end.isoformat(),
        },
    }


def lookup(tree: dict, key: str):
    """Value at a dotted key in a nested dict, or None."""
    node = tree
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def flatten(tree: dict, prefix: str = "") -> dict[str, object]:
    """Every scalar number in a nested dict, by dotted key (lists and texts left out)."""
    out: dict[str, object] = {}
    for key, value in (tree or {}).items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, path + "."))
        elif isinstance(value, bool):
            continue
        elif isinstance(value, (int, float)) or (isinstance(value, str) and _is_number(value)):
            out[path] = value
    return out


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return text.strip() not in ("", "NaN", "Infinity", "-Infinity") and any(c.isdigit() for c in text)


# --- figure metadata (declared by the providers) -------------------------------------------------

_UNIT_BY_SUFFIX = (
    ("person_times", PERSON_TIMES),
    ("persons", PERSONS),
    ("members", PERSONS),
    ("donors", PERSONS),
    ("players", PERSONS),
    ("_rate", "%"),
    ("rate", "%"),
    ("total", ""),
)


def figure_meta(key: str) -> Figure:
    """The declared label, unit and link of a figure; for an undeclared key, its last part and a
    unit guessed from it (``…_person_times`` → 人次, ``…persons`` → 人, ``…rate`` → %)."""
    declared = providers.figure(key)
    if declared is not None:
        return declared
    last = key.rsplit(".", 1)[-1]
    for suffix, unit in _UNIT_BY_SUFFIX:
        if last.endswith(suffix):
            return Figure(last, unit)
    return Figure(last, "")


def is_declared(key: str) -> bool:
    """Whether a provider declares the figure at ``key``."""
    return providers.figure(key) is not None


# --- links to the records a figure counts (traceability) ------------------------------------------


def figure_url(key: str, *, org: dict, start: str, end: str) -> str:
    """The list page of the records behind a figure, filtered to the report's unit and period.

    The link is the figure's own, else its provider's ``index``; "" when there is neither or the
    URL name does not resolve. Every target list page honours ``org`` (organisation code: that
    subtree, still within the user's own permissions) and ``start``/``end`` where the link says
    ``period``, and counts its records the way the figure does. The target views apply their own
    permissions: sensitive records stay hidden from those who may not read them.
    """
    link = figure_meta(key).link
    if link is None:
        provider = providers.provider_for(key)
        link = provider.index if provider else None
    if link is None:
        return ""
    try:
        url = reverse(link.url_name)
    except NoReverseMatch:
        return ""
    query = dict(link.params)
    if link.scope == "sub_union":
        if org.get("kind") == "sub_union":
            query["sub_union"] = org.get("pk")
    else:
        query["org"] = org.get("code", "")
        if link.year and start:
            query["year"] = str(start)[:4]
    if link.period:
        query.update(dict(zip(link.period_keys, (start, end), strict=True)))
    if link.as_of and end:
        query["on"] = end
    return f"{url}?{urlencode(query)}" if query else url


# --- formatting -------------------------------------------------------------------------------


def to_decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def wan_threshold() -> Decimal:
    return Decimal(str(getattr(settings, "REPORT_WAN_THRESHOLD", 10_000)))


def format_money(value) -> str:
    """≥ 10,000 元 → 万元 with two decimals (6.12万元); below → 元 without needless decimals."""
    amount = to_decimal(value) or Decimal(0)
    if abs(amount) >= wan_threshold():
        return f"{(amount / 10000).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}万元"
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{amount:f}"
    if text.endswith(".00"):
        text = text[:-3]
    return f"{text}元"


def format_number(value) -> str:
    number = to_decimal(value)
    if number is None:
        return "—"
    if number == number.to_integral_value():
        return str(int(number))
    return f"{number.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}"


def format_value(key: str, value) -> str:
    """A figure with its unit, as the report prints it."""
    unit = figure_meta(key).unit
    if unit == YUAN:
        return format_money(value)
    return f"{format_number(value)}{unit}"


def format_yoy(key: str, current, previous) -> str:
    """同比 phrase against the previous period of the same length (calendar years; the document names
    the comparison by period kind and checks coverage first: ``reports.sentences``)."""
    cur, prev = to_decimal(current), to_decimal(previous)
    if cur is None or prev is None:
        return "同比数据暂缺"
    if prev == 0:
        return "上年同期为零" if cur else "与上年同期持平"
    change = ((cur - prev) / prev * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if change > 0:
        return f"同比增长{change}%"
    if change < 0:
        return f"同比下降{-change}%"
    return "与上年同期持平"


def format_date(value) -> str:
    """2024年4月18日 (no zero padding)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.year}年{value.month}月{value.day}日"


def format_period(start, end) -> str:
    return f"{format_date(start)}至{format_date(end)}"
