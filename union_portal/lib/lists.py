"""List-page helpers every app shares: one page size, pagination, the query string, the report trace.

*Trace* parameters are what the annual report's figure links add to a list URL so that the list
shows exactly the records a figure counts: ``org`` (an organisation code: that subtree) and
``start``/``end`` (ISO dates, the report's period). They only ever narrow what the user may already
see; an unknown code gives an empty list, never a wider one. Bad values (not a date, overlong, NUL)
are ignored rather than answered with an error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50
MAX_PARAM = 64


def clean_param(request, key: str, *, max_length: int = MAX_PARAM) -> str:
    """``request.GET[key]`` stripped, cut to ``max_length``, with NUL and other C0 controls removed."""
    value = request.GET.get(key, "") or ""
    return "".join(ch for ch in value if ch >= " " or ch == "\t").strip()[:max_length]


def paginate(request, rows, *, per_page: int = PAGE_SIZE) -> Page:
    """The page named by ``?page=`` (Django's ``get_page``: bad or out-of-range numbers fall back)."""
    return Paginator(rows, per_page).get_page(clean_param(request, "page", max_length=10))


def querystring(request, *, drop: tuple[str, ...] = ()) -> str:
    """The current query string without ``page`` (and any key in ``drop``), for page and sort links."""
    params = request.GET.copy()
    for key in ("page", *drop):
        params.pop(key, None)
    return params.urlencode()


def parse_date_param(request, key: str) -> dt.date | None:
    """``?key=YYYY-MM-DD`` as a date, or None when missing or malformed."""
    try:
        return dt.date.fromisoformat(clean_param(request, key)[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class Trace:
    """The trace parameters of a request: organisation path (or None) and period bounds."""

    org_code: str
    org_path: str | None
    start: dt.date | None
    end: dt.date | None

    @property
    def active(self) -> bool:
        """True when any trace parameter narrows the list."""
        return bool(self.org_code or self.start or self.end)

    @property
    def has_period(self) -> bool:
        return bool(self.start or self.end)


def trace(request) -> Trace:
    """Read ``org``, ``start`` and ``end`` (one query for the organisation's path when ``org`` is set)."""
    from members.models import Organization

    code = clean_param(request, "org", max_length=32)
    path = None
    if code:
        path = Organization.objects.filter(code=code).values_list("path", flat=True).first() or ""
    return Trace(code, path, parse_date_param(request, "start"), parse_date_param(request, "end"))


def apply_trace(qs, found: Trace, *, org_field: str, date_field: str | None = None):
    """Narrow ``qs`` to the traced subtree (``<org_field>__path__startswith``) and period.

    ``date_field`` is the date the figure counts by (``visited_on``, ``distributed_on`` …); None
    leaves the period to the caller (for example activities, counted by their local start date).
    An ``org`` code that names no organisation gives ``qs.none()``.
    """
    if found.org_code:
        qs = qs.filter(**{f"{org_field}__path__startswith": found.org_path}) if found.org_path else qs.none()
    if date_field and found.start:
        qs = qs.filter(**{f"{date_field}__gte": found.start})
    if date_field and found.end:
        qs = qs.filter(**{f"{date_field}__lte": found.end})
    return qs
