"""Activity pages: the list (with the annual report's trace filters), the calendar, the detail page,
and creating or editing an activity."""

from __future__ import annotations

import calendar
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from members.access import import_school, member_of, require_manager
from members.models import FamilyMember, Organization
from union_portal.lib.lists import apply_trace, paginate, querystring, trace
from union_portal.lib.record_imports import imported_ids

from .. import selectors, services
from ..forms import ActivityForm, PhotoForm
from ..models import Activity, Award, Registration
from .common import manager_nodes, render_page, require_any_manager


def _traced_filters(request, rows):
    """The annual report's figure links (traceability): ``org`` (organiser's subtree), ``start``/``end``
    (activities *starting* on those local dates, as the report counts them), ``live=1`` (not cancelled)
    and ``organizer_kind`` (school / sub_union). They only narrow what the user may already see.

    Returns ``(rows, traced)``, ``traced`` being True when any of them narrowed the list.
    """
    found = trace(request)
    rows = apply_trace(rows, found, org_field="organizer")  # the period is by local start date, below
    rows = selectors.in_local_period(rows, found.start, found.end)
    traced = found.active
    if request.GET.get("live") == "1":
        rows = rows.exclude(status=Activity.Status.CANCELLED)
        traced = True
    kind = request.GET.get("organizer_kind", "")
    if kind in (Organization.Kind.SCHOOL, Organization.Kind.SUB_UNION):
        rows = rows.filter(organizer__kind=kind)
        traced = True
    return rows, traced


def _filtered(request, rows):
    """``rows`` narrowed by the list's own filters: ``q`` (title or place), ``type``, ``status``, ``year``."""
    q = request.GET.get("q", "").strip()[:50]
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(place__icontains=q))
    type_ = request.GET.get("type", "")
    if type_ in Activity.Type.values:
        rows = rows.filter(type=type_)
    status = request.GET.get("status", "")
    if status in Activity.Status.values:
        rows = rows.filter(status=status)
    year = request.GET.get("year", "")
    if year.isdigit() and 2000 <= int(year) <= 2100:
        rows = rows.filter(starts_at__year=int(year))
    return rows, {"q": q, "type": type_, "status": status, "year": year}


@login_required
@require_GET
def index(request):
    """活动列表: upcoming activities first, then everything visible, with filters.

    Query budget is constant in the table size: session, user, roles, member,
    upcoming (one annotated query), count, one page of rows.
    """
    me = member_of(request.user)
    base = selectors.activity_list(request.user, member=me)
    upcoming = list(
        base.filter(ends_at__gte=timezone.now())
        .exclude(status=Activity.Status.CANCELLED)
        .order_by("starts_at", "id")[:6]
    )
    rows, chosen = _filtered(request, base)
    rows, traced = _traced_filters(request, rows)
    this_year = timezone.localdate().year
    return render_page(
        request,
        "activities/index.html",
        {
            "upcoming": upcoming,
            "page": paginate(request, rows.order_by("-starts_at", "-id")),
            "traced": traced,
            "querystring": querystring(request),
            **chosen,
            "years": list(range(this_year + 1, 2019, -1)),
            "types": Activity.Type.choices,
            "statuses": Activity.Status.choices,
            "is_manager": bool(manager_nodes(request.user)),
            "can_import": import_school(request.user) is not None,
        },
    )


@login_required
@require_GET
def calendar_view(request):
    """活动日历 by month: a grid on wide screens, a day list on phones. One query for the month."""
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        first = dt.date(year, month, 1)
    except (TypeError, ValueError):
        first = today.replace(day=1)
    year, month = first.year, first.month
    acts = list(selectors.month_activities(request.user, year, month))
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    by_day: dict[dt.date, list[Activity]] = {}
    for a in acts:
        d0 = max(timezone.localtime(a.starts_at).date(), first)
        d1 = min(timezone.localtime(a.ends_at).date(), last)
        d = d0
        while d <= d1:
            by_day.setdefault(d, []).append(a)
            d += dt.timedelta(days=1)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [{"date": d, "in_month": d.month == month, "items": by_day.get(d, []), "today": d == today} for d in week]
        )
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = last + dt.timedelta(days=1)
    return render_page(
        request,
        "activities/calendar.html",
        {
            "first": first,
            "weeks": weeks,
            "days": sorted(by_day.items()),
            "prev": f"{prev_month:%Y-%m}",
            "next": f"{next_month:%Y-%m}",
            "this_month": f"{today:%Y-%m}",
            "weekdays": [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")],
            "count": len(acts),
        },
    )


def _my_registrations(activity: Activity, me) -> tuple[list[Registration], list[FamilyMember]]:
    """My live registrations (each with ``position`` on the waitlist, or None) and the family
    members I may still register."""
    if me is None:
        return [], []
    mine = list(
        activity.registrations.filter(member=me)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("family_member")
    )
    family_choices = []
    if activity.admits_families:
        taken = {r.family_member_id for r in mine if r.family_member_id}
        family_choices = [f for f in FamilyMember.objects.filter(member=me) if f.pk not in taken]
    positions = {}
    if any(r.status == Registration.Status.WAITLISTED for r in mine):
        waiting = list(
            activity.registrations.filter(status=Registration.Status.WAITLISTED)
            .order_by("registered_at", "id")
            .values_list("pk", flat=True)
        )
        positions = {pk_: i + 1 for i, pk_ in enumerate(waiting)}
    for r in mine:
        r.position = positions.get(r.pk)
    return mine, family_choices


@login_required
@require_GET
def activity_detail(request, pk: int):
    """活动详情: facts, my registration (and my family's), photos, teams and matches, awards (those imported
    from a 获奖名单 marked); for managers the registration list with check-in. Constant queries per page."""
    activity = selectors.get_activity_for_user(request.user, pk)
    counts = selectors.registration_counts(activity)
    me = member_of(request.user)
    mine, family_choices = _my_registrations(activity, me)
    can_manage = selectors.can_manage_activity(request.user, activity)
    registrations = []
    if can_manage:
        registrations = list(selectors.activity_registrations(activity))
    places_left = None
    if activity.capacity is not None:
        places_left = max(activity.capacity - counts["registered"], 0)
    awards = list(activity.awards.select_related("member", "team"))
    return render_page(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "counts": counts,
            "places_left": places_left,
            "me": me,
            "mine": mine,
            "me_self_registered": any(r.family_member_id is None for r in mine),
            "family_choices": family_choices,
            "audience_ok": me is not None and services.audience_allows(activity, me),
            "can_manage": can_manage,
            "can_import": can_manage and import_school(request.user) is not None,
            "registrations": registrations,
            "teams": list(selectors.teams_with_player_counts(activity)),
            "matches": list(activity.matches.select_related("home", "away")),
            "awards": awards,
            "imported_awards": imported_ids(Award, [a.pk for a in awards]),  # one query, none without awards
            "photos": list(activity.photos.all()),
            "photo_form": PhotoForm() if can_manage else None,
            "photo_limit": services.photo_limits()[1],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request):
    """新建活动 by a manager, for a node they manage."""
    nodes = require_any_manager(request.user)
    form = ActivityForm(request.POST or None, nodes=nodes)
    if request.method == "POST" and form.is_valid():
        activity = form.save(commit=False)
        require_manager(request.user, activity.organizer)
        services.activity_create(activity=activity, acting_user=request.user, request=request)
        messages.success(request, _("已创建活动“%(title)s”。") % {"title": activity.title})
        return redirect("activities:detail", pk=activity.pk)
    return render_page(request, "activities/activity_form.html", {"form": form, "activity": None})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk: int):
    """修改活动; a larger capacity promotes the waitlist, which the message reports."""
    activity = selectors.get_activity_for_user(request.user, pk)
    require_manager(request.user, activity.organizer)
    form = ActivityForm(request.POST or None, instance=activity, nodes=manager_nodes(request.user))
    if request.method == "POST" and form.is_valid():
        activity = form.save(commit=False)
        promoted = services.activity_update(activity=activity, acting_user=request.user, request=request)
        msg = _("已保存“%(title)s”。") % {"title": activity.title}
        if promoted:
            msg += _("候补的 %(n)s 人已自动转为正式报名。") % {"n": len(promoted)}
        messages.success(request, msg)
        return redirect("activities:detail", pk=activity.pk)
    return render_page(request, "activities/activity_form.html", {"form": form, "activity": activity})
