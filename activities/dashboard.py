"""Dashboard card of 文体活动 (``union_portal.lib.registry``): upcoming activities, my registrations,
and for school managers the members reaching 30 years of service (教龄) this year, proposed
for the commemorative plaque (seed 002: "上报我区20名已够30年教龄的在职老教师名单")."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from members.access import MANAGER_ROLES, SCHOOL_MANAGER_ROLES, member_of, nodes_for
from union_portal.lib.charts import chart_figure

from . import selectors
from .models import Activity, Registration

PLAQUE_YEARS = 30


def _charts(me, school_nodes, *, year: int) -> list:
    """Participation by sub-union this year (school managers) and the member's own activities per month."""
    out = []
    if school_nodes:
        data = selectors.participation_by_sub_union(school_nodes[0], year=year)
        if data:
            out.append(chart_figure(_("%(y)s年各分工会参加活动（人次）") % {"y": year}, data, unit=_("人次"),
                                    label_header=_("分工会")))
    if me is not None:
        counts = selectors.member_activities_by_month(me, year=year)
        if any(counts):
            months = [_("%(m)s月") % {"m": m} for m in range(1, 13)]
            out.append(chart_figure(_("%(y)s年我参加的活动（项）") % {"y": year}, list(zip(months, counts, strict=True)),
                                    unit=_("项"), label_header=_("月份")))
    return out


def panel(request) -> str | None:
    """Render the card; at most 5 queries (upcoming, mine, plaque list and count)."""
    user = request.user
    if not user.is_authenticated:
        return None
    now = timezone.now()
    horizon = now + dt.timedelta(days=getattr(settings, "ACTIVITY_DASHBOARD_DAYS", 45))
    upcoming = list(
        selectors.with_counts(selectors.activities_visible_to(user))
        .filter(ends_at__gte=now, starts_at__lte=horizon)
        .exclude(status=Activity.Status.CANCELLED)
        .select_related("organizer")
        .order_by("starts_at")[:6]
    )
    me = member_of(user)
    mine = []
    if me is not None:
        mine = list(
            Registration.objects.filter(member=me, activity__ends_at__gte=now)
            .exclude(status=Registration.Status.CANCELLED)
            .select_related("activity", "family_member")
            .order_by("activity__starts_at")[:5]
        )
    plaque, plaque_count, plaque_year = [], 0, timezone.localdate().year
    school_nodes = nodes_for(user, *SCHOOL_MANAGER_ROLES)
    if school_nodes:
        qs = selectors.plaque_candidates(school_nodes[0], plaque_year)
        plaque = list(qs[:8])
        plaque_count = qs.count() if len(plaque) == 8 else len(plaque)
    charts = _charts(me, school_nodes, year=plaque_year)
    if not (upcoming or mine or plaque or charts or nodes_for(user, *MANAGER_ROLES)):
        return None
    return render_to_string(
        "activities/_dashboard.html",
        {
            "upcoming": upcoming,
            "mine": mine,
            "plaque": plaque,
            "plaque_count": plaque_count,
            "plaque_year": plaque_year,
            "plaque_years": PLAQUE_YEARS,
            "is_school_manager": bool(school_nodes),
            "charts": charts,
        },
        request=request,
    )
