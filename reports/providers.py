"""What a source app gives the annual report, declared in the app itself (``<app>/report.py``).

An app builds one :class:`ReportProvider` and registers it in its ``AppConfig.ready()``::

    registry.register(self.label, report=report.PROVIDER, ...)

``reports`` iterates ``union_portal.lib.registry.report_providers()`` (in ``INSTALLED_APPS``
order) and never names an app: the figures, their labels, units and links, the tables and charts
all come from here.

Figures are addressed by dotted keys: ``<provider label>.<key in its statistics>``
(``welfare.visits.count``). A provider's ``figures``, ``tables`` and ``charts`` are keyed by the
part after its label (``visits.count``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.db.models.functions import TruncMonth

from union_portal.lib import registry

PERSON_TIMES = "人次"  # handouts, registrations, records: one person may count several times
PERSONS = "人"  # distinct persons
YUAN = "元"  # money, Decimal yuan


@dataclass(frozen=True)
class Link:
    """The list page of the records a figure counts (traceability).

    ``url_name`` is reversed; ``params`` are passed as they are. ``scope`` says how the report's
    unit reaches the page: ``"org"`` passes ``org=<organisation code>`` (the page narrows to that
    subtree, within the user's own permissions); ``"sub_union"`` passes ``sub_union=<pk>`` only
    when the report's unit is a sub-union (pages that scope by sub-union and have no ``org``).
    ``period`` passes the report's ``start``/``end`` (under the names ``period_keys``, default
    ``start``/``end``); ``year`` passes ``year=<start's year>`` (pages kept per year, ``scope="org"``
    only); ``as_of`` passes ``on=<end>``, for lists that can show records as they stood on a day
    (the member list: figures about people are as of the period's end).
    """

    url_name: str
    params: Mapping[str, str] = field(default_factory=dict)
    period: bool = False
    year: bool = False
    scope: str = "org"
    as_of: bool = False
    period_keys: tuple[str, str] = ("start", "end")


@dataclass(frozen=True)
class Figure:
    """A figure's label (Chinese, as the report prints it), unit (人次 and 人 never mixed) and link."""

    label: str
    unit: str = ""
    link: Link | None = None


@dataclass(frozen=True)
class Column:
    """A table column: ``field`` of each row (a key, or an index for list rows), header, unit."""

    field: str
    header: str
    unit: str = ""


@dataclass(frozen=True)
class Table:
    """An appendix table over a list in the statistics (the table's key is that list's path)."""

    caption: str
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Chart:
    """A bar chart over a list in the statistics (the chart's key is that list's path).

    ``label_field`` names each bar (a ``month`` field holding an ISO date prints as "3月"),
    ``value_field`` gives its length, in ``unit``.
    """

    caption: str
    label_field: str
    value_field: str
    unit: str = ""


@dataclass(frozen=True)
class ReportProvider:
    """One source app's contribution to the annual report.

    - ``label``: the app label, the first part of its figures' keys.
    - ``report_stats(*, organization, start, end) -> dict``: the app's figures for the subtree of
      ``organization`` over [start, end] (dates, inclusive); a constant number of queries.
    - ``figures``: ``{key: Figure}`` for the keys the report prints and links.
    - ``tables``, ``charts``: ``{path of a list in the statistics: Table | Chart}``.
    - ``derive``: optional ``derive(stats) -> stats`` run on the JSON-safe statistics to add lists
      the tables and charts need (no query).
    - ``index``: the link for a figure that has none of its own (None: no link).
    - ``default_blocks``: ``{section kind: ((block kind, text or source), …)}``: what a new report's
      section of that kind (``ReportSection.Kind``) shows from this app, in order. A SENTENCE whose
      value is ``"<label>.<name>"`` of a declared sentence is a generated sentence (``source``).
    - ``sentences``: ``{name: fn(ctx) -> str}``: sentence generators (``reports.sentences``): given a
      ``SentenceContext`` (figures of both periods, period words, organisation kind, comparisons),
      return text with ``{figure}`` placeholders, or "" when there is nothing to say.
    """

    label: str
    report_stats: Callable[..., dict]
    figures: Mapping[str, Figure] = field(default_factory=dict)
    tables: Mapping[str, Table] = field(default_factory=dict)
    charts: Mapping[str, Chart] = field(default_factory=dict)
    derive: Callable[[dict], dict] | None = None
    index: Link | None = None
    default_blocks: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    sentences: Mapping[str, Callable[..., str]] = field(default_factory=dict)

    def stats(self, *, organization, start: dt.date, end: dt.date) -> dict:
        """``report_stats`` made JSON-safe (dates and Decimals as text), then ``derive``d."""
        stats = jsonable(self.report_stats(organization=organization, start=start, end=end))
        return self.derive(stats) if self.derive is not None else stats


def jsonable(value):
    """Dates → ISO strings, Decimals → strings, recursively (for JSONField snapshots)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def providers() -> list[ReportProvider]:
    """Every registered report provider, in ``INSTALLED_APPS`` order."""
    return registry.report_providers()


def _split(key: str) -> tuple[ReportProvider | None, str]:
    label, _, rest = key.partition(".")
    for provider in providers():
        if provider.label == label:
            return provider, rest
    return None, rest


def provider_for(key: str) -> ReportProvider | None:
    """The provider whose figures ``key`` addresses (by its first part), or None."""
    return _split(key)[0]


def figure(key: str) -> Figure | None:
    """The declared figure at a dotted key, or None."""
    provider, rest = _split(key)
    return provider.figures.get(rest) if provider else None


def sentence(source: str) -> Callable[..., str] | None:
    """The sentence generator at ``"<label>.<name>"``, or None."""
    provider, rest = _split(source or "")
    return provider.sentences.get(rest) if provider else None


def table(key: str) -> Table | None:
    """The declared table over the list at a dotted key, or None."""
    provider, rest = _split(key)
    return provider.tables.get(rest) if provider else None


def chart(key: str) -> Chart | None:
    """The declared chart over the list at a dotted key, or None."""
    provider, rest = _split(key)
    return provider.charts.get(rest) if provider else None


# --- coverage: how much of a period an app's records cover (comparisons need both periods covered) ---

MONTHS = "个月"  # calendar months (coverage figures)


def period_months(start: dt.date, end: dt.date) -> int:
    """Calendar months [start, end] touches (2021-01-01..2021-12-31 → 12; 2021-09-01..2022-08-31 → 12)."""
    return max(0, (end.year - start.year) * 12 + end.month - start.month + 1)


def month_coverage(sources: list[tuple[QuerySet, str]], start: dt.date, end: dt.date) -> dict:
    """``{"months", "period_months"}`` of a provider's ``coverage`` figure group. One query.

    ``sources``: ``(queryset, date field)`` pairs, each queryset already narrowed to the scope
    and to [start, end]. ``months`` is the number of distinct calendar months with at least one
    record among all of them (DISTINCT and UNION in SQL: at most ``period_months`` rows come back);
    ``period_months`` as :func:`period_months`. The report compares two periods only where both
    are well covered (a year against a year whose records start in November is noise).
    """
    months = [
        qs.annotate(_month=TruncMonth(field)).order_by().values_list("_month", flat=True).distinct()
        for qs, field in sources
    ]
    combined = months[0].union(*months[1:]) if len(months) > 1 else months[0]
    return {"months": len(list(combined)), "period_months": period_months(start, end)}


def coverage_figures(records: str) -> dict:
    """The ``coverage.months`` / ``coverage.period_months`` figures of a provider (no link)."""
    return {
        "coverage.months": Figure(f"有{records}记录的月份", MONTHS),
        "coverage.period_months": Figure("统计期月份", MONTHS),
    }
