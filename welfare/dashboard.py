"""The 送温暖 card on the home dashboard: pending visits (overdue highlighted), this month's
birthdays and upcoming retirements, for managers only."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from members.access import MANAGER_ROLES, has_role, member_of, nodes_for
from union_portal.lib.charts import chart_figure

from . import selectors

BIRTHDAYS_SHOWN = 12
RETIREMENTS_DAYS = 90


def months() -> list[str]:
    """1月 … 12月 in the active language."""
    return [_("%(m)s月") % {"m": m} for m in range(1, 13)]


def spending_chart(user, *, year: int):
    """The chair's chart: welfare spending (yuan) per month of ``year`` against ``year - 1`` (``chart_figure``)."""
    spent = selectors.spending_by_month(user, year=year)
    data = list(zip(months(), zip(spent[year], spent[year - 1], strict=True), strict=True))
    return chart_figure(
        _("慰问支出（元）：%(y)s年与%(p)s年逐月对比") % {"y": year, "p": year - 1}, data, unit="元",
        fmt=lambda v: f"{v:,.0f}", series=(_("%(y)s年") % {"y": year}, _("%(y)s年") % {"y": year - 1}),
        label_header=_("月份"),
    )


def member_panel(request) -> str | None:
    """A member's own year in 送温暖: visits received per month (None when there were none this year)."""
    me = member_of(request.user)
    if me is None:
        return None
    year = timezone.localdate().year
    counts = selectors.member_visits_by_month(me, year=year)
    if not any(counts):
        return None
    chart = chart_figure(_("%(y)s年我收到的慰问（人次）") % {"y": year}, list(zip(months(), counts, strict=True)),
                         unit=_("次"), label_header=_("月份"))
    return render_to_string("welfare/_dashboard_member.html", {"chart": chart, "total": sum(counts)}, request=request)


def panel(request) -> str | None:
    user = request.user
    if not has_role(user, *MANAGER_ROLES):
        return member_panel(request)
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
            "spending_chart": spending_chart(user, year=today.year),
        },
        request=request,
    )
