"""Dashboard card of 文体活动 (``union_portal.lib.registry``): upcoming activities, my registrations,
and for school managers the members reaching 30 years of service (教龄) this year, proposed
for the commemorative plaque (seed 002: "上报我区20名已够30年教龄的在职老教师名单")."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from members.access import MANAGER_ROLES, SCHOOL_MANAGER_ROLES, member_of, nodes_for

from . import selectors
from .models import Activity, Registration

PLAQUE_YEARS = 30


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
    if not (upcoming or mine or plaque or nodes_for(user, *MANAGER_ROLES)):
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
        },
        request=request,
    )
