"""Extension points other apps fill in, so the dashboard and member page need no edits per app.

An app contributes by defining, in its own package:

- ``<app>/dashboard.py`` with ``panel(request) -> str | None``: rendered HTML of a
  dashboard card (``render_to_string("<app>/_dashboard.html", …, request=request)``),
  or None when the user has nothing to see there;
- ``<app>/timeline.py`` with ``entries(request, member) -> list[dict]``: items of
  the member page timeline, each ``{"date": date, "icon": "bi-…", "title": str,
  "detail": str, "url": str | None, "app": label}``, already filtered by what the
  requesting user may see.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.utils.safestring import mark_safe

EXTENSION_APPS = ("welfare", "congress", "activities", "reports")


def _modules(name: str):
    for app in EXTENSION_APPS:
        try:
            yield import_module(f"{app}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.{name}":
                raise


def dashboard_panels(request) -> list[str]:
    """HTML cards from every app's ``dashboard.panel``, in app order, skipping None."""
    panels = []
    for module in _modules("dashboard"):
        html = module.panel(request)
        if html:
            panels.append(mark_safe(html))  # noqa: S308 (rendered by the app's own template, autoescaped)
    return panels


def member_timeline(request, member) -> list[dict]:
    """Timeline items from every app's ``timeline.entries``, newest first."""
    items: list[dict] = []
    for module in _modules("timeline"):
        items.extend(module.entries(request, member))
    return sorted(items, key=lambda i: i.get("date") or dt.date.min, reverse=True)


def retention_purgers():
    """The ``purge`` functions of every app that defines ``retention.py``."""
    return [module.purge for module in _modules("retention")]
