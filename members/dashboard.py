"""The 通知公告 card on the home dashboard: the notices the user has not confirmed yet."""

from __future__ import annotations

from django.template.loader import render_to_string

from .selectors import unread_notices_for

SHOWN = 5


def panel(request) -> str | None:
    """Up to ``SHOWN`` unread live notices addressed to the user, newest first, and how many in all.

    None when there is nothing unread (the card is left out).
    """
    rows = list(unread_notices_for(request.user)[: SHOWN + 1])
    if not rows:
        return None
    return render_to_string(
        "members/notice_panel.html", {"notices": rows[:SHOWN], "more": len(rows) > SHOWN}, request=request
    )
