"""Reads of the activities app: scoping helpers, page queries, and ``report_stats`` for the report.

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

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
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
    Level,
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


# --- Statistics for the annual report -----------------------------------------------------------


def _labelled(rows, key: str, choices) -> list[dict]:
    labels = dict(choices)
    return [{**row, "label": str(labels.get(row[key], row[key]))} for row in rows]


def report_stats(*, organization: Organization, start: dt.date, end: dt.date) -> dict:
    """Figures for the annual report on activities, interest groups and honours.

    Scope: records of ``organization``'s subtree (activities by organiser,
    awards and honours by the unit they count for, funds by sub-union).
    Activities count when they *start* in [start, end]; awards and honours by
    their date; interest-group sessions by date; sub-union funds for the
    calendar years ``start.year``..``end.year``. Cancelled activities are left
    out of every figure except ``activities["cancelled"]``.
    All aggregation runs in SQL: 17 queries, whatever the data size.

    Keys (counts are ``int``, money is ``Decimal`` yuan):

    - ``organization``: name of the scope; ``start``, ``end``: the dates given.
    - ``activities``: ``total`` (not cancelled), ``cancelled``, ``by_type``: list of
      ``{"type": code, "label": 中文, "count"}`` (largest first), ``by_organizer_kind``:
      ``{"school": n, "sub_union": n}`` (school-wide vs sub-union activities).
    - ``participants``: two kinds of figure, kept apart:
      ``registered_person_times`` (人次: registrations holding a place, family included),
      ``registered_persons`` (人: distinct staff members among them),
      ``family_person_times`` (人次 of family members, part of registered_person_times),
      ``checked_in_person_times`` (人次 who checked in), ``waitlisted`` (still waiting),
      ``registered_activities`` (activities with registrations);
      ``headcount_person_times`` (人次 recorded as a headcount, not registered one by one),
      ``headcount_activities`` and ``headcounts``: list of ``{"title", "date", "headcount", "note"}``;
      ``total_person_times`` = registered + headcount (say which kind when quoting).
    - ``sub_unions``: ``taking_part`` (distinct sub-unions that organised an activity or fielded a team),
      ``organising`` (sub-unions that organised an activity), ``fielding_teams``, ``names`` (taking part).
    - ``teams``: ``teams``, ``players`` (distinct persons on any team), ``matches``, and
      ``events``: per team event ``{"title", "start", "end", "days", "teams", "sub_unions", "players", "matches"}``
      (e.g. "气排球比赛由15支队伍、180余名球员参加，历时3周，进行了50多场次").
    - ``awards``: ``total``, ``individual``, ``team``, ``by_level``: ``[{"level", "label", "count"}]`` (国家→校),
      ``by_prize``: ``[{"prize", "label", "count"}]``, ``by_level_and_prize``: ``[{"level", "level_label", "prize",
      "prize_label", "count"}]``, ``above_school``: list of ``{"competition", "prize_label", "level_label", "winner",
      "grantor", "date"}`` for awards above school level (named in reports, as the seeds do).
    - ``honors``: ``total``, ``individual``, ``collective``, ``by_level``: ``[{"level", "label", "individual",
      "collective"}]`` (国家→校), ``list``: every honour ``{"title", "kind", "level_label", "grantor", "date",
      "recipient"}`` newest first.
    - ``spending``: ``budget`` and ``spent`` (activities with figures), ``by_funding_source``:
      ``[{"source", "label", "budget", "spent", "activities"}]``; ``sub_union_funds``: ``{"allocated", "spent",
      "sub_unions", "remaining"}`` (allocation for the years covered vs. spending of sub-union activities paid from it).
    - ``interest_groups``: ``count`` (active groups), ``members`` (distinct persons), ``memberships``,
      ``sessions``, ``attendance_person_times``, ``groups``: ``[{"name", "leader", "members", "sessions",
      "attendance"}]``.
    """
    path = organization.path
    acts = Activity.objects.filter(organizer__path__startswith=path).in_range(start, end)
    live = acts.exclude(status=Activity.Status.CANCELLED)
    # The live activities' ids, fetched once: the queries below then look registrations, teams and
    # matches up by an IN list on their indexed activity_id instead of re-planning this filter as a
    # sub-plan each time (PostgreSQL misjudged its size and nested-looped over every activity).
    live_ids = list(live.values_list("id", flat=True))

    # 1. counts by type, organiser kind and cancelled, in one grouped query
    grouped = list(acts.values("type", "organizer__kind", "status").annotate(n=Count("id")).order_by())
    cancelled = sum(r["n"] for r in grouped if r["status"] == Activity.Status.CANCELLED)
    type_counts: dict[str, int] = {}
    kind_rows: dict[str, int] = {}
    for r in grouped:
        if r["status"] != Activity.Status.CANCELLED:
            type_counts[r["type"]] = type_counts.get(r["type"], 0) + r["n"]
            kind_rows[r["organizer__kind"]] = kind_rows.get(r["organizer__kind"], 0) + r["n"]
    type_rows = [{"type": t, "count": n} for t, n in sorted(type_counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    # 2. registrations
    regs = Registration.objects.filter(activity_id__in=live_ids)
    reg = regs.aggregate(
        person_times=Count("id", filter=Q(status=Registration.Status.REGISTERED)),
        persons=Count("member", filter=Q(status=Registration.Status.REGISTERED), distinct=True),
        family=Count("id", filter=Q(status=Registration.Status.REGISTERED, family_member__isnull=False)),
        checked_in=Count("id", filter=Q(status=Registration.Status.REGISTERED, checked_in_at__isnull=False)),
        waitlisted=Count("id", filter=Q(status=Registration.Status.WAITLISTED)),
        activities=Count("activity", filter=Q(status=Registration.Status.REGISTERED), distinct=True),
    )
    # 3. headcounts
    headcounts = list(
        live.filter(headcount__isnull=False)
        .order_by("starts_at")
        .values("title", "starts_at", "headcount", "headcount_note")
    )
    headcount_total = sum(h["headcount"] for h in headcounts)

    # 4. sub-unions taking part (organising or fielding a team)
    sub_kind = Organization.Kind.SUB_UNION
    taking = list(
        Organization.objects.filter(kind=sub_kind, path__startswith=path)
        .annotate(
            organised=Count("activities", filter=Q(activities__id__in=live_ids), distinct=True),
            fielded=Count("teams", filter=Q(teams__activity_id__in=live_ids), distinct=True),
        )
        .filter(Q(organised__gt=0) | Q(fielded__gt=0))
        .order_by("path")
        .values("name", "organised", "fielded")
    )

    # 5. teams and players overall, 6. matches, 7. per team event, 8. matches per event
    teams = Team.objects.filter(activity_id__in=live_ids).aggregate(
        teams=Count("id", distinct=True), players=Count("players", distinct=True)
    )
    matches = Match.objects.filter(activity_id__in=live_ids).count()
    events = list(
        live.filter(teams__isnull=False)
        .annotate(
            n_teams=Count("teams", distinct=True),
            n_subs=Count("teams__organization", distinct=True),
            n_players=Count("teams__players", distinct=True),
        )
        .order_by("starts_at")
        .values("id", "title", "starts_at", "ends_at", "n_teams", "n_subs", "n_players")
    )
    match_counts = dict(
        Match.objects.filter(activity_id__in=live_ids).values("activity").annotate(n=Count("id")).values_list("activity", "n")
    )

    # 9. awards
    awards = Award.objects.filter(organization__path__startswith=path, awarded_on__gte=start, awarded_on__lte=end)
    award_rows = list(awards.values("level", "prize", "kind").annotate(n=Count("id")).order_by())
    # 10. awards above school level, named
    above = list(awards.exclude(level=Level.SCHOOL).select_related("member", "team").order_by("awarded_on", "id"))

    # 11. honours
    honors = list(
        Honor.objects.filter(organization__path__startswith=path, awarded_on__gte=start, awarded_on__lte=end)
        .select_related("member", "organization")
        .order_by("-awarded_on", "id")
    )

    # 12. spending by funding source
    money = list(
        live.values("funding_source")
        .annotate(
            budget=Coalesce(Sum("budget"), Value(ZERO)),
            spent=Coalesce(Sum("spent"), Value(ZERO)),
            activities=Count("id"),
        )
        .order_by("funding_source")
    )
    # 13. sub-union funds
    funds = SubUnionFund.objects.filter(
        organization__path__startswith=path, year__gte=start.year, year__lte=end.year
    ).aggregate(allocated=Coalesce(Sum("allocation"), Value(ZERO)), sub_unions=Count("organization", distinct=True))
    fund_spent = next((m["spent"] for m in money if m["funding_source"] == Activity.FundingSource.SUB_UNION), ZERO)

    # 14. interest groups, 15. attendance, 16. distinct members
    # Members and sessions counted by correlated subqueries: joining both multiplies members × sessions.
    member_count = (
        InterestGroup.members.through.objects.filter(interestgroup=OuterRef("pk"))
        .order_by()
        .values("interestgroup")
        .annotate(n=Count("member", distinct=True))
        .values("n")
    )
    session_count = (
        GroupSession.objects.filter(group=OuterRef("pk"), held_on__gte=start, held_on__lte=end)
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    groups = list(
        InterestGroup.objects.filter(organization__path__startswith=path, is_active=True)
        .annotate(
            n_members=Coalesce(Subquery(member_count, output_field=IntegerField()), 0),
            n_sessions=Coalesce(Subquery(session_count, output_field=IntegerField()), 0),
        )
        .order_by("name", "id")
        .values("id", "name", "leader__name", "n_members", "n_sessions")
    )
    # attendance (session × attendee pairs) in its own query: joined with members above it would multiply
    attendance = dict(
        GroupSession.objects.filter(
            group__organization__path__startswith=path, group__is_active=True, held_on__gte=start, held_on__lte=end
        )
        .values("group")
        .annotate(n=Count("attendees"))
        .values_list("group", "n")
    )
    distinct_group_members = InterestGroup.members.through.objects.filter(
        interestgroup__organization__path__startswith=path, interestgroup__is_active=True
    ).aggregate(persons=Count("member", distinct=True), memberships=Count("id"))

    level_order = [code for code, _ in Level.choices]
    by_level = {code: 0 for code in level_order}
    by_prize: dict[str, int] = {}
    by_level_prize: dict[tuple[str, str], int] = {}
    kinds = {Award.Kind.INDIVIDUAL: 0, Award.Kind.TEAM: 0}
    for row in award_rows:
        by_level[row["level"]] += row["n"]
        by_prize[row["prize"]] = by_prize.get(row["prize"], 0) + row["n"]
        by_level_prize[(row["level"], row["prize"])] = by_level_prize.get((row["level"], row["prize"]), 0) + row["n"]
        kinds[row["kind"]] += row["n"]
    prize_order = [code for code, _ in Award.Prize.choices]
    level_labels, prize_labels = dict(Level.choices), dict(Award.Prize.choices)

    honor_levels = {code: {"individual": 0, "collective": 0} for code in level_order}
    for h in honors:
        honor_levels[h.level][h.kind] += 1

    def days(a, b) -> int:
        return (b.date() - a.date()).days + 1

    return {
        "organization": organization.name,
        "start": start,
        "end": end,
        "activities": {
            "total": sum(r["count"] for r in type_rows),
            "cancelled": cancelled,
            "by_type": _labelled(type_rows, "type", Activity.Type.choices),
            "by_organizer_kind": {
                "school": kind_rows.get(Organization.Kind.SCHOOL, 0),
                "sub_union": kind_rows.get(Organization.Kind.SUB_UNION, 0),
            },
        },
        "participants": {
            "registered_person_times": reg["person_times"],
            "registered_persons": reg["persons"],
            "family_person_times": reg["family"],
            "checked_in_person_times": reg["checked_in"],
            "waitlisted": reg["waitlisted"],
            "registered_activities": reg["activities"],
            "headcount_person_times": headcount_total,
            "headcount_activities": len(headcounts),
            "headcounts": [
                {
                    "title": h["title"],
                    "date": h["starts_at"].date(),
                    "headcount": h["headcount"],
                    "note": h["headcount_note"],
                }
                for h in headcounts
            ],
            "total_person_times": reg["person_times"] + headcount_total,
        },
        "sub_unions": {
            "taking_part": len(taking),
            "organising": sum(1 for t in taking if t["organised"]),
            "fielding_teams": sum(1 for t in taking if t["fielded"]),
            "names": [t["name"] for t in taking],
        },
        "teams": {
            "teams": teams["teams"],
            "players": teams["players"],
            "matches": matches,
            "events": [
                {
                    "title": e["title"],
                    "start": e["starts_at"].date(),
                    "end": e["ends_at"].date(),
                    "days": days(e["starts_at"], e["ends_at"]),
                    "teams": e["n_teams"],
                    "sub_unions": e["n_subs"],
                    "players": e["n_players"],
                    "matches": match_counts.get(e["id"], 0),
                }
                for e in events
            ],
        },
        "awards": {
            "total": sum(by_level.values()),
            "individual": kinds[Award.Kind.INDIVIDUAL],
            "team": kinds[Award.Kind.TEAM],
            "by_level": [{"level": c, "label": str(level_labels[c]), "count": by_level[c]} for c in level_order],
            "by_prize": [
                {"prize": c, "label": str(prize_labels[c]), "count": by_prize[c]} for c in prize_order if c in by_prize
            ],
            "by_level_and_prize": [
                {
                    "level": lv,
                    "level_label": str(level_labels[lv]),
                    "prize": pz,
                    "prize_label": str(prize_labels[pz]),
                    "count": by_level_prize[(lv, pz)],
                }
                for lv in level_order
                for pz in prize_order
                if (lv, pz) in by_level_prize
            ],
            "above_school": [
                {
                    "competition": a.competition,
                    "prize_label": a.prize_detail or str(a.get_prize_display()),
                    "level_label": str(a.get_level_display()),
                    "winner": a.winner_name,
                    "grantor": a.grantor,
                    "date": a.awarded_on,
                }
                for a in above
            ],
        },
        "honors": {
            "total": len(honors),
            "individual": sum(1 for h in honors if h.kind == Honor.Kind.INDIVIDUAL),
            "collective": sum(1 for h in honors if h.kind == Honor.Kind.COLLECTIVE),
            "by_level": [{"level": c, "label": str(level_labels[c]), **honor_levels[c]} for c in level_order],
            "list": [
                {
                    "title": h.title,
                    "kind": h.kind,
                    "level_label": str(h.get_level_display()),
                    "grantor": h.grantor,
                    "date": h.awarded_on,
                    "recipient": h.recipient_name,
                }
                for h in honors
            ],
        },
        "spending": {
            "budget": sum((m["budget"] for m in money), ZERO),
            "spent": sum((m["spent"] for m in money), ZERO),
            "by_funding_source": [
                {
                    "source": m["funding_source"],
                    "label": str(dict(Activity.FundingSource.choices).get(m["funding_source"], m["funding_source"])),
                    "budget": m["budget"],
                    "spent": m["spent"],
                    "activities": m["activities"],
                }
                for m in money
            ],
            "sub_union_funds": {
                "allocated": funds["allocated"],
                "spent": fund_spent,
                "remaining": funds["allocated"] - fund_spent,
                "sub_unions": funds["sub_unions"],
            },
        },
        "interest_groups": {
            "count": len(groups),
            "members": distinct_group_members["persons"],
            "memberships": distinct_group_members["memberships"],
            "sessions": sum(g["n_sessions"] for g in groups),
            "attendance_person_times": sum(attendance.values()),
            "groups": [
                {
                    "name": g["name"],
                    "leader": g["leader__name"] or "",
                    "members": g["n_members"],
                    "sessions": g["n_sessions"],
                    "attendance": attendance.get(g["id"], 0),
                }
                for g in groups
            ],
        },
    }
