"""The statistics page (年度统计): the annual report's activities figures for a managed node and year."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.views.decorators.http import require_GET

from members.access import MANAGER_ROLES, has_role
from members.models import Organization

from .. import selectors
from .common import render_page, require_any_manager


@login_required
@require_GET
def stats(request):
    """年度统计: ``selectors.report_stats`` for the user's managed node and a year, as the report uses it.

    ``node`` (a pk the user manages; else their first managed node) and ``year`` (else the year of
    the node's latest finished activity, else this year).
    """
    nodes = require_any_manager(request.user)
    node = nodes[0]
    node_id = request.GET.get("node", "")
    if node_id.isdigit():
        chosen = Organization.objects.filter(pk=int(node_id)).first()
        if chosen is not None and has_role(request.user, *MANAGER_ROLES, within=chosen):
            node = chosen
    year_s = request.GET.get("year", "")
    if year_s.isdigit() and 2000 <= int(year_s) <= 2100:
        year = int(year_s)
    else:
        year = selectors.latest_finished_year(node) or timezone.localdate().year
    data = selectors.report_stats(organization=node, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    today = timezone.localdate()
    return render_page(
        request,
        "activities/stats.html",
        {"s": data, "node": node, "year": year, "years": list(range(today.year, 2019, -1))},
    )
