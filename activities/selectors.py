"""Reads of the activities app: scoping helpers and page queries (the report's figures: ``activities.report``).

Who sees what (DOMAIN.md):

- managers (chair, committee, sub-union chair) see and manage activities,
  awards, honours, interest groups and funds organised in their subtree;
- every member also sees the activities open to them: those organised by
  their own school union or by a unit above their group (their sub-union),
  so a member of 语文组 sees school-wide events and 语文组 events, not 数学组 ones.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.http import Http404
from django.utils import timezone

from members.access import MANAGER_ROLES, has_role, member_of, scope_q
from members.models import Organization

from .models import (
    Activity,
    ActivityPhoto,
    Award,
    GroupSession,
    Honor,
    InterestGroup,
    Match,
    Registration,
    SubUnionFund,
    Team,
)

ZERO = Decimal("0.00")


def ancestor_paths(path: str) -> list[str]:
    """``/S01/S01-03/S01-03-G1/`` → ``["/S01/", "/S01/S01-03/", "/S01/S01-03/S01-03-G1/"]``."""
    codes = [c for c in path.split("/") if c]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def activities_q(user) -> Q:
    """Activities the user may see: managed subtrees plus those organised above their own unit."""
    q = scope_q(user, "organizer", *MANAGER_ROLES)
    me = member_of(user)
    if me is not None:
        q |= Q(organizer__path__in=ancestor_paths(me.organization.path))
    return q


def activities_visible_to(user):
    return Activity.objects.filter(activities_q(user))


def with_counts(qs):
    """Annotate places taken, waitlist and check-ins (one query with the rows)."""
    return qs.annotate(
        registered_count=Count("registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)),
        waitlisted_count=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)),
        checked_in_count=Count("registrations", filter=Q(registrations__checked_in_at__isnull=False)),
    )


def get_activity_for_user(user, pk) -> Activity:
    """The activity if the user may see it, else ``Http404``."""
    activity = activities_visible_to(user).select_related("organizer").filter(pk=pk).first()
    if activity is None:
        raise Http404("没有找到该活动，或您无权查看。")
    return activity


def can_manage_activity(user, activity: Activity) -> bool:
    return has_role(user, *MANAGER_ROLES, within=activity.organizer)


def get_registration_for_user(user, pk) -> Registration:
    """A registration the user owns (their own or their family's) or manages; else ``Http404``."""
    q = scope_q(user, "activity__organizer", *MANAGER_ROLES)
    me = member_of(user)
    if me is not None:
        q |= Q(member=me)
    reg = (
        Registration.objects.filter(q)
        .select_related("activity__organizer", "member", "family_member")
        .filter(pk=pk)
        .first()
    )
    if reg is None:
        raise Http404("没有找到该报名记录。")
    return reg


def get_photo_for_user(user, pk) -> ActivityPhoto:
    photo = ActivityPhoto.objects.filter(activity__in=activities_visible_to(user)).filter(pk=pk).first()
    if photo is None:
        raise Http404("没有找到该照片。")
    return photo


def get_team_for_user(user, pk) -> Team:
    team = (
        Team.objects.filter(scope_q(user, "activity__organizer", *MANAGER_ROLES))
        .select_related("activity")
        .filter(pk=pk)
        .first()
    )
    if team is None:
        raise Http404("没有找到该参赛队。")
    return team


def get_interest_group_for_user(user, pk) -> InterestGroup:
    """Managers see groups in their subtree; members see groups of their school."""
    q = scope_q(user, "organization", *MANAGER_ROLES)
    me = member_of(user)
    if me is not None:
        q |= Q(organization__path__in=ancestor_paths(me.organization.path))
    group = InterestGroup.objects.filter(q).select_related("organization", "leader").filter(pk=pk).first()
    if group is None:
        raise Http404("没有找到该兴趣小组。")
    return group


def interest_groups_visible_to(user):
    q = scope_q(user, "organization", *MANAGER_ROLES)
    me = member_of(user)
    if me is not None:
        q |= Q(organization__path__in=ancestor_paths(me.organization.path))
    return InterestGroup.objects.filter(q)


def get_honor_for_user(user, pk) -> Honor:
    honor = Honor.objects.filter(scope_q(user, "organization", *MANAGER_ROLES)).filter(pk=pk).first()
    if honor is None:
        raise Http404("没有找到该荣誉记录。")
    return honor


def get_award_for_user(user, pk) -> Award:
    award = Award.objects.filter(scope_q(user, "organization", *MANAGER_ROLES)).filter(pk=pk).first()
    if award is None:
        raise Http404("没有找到该获奖记录。")
    return award


def month_activities(user, year: int, month: int):
    """Visible activities overlapping the month, with counts (one query)."""
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    qs = activities_visible_to(user).filter(starts_at__date__lte=last, ends_at__date__gte=first)
    return with_counts(qs.select_related("organizer")).order_by("starts_at", "id")


# --- Page queries (aggregates the views show) ------------------------------------------------------


def activity_list(user, *, member=None):
    """Visible activities with their organiser, counts (``with_counts``) and, when ``member`` is given,
    ``my_status``: the status of the member's own live registration (not a family member's), or None.
    Still a QuerySet: the caller filters and orders it."""
    rows = with_counts(activities_visible_to(user).select_related("organizer"))
    if member is not None:
        mine = (
            Registration.objects.filter(activity=OuterRef("pk"), member=member, family_member__isnull=True)
            .exclude(status=Registration.Status.CANCELLED)
            .values("status")[:1]
        )
        rows = rows.annotate(my_status=Subquery(mine))
    return rows


def in_local_period(rows, start: dt.date | None, end: dt.date | None):
    """Activities *starting* on local dates in [start, end] (either bound may be None: open),
    the rule the annual report counts activities by (``ActivityQuerySet.in_range``)."""
    if not (start or end):
        return rows
    return rows.in_range(start or dt.date(1900, 1, 1), end or dt.date(2999, 12, 31))


def registration_counts(activity: Activity) -> dict[str, int]:
    """``{"registered", "waitlisted", "checked_in"}`` for one activity, in 人次 (one query)."""
    return activity.registrations.aggregate(
        registered=Count("id", filter=Q(status=Registration.Status.REGISTERED)),
        waitlisted=Count("id", filter=Q(status=Registration.Status.WAITLISTED)),
        checked_in=Count("id", filter=Q(checked_in_at__isnull=False)),
    )


def check_in_totals(activity: Activity) -> dict[str, int]:
    """``{"registered", "checked_in"}``: registrations holding a place, and those of them checked in (人次)."""
    return activity.registrations.aggregate(
        registered=Count("id", filter=Q(status=Registration.Status.REGISTERED)),
        checked_in=Count("id", filter=Q(status=Registration.Status.REGISTERED, checked_in_at__isnull=False)),
    )


def teams_with_player_counts(activity: Activity):
    """The activity's teams by name, with their sub-union and ``n_players`` (one query)."""
    return activity.teams.select_related("organization").annotate(n_players=Count("players")).order_by("name")


def get_match_for_user(user, pk) -> Match:
    """A match of an activity organised in a subtree the user manages, else ``Http404``."""
    match = Match.objects.filter(scope_q(user, "activity__organizer", *MANAGER_ROLES), pk=pk).first()
    if match is None:
        raise Http404("没有找到该场次。")
    return match


def latest_fund_year(user) -> int | None:
    """The latest year with a sub-union allocation the user manages, or None."""
    return (
        SubUnionFund.objects.filter(scope_q(user, "organization", *MANAGER_ROLES))
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


def funds_with_spending(user, year: int) -> list[SubUnionFund]:
    """The year's allocations the user manages, by organisation path, each with ``spent_total``
    (yuan, Decimal or None: ``spent`` of the sub-union's live activities paid from its fund that
    start in ``year``), ``activities`` (its live activities that year, any funding, or None) and
    ``remaining`` (allocation minus spent_total). One query."""
    live = Activity.objects.filter(organizer=OuterRef("organization"), starts_at__year=year).exclude(
        status=Activity.Status.CANCELLED
    )
    spent = (
        live.filter(funding_source=Activity.FundingSource.SUB_UNION)
        .values("organizer")
        .annotate(s=Sum("spent"))
        .values("s")
    )
    n_acts = live.values("organizer").annotate(n=Count("id")).values("n")
    funds = list(
        SubUnionFund.objects.filter(scope_q(user, "organization", *MANAGER_ROLES), year=year)
        .select_related("organization")
        .annotate(spent_total=Subquery(spent), activities=Subquery(n_acts))
        .order_by("organization__path")
    )
    for f in funds:
        f.remaining = f.allocation - (f.spent_total or 0)
    return funds


def interest_groups_with_counts(user):
    """Visible interest groups, active first then by name, with leader, organisation,
    ``n_members`` and ``n_sessions`` (one query)."""
    return (
        interest_groups_visible_to(user)
        .select_related("leader", "organization")
        .annotate(n_members=Count("members", distinct=True), n_sessions=Count("sessions", distinct=True))
        .order_by("-is_active", "name")
    )


def recent_sessions(group: InterestGroup, *, limit: int = 20) -> list[GroupSession]:
    """The group's latest ``limit`` sessions, newest first, each with ``n`` attendees (人次)."""
    return list(group.sessions.annotate(n=Count("attendees")).order_by("-held_on")[:limit])


def latest_finished_year(node: Organization) -> int | None:
    """Local year in which the latest finished activity of ``node``'s subtree started, or None."""
    latest = (
        Activity.objects.within(node)
        .filter(status=Activity.Status.FINISHED)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return timezone.localtime(latest).year if latest else None


def plaque_candidates(node: Organization, year: int):
    """Active members in ``node``'s subtree who reach 30 years of service (教龄) in ``year``."""
    from members.models import Member

    return (
        Member.objects.within(node)
        .active()
        .filter(hired_on__year=year - 30)
        .select_related("organization__parent")
        .order_by("hired_on", "staff_no")
    )


# The 年度统计 page (``views.stats``) shows the report's own figures; they live in ``activities.report``.
from .report import report_stats  # noqa: E402, F401

# --- Lists behind the exports and printed sheets, and the dashboard charts (issue 16). ---


def activity_registrations(activity: Activity, *, registered_only: bool = False):
    """Live registrations of ``activity`` (registered first, then waitlisted; by time), with member and family.

    The managers' list on ``activities:detail``, its export and (``registered_only``) the printed 签到表.
    """
    qs = activity.registrations.exclude(status=Registration.Status.CANCELLED)
    if registered_only:
        qs = qs.filter(status=Registration.Status.REGISTERED)
    return qs.select_related("member__organization__parent", "member__department", "family_member").order_by(
        "status", "registered_at", "id"
    )


def participation_by_sub_union(node: Organization, *, year: int) -> list[tuple[str, int]]:
    """Registrations (人次: registered or checked in, family included) in ``year``'s activities of ``node``'s
    subtree, per 分工会 of the registering member (members outside a sub-union count under the school name).

    ``[(sub-union name, 人次)]``, largest first. One query.
    """
    rows = (
        Registration.objects.filter(
            status=Registration.Status.REGISTERED,
            activity__starts_at__year=year,
            member__organization__path__startswith=node.path,
        )
        .values("member__organization__kind", "member__organization__name", "member__organization__parent__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals: dict[str, int] = {}
    for r in rows:
        kind = r["member__organization__kind"]
        if kind == Organization.Kind.GROUP:
            name = r["member__organization__parent__name"]
        elif kind == Organization.Kind.SUB_UNION:
            name = r["member__organization__name"]
        else:
            name = node.name
        totals[name] = totals.get(name, 0) + r["n"]
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))


def member_activities_by_month(member, *, year: int) -> list[int]:
    """Activities ``member`` took part in (their own registration, registered) per month of ``year``. One query."""
    from django.db.models.functions import ExtractMonth

    counts = [0] * 12
    rows = (
        Registration.objects.filter(
            member=member, family_member__isnull=True, status=Registration.Status.REGISTERED,
            activity__starts_at__year=year,
        )
        .annotate(m=ExtractMonth("activity__starts_at"))
        .values("m")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in rows:
        counts[r["m"] - 1] = r["n"]
    return counts
