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

from django.db.models import Count, Q
from django.http import Http404

from members.access import MANAGER_ROLES, has_role, member_of, scope_q
from members.models import Organization

from .models import (
    Activity,
    ActivityPhoto,
    Award,
    Honor,
    InterestGroup,
    Registration,
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
