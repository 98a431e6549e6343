"""The registry through which an app contributes to the shared pages, without anyone naming it.

Each app registers what it contributes in its ``AppConfig.ready()``::

    registry.register(
        "welfare",
        report=report.PROVIDER,        # what it gives the annual report (reports iterates these)
        dashboard=dashboard.panel,     # panel(request) -> str | None: HTML of a dashboard card
        timeline=timeline.entries,     # entries(request, member) -> list[dict]: member-page items
        retention=retention.purge,     # purge(...): blanks data past the retention period
    )

Registration order is ``INSTALLED_APPS`` order (Django calls ``ready()`` in that order), so the
dashboard, timeline and report list the apps in a fixed order. ``reports``, the member page and the
dashboard iterate the registry; none of them holds a list of app names.

Timeline items are ``{"date": date, "icon": "bi-…", "title": str, "detail": str, "url": str | None,
"app": label}``, already filtered by what the requesting user may see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.safestring import mark_safe


@dataclass(frozen=True)
class Contribution:
    """What one app contributes; every part is optional."""

    app_label: str
    report: object | None = None
    dashboard: Callable | None = None
    timeline: Callable | None = None
    retention: Callable | None = None


_CONTRIBUTIONS: dict[str, Contribution] = {}


def register(app_label: str, **parts) -> Contribution:
    """Record ``app_label``'s contributions (``report``, ``dashboard``, ``timeline``, ``retention``).

    Registering the same app again replaces its entry (``ready()`` may run twice in tests).
    Raises TypeError for an unknown part name.
    """
    contribution = Contribution(app_label, **parts)
    _CONTRIBUTIONS[app_label] = contribution
    return contribution


def contributions() -> list[Contribution]:
    """Every registered contribution, in registration (``INSTALLED_APPS``) order."""
    return list(_CONTRIBUTIONS.values())


def report_providers() -> list:
    """The registered report providers, in app order (see ``reports.providers``)."""
    return [c.report for c in _CONTRIBUTIONS.values() if c.report is not None]


def dashboard_panels(request) -> list[str]:
    """HTML cards from every app's dashboard panel, in app order, skipping None."""
    panels = []
    for contribution in _CONTRIBUTIONS.values():
        if contribution.dashboard is None:
            continue
        html = contribution.dashboard(request)
        if html:
            panels.append(mark_safe(html))  # noqa: S308 (rendered by the app's own template, autoescaped)
    return panels


def member_timeline(request, member) -> list[dict]:
    """Timeline items from every app's ``timeline`` contribution, newest first."""
    items: list[dict] = []
    for contribution in _CONTRIBUTIONS.values():
        if contribution.timeline is not None:
            items.extend(contribution.timeline(request, member))
    return sorted(items, key=lambda i: i.get("date") or dt.date.min, reverse=True)


def retention_purgers() -> list[Callable]:
    """The ``retention`` purge functions of every app that registered one."""
    return [c.retention for c in _CONTRIBUTIONS.values() if c.retention is not None]
