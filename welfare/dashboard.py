"""The 送温暖 card on the home dashboard: pending visits (overdue highlighted), this month's
birthdays and upcoming retirements, for managers only."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone

from members.access import MANAGER_ROLES, has_role, nodes_for

from . import selectors

BIRTHDAYS_SHOWN = 12
RETIREMENTS_DAYS = 90


def panel(request) -> str | None:
    user = request.user
    if not has_role(user, *MANAGER_ROLES):
        return None
    nodes = nodes_for(user, *MANAGER_ROLES)
    if not nodes:
        return None
    node = nodes[0]
    today = timezone.localdate()
    pending, open_count, overdue = selectors.pending_for(user, today=today, limit=8)
    birthdays_qs = selectors.birthdays_this_month(node, today=today)
    birthdays = list(birthdays_qs[:BIRTHDAYS_SHOWN])
    birthday_count = birthdays_qs.count() if len(birthdays) == BIRTHDAYS_SHOWN else len(birthdays)
    retirements = selectors.upcoming_retirements(node, today=today, days=RETIREMENTS_DAYS)
    year_totals = selectors.ledger_totals(
        selectors.visit_ledger(user).filter(visited_on__gte=dt.date(today.year, 1, 1))
    )
    return render_to_string(
        "welfare/_dashboard.html",
        {
            "pending": pending,
            "open_count": open_count,
            "overdue": overdue,
            "birthdays": birthdays,
            "birthday_count": birthday_count,
            "retirements": retirements[:8],
            "retirement_count": len(retirements),
            "retirement_days": RETIREMENTS_DAYS,
            "today": today,
            "year_totals": year_totals,
        },
        request=request,
    )
