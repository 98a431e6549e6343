"""What the activities app gives the annual report: its figures, tables, charts and links.

``report_stats`` gathers one figure group per function below (activities, participants,
sub-unions, teams, awards, honours, spending, interest groups), each with a fixed number of
queries, all aggregated in SQL. Registered in ``ActivitiesConfig.ready()``; ``reports`` reads it
through the registry.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest, TruncDate

from members.models import Organization
from reports.models import ReportBlock, ReportSection
from reports.providers import (
    PERSON_TIMES,
    PERSONS,
    YUAN,
    Chart,
    Column,
    Figure,
    Link,
    ReportProvider,
    Table,
    coverage_figures,
    month_coverage,
)
from reports.sentences import join, listing, names, sentence, subhead

from .models import Activity, Award, GroupSession, Honor, InterestGroup, Level, Match, Registration, SubUnionFund, Team

ZERO = Decimal("0.00")


def _labelled(rows, key: str, choices) -> list[dict]:
    labels = dict(choices)
    return [{**row, "label": str(labels.get(row[key], row[key]))} for row in rows]


def activity_stats(acts: QuerySet[Activity]) -> dict:
    """``activities`` (keys in :func:`report_stats`) of the activities in range. One grouped query."""
    grouped = list(acts.values("type", "organizer__kind", "status").annotate(n=Count("id")).order_by())
    cancelled = sum(r["n"] for r in grouped if r["status"] == Activity.Status.CANCELLED)
    type_counts: dict[str, int] = {}
    kind_rows: dict[str, int] = {}
    for r in grouped:
        if r["status"] != Activity.Status.CANCELLED:
            type_counts[r["type"]] = type_counts.get(r["type"], 0) + r["n"]
            kind_rows[r["organizer__kind"]] = kind_rows.get(r["organizer__kind"], 0) + r["n"]
    type_rows = [{"type": t, "count": n} for t, n in sorted(type_counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return {
        "total": sum(r["count"] for r in type_rows),
        "cancelled": cancelled,
        "by_type": _labelled(type_rows, "type", Activity.Type.choices),
        "by_organizer_kind": {
            "school": kind_rows.get(Organization.Kind.SCHOOL, 0),
            "sub_union": kind_rows.get(Organization.Kind.SUB_UNION, 0),
        },
    }


def participant_stats(live: QuerySet[Activity], live_ids: list[int]) -> dict:
    """``participants`` (keys in :func:`report_stats`): registrations and headcounts. Two queries."""
    registered = Q(status=Registration.Status.REGISTERED)
    own = registered & Q(family_member__isnull=True)
    reg = Registration.objects.filter(activity_id__in=live_ids).aggregate(
        person_times=Count("id", filter=registered),
        persons=Count("member", filter=registered, distinct=True),
        staff_person_times=Count("id", filter=own),
        staff_persons=Count("member", filter=own, distinct=True),
        family=Count("id", filter=registered & Q(family_member__isnull=False)),
        checked_in=Count("id", filter=registered & Q(checked_in_at__isnull=False)),
        waitlisted=Count("id", filter=Q(status=Registration.Status.WAITLISTED)),
        activities=Count("activity", filter=registered, distinct=True),
    )
    headcounts = list(
        live.filter(headcount__isnull=False)
        .annotate(registered=Count("registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)))
        .order_by("starts_at")
        .values("title", "starts_at", "headcount", "headcount_note", "registered")
    )
    headcount_total = sum(h["headcount"] for h in headcounts)
    return {
        "registered_person_times": reg["person_times"],
        "registered_persons": reg["persons"],
        "staff_person_times": reg["staff_person_times"],
        "staff_persons": reg["staff_persons"],
        "guest_head_count": sum(max(h["headcount"] - h["registered"], 0) for h in headcounts),
        "family_person_times": reg["family"],
        "checked_in_person_times": reg["checked_in"],
        "waitlisted": reg["waitlisted"],
        "registered_activities": reg["activities"],
        "headcount_person_times": headcount_total,
        "headcount_activities": len(headcounts),
        "headcounts": [
            {"title": h["title"], "date": h["starts_at"].date(), "headcount": h["headcount"],
             "note": h["headcount_note"]}
            for h in headcounts
        ],
        "total_person_times": reg["person_times"] + headcount_total,
    }


def sub_union_stats(path: str, live_ids: list[int]) -> dict:
    """``sub_unions`` (keys in :func:`report_stats`): those organising or fielding a team, and those
    that organised nothing. One query (one row per sub-union of the subtree)."""
    every = list(
        Organization.objects.filter(kind=Organization.Kind.SUB_UNION, path__startswith=path)
        .annotate(
            organised=Count("activities", filter=Q(activities__id__in=live_ids), distinct=True),
            fielded=Count("teams", filter=Q(teams__activity_id__in=live_ids), distinct=True),
        )
        .order_by("path")
        .values("name", "organised", "fielded")
    )
    taking = [t for t in every if t["organised"] or t["fielded"]]
    return {
        "total": len(every),
        "idle": sum(1 for t in every if not t["organised"]),
        "idle_names": [t["name"] for t in every if not t["organised"]],
        "taking_part": len(taking),
        "organising": sum(1 for t in taking if t["organised"]),
        "organizing": sum(1 for t in taking if t["organised"]),
        "fielding_teams": sum(1 for t in taking if t["fielded"]),
        "names": [t["name"] for t in taking],
    }


HIGHLIGHTS = 40  # the largest events listed for the speech (a constant: one query whatever the data size)


def highlight_stats(live: QuerySet[Activity]) -> list[dict]:
    """``highlights`` (keys in :func:`report_stats`): the largest live events, named. One query.

    Each ``{"title", "date", "month", "type", "audience", "organizer_kind", "organizer", "staff"
    (人次: staff registered for themselves), "family" (人次), "headcount" (人次 counted on the spot, or
    None), "note" (how it was counted), "teams", "players" (人), "matches", "days", "reach"}``;
    ``reach`` = the largest of headcount, registrations and players, the order (largest first), at
    most :data:`HIGHLIGHTS` rows. Counted by correlated subqueries (joins would multiply rows).
    """
    def count(qs, expr="pk", distinct=False):
        template = "COUNT(DISTINCT %(expressions)s)" if distinct else "COUNT(%(expressions)s)"
        return Coalesce(Subquery(qs.order_by().annotate(
            _n=Func(F(expr), template=template, output_field=IntegerField())).values("_n")), 0)

    act = OuterRef("pk")
    regs = Registration.objects.filter(activity=act, status=Registration.Status.REGISTERED)
    players = Team.players.through.objects.filter(team__activity=act)
    rows = (
        live.annotate(
            n_staff=count(regs.filter(family_member__isnull=True)),
            n_family=count(regs.filter(family_member__isnull=False)),
            n_teams=count(Team.objects.filter(activity=act)),
            n_players=count(players, "member_id", distinct=True),
            n_matches=count(Match.objects.filter(activity=act)),
        )
        .annotate(reach=Greatest(Coalesce("headcount", 0), F("n_staff") + F("n_family"), F("n_players")))
        .order_by("-reach", "starts_at", "pk")
        .values("title", "starts_at", "ends_at", "type", "audience", "organizer__kind", "organizer__name",
                "headcount", "headcount_note", "n_staff", "n_family", "n_teams", "n_players", "n_matches", "reach")
    )[:HIGHLIGHTS]
    return [
        {
            "title": r["title"], "date": r["starts_at"].date(), "month": r["starts_at"].month, "type": r["type"],
            "audience": r["audience"], "organizer_kind": r["organizer__kind"], "organizer": r["organizer__name"],
            "staff": r["n_staff"], "family": r["n_family"], "headcount": r["headcount"],
            "note": r["headcount_note"], "teams": r["n_teams"], "players": r["n_players"],
            "matches": r["n_matches"], "days": (r["ends_at"].date() - r["starts_at"].date()).days + 1,
            "reach": r["reach"],
        }
        for r in rows
    ]


def team_stats(live: QuerySet[Activity], live_ids: list[int]) -> dict:
    """``teams`` (keys in :func:`report_stats`): teams, players, matches, per team event. Four queries."""
    teams = Team.objects.filter(activity_id__in=live_ids).aggregate(
        teams=Count("id", distinct=True), players=Count("players", distinct=True)
    )
    matches = Match.objects.filter(activity_id__in=live_ids)
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
    match_counts = dict(matches.values("activity").annotate(n=Count("id")).values_list("activity", "n"))
    return {
        "teams": teams["teams"],
        "players": teams["players"],
        "matches": matches.count(),
        "events": [
            {
                "title": e["title"],
                "start": e["starts_at"].date(),
                "end": e["ends_at"].date(),
                "days": (e["ends_at"].date() - e["starts_at"].date()).days + 1,
                "teams": e["n_teams"],
                "sub_unions": e["n_subs"],
                "players": e["n_players"],
                "matches": match_counts.get(e["id"], 0),
            }
            for e in events
        ],
    }


def award_stats(path: str, start: dt.date, end: dt.date) -> dict:
    """``awards`` (keys in :func:`report_stats`): by level and prize, and those above school level. Two queries."""
    awards = Award.objects.filter(organization__path__startswith=path, awarded_on__gte=start, awarded_on__lte=end)
    level_order = [code for code, _ in Level.choices]
    prize_order = [code for code, _ in Award.Prize.choices]
    by_level = {code: 0 for code in level_order}
    by_prize: dict[str, int] = {}
    by_level_prize: dict[tuple[str, str], int] = {}
    kinds = {Award.Kind.INDIVIDUAL: 0, Award.Kind.TEAM: 0}
    for row in awards.values("level", "prize", "kind").annotate(n=Count("id")).order_by():
        by_level[row["level"]] += row["n"]
        by_prize[row["prize"]] = by_prize.get(row["prize"], 0) + row["n"]
        by_level_prize[(row["level"], row["prize"])] = by_level_prize.get((row["level"], row["prize"]), 0) + row["n"]
        kinds[row["kind"]] += row["n"]
    above = awards.exclude(level=Level.SCHOOL).select_related("member", "team").order_by("awarded_on", "id")
    level_labels, prize_labels = dict(Level.choices), dict(Award.Prize.choices)
    return {
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
    }


def honor_stats(path: str, start: dt.date, end: dt.date) -> dict:
    """``honors`` (keys in :func:`report_stats`): every honour in range, counted by level and kind. One query."""
    honors = list(
        Honor.objects.filter(organization__path__startswith=path, awarded_on__gte=start, awarded_on__lte=end)
        .select_related("member", "organization")
        .order_by("-awarded_on", "id")
    )
    level_order = [code for code, _ in Level.choices]
    level_labels = dict(Level.choices)
    honor_levels = {code: {"individual": 0, "collective": 0} for code in level_order}
    for h in honors:
        honor_levels[h.level][h.kind] += 1
    return {
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
    }


def spending_stats(live: QuerySet[Activity], path: str, start: dt.date, end: dt.date) -> dict:
    """``spending`` (keys in :func:`report_stats`): by funding source, and sub-union funds. Two queries."""
    money = list(
        live.values("funding_source")
        .annotate(
            budget=Coalesce(Sum("budget"), Value(ZERO)),
            spent=Coalesce(Sum("spent"), Value(ZERO)),
            activities=Count("id"),
        )
        .order_by("funding_source")
    )
    funds = SubUnionFund.objects.filter(
        organization__path__startswith=path, year__gte=start.year, year__lte=end.year
    ).aggregate(allocated=Coalesce(Sum("allocation"), Value(ZERO)), sub_unions=Count("organization", distinct=True))
    fund_spent = next((m["spent"] for m in money if m["funding_source"] == Activity.FundingSource.SUB_UNION), ZERO)
    source_labels = dict(Activity.FundingSource.choices)
    return {
        "budget": sum((m["budget"] for m in money), ZERO),
        "spent": sum((m["spent"] for m in money), ZERO),
        "by_funding_source": [
            {
                "source": m["funding_source"],
                "label": str(source_labels.get(m["funding_source"], m["funding_source"])),
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
    }


def interest_group_stats(path: str, start: dt.date, end: dt.date) -> dict:
    """``interest_groups`` (keys in :func:`report_stats`): active groups, members, sessions, attendance.

    Three queries. Members and sessions are counted by correlated subqueries (joining both would
    multiply members × sessions), attendance in its own query for the same reason.
    """
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
    return {
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
    }


def report_stats(*, organization: Organization, start: dt.date, end: dt.date) -> dict:
    """Figures for the annual report on activities, interest groups and honours.

    Scope: records of ``organization``'s subtree (activities by organiser,
    awards and honours by the unit they count for, funds by sub-union).
    Activities count when they *start* in [start, end]; awards and honours by
    their date; interest-group sessions by date; sub-union funds for the
    calendar years ``start.year``..``end.year``. Cancelled activities are left
    out of every figure except ``activities["cancelled"]``.
    All aggregation runs in SQL: 19 queries, whatever the data size.

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
      ``total_person_times`` = registered + headcount (say which kind when quoting);
      what the report may call 教职工, kept apart from family and guests:
      ``staff_person_times`` (人次: registrations of staff members for themselves, family excluded),
      ``staff_persons`` (人: distinct staff members who registered for themselves),
      ``guest_head_count`` (人次 head-counted and not registered one by one: parents, pupils, guests,
      unregistered staff; per activity the headcount less its registrations, never below 0).
    - ``highlights``: the largest events by name (:func:`highlight_stats`), for the speech.
    - ``sub_unions``: ``total`` (sub-unions in the subtree), ``idle`` and ``idle_names`` (those that
      organised no activity), ``taking_part`` (distinct sub-unions that organised an activity or fielded a team),
      ``organizing`` (sub-unions that organised at least one activity; ``organising``: the same, older key),
      ``fielding_teams`` (sub-unions that sent a team), ``names`` (taking part).
    - ``coverage``: ``{"months", "period_months"}``: calendar months of [start, end] with a live
      activity starting, an award, an honour or an interest-group session, and the months the period
      touches (``reports.providers.month_coverage``).
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
    return {
        "organization": organization.name,
        "start": start,
        "end": end,
        "activities": activity_stats(acts),
        "participants": participant_stats(live, live_ids),
        "sub_unions": sub_union_stats(path, live_ids),
        "highlights": highlight_stats(live),
        "teams": team_stats(live, live_ids),
        "awards": award_stats(path, start, end),
        "honors": honor_stats(path, start, end),
        "spending": spending_stats(live, path, start, end),
        "interest_groups": interest_group_stats(path, start, end),
        "coverage": coverage_stats(live, path, start, end),
    }


def coverage_stats(live: QuerySet[Activity], path: str, start: dt.date, end: dt.date) -> dict:
    """``coverage`` (keys in :func:`report_stats`): months with activity records. One query."""
    in_range = {"organization__path__startswith": path, "awarded_on__gte": start, "awarded_on__lte": end}
    return month_coverage(
        [
            (live, TruncDate("starts_at")),
            (Award.objects.filter(**in_range), "awarded_on"),
            (Honor.objects.filter(**in_range), "awarded_on"),
            (GroupSession.objects.filter(group__organization__path__startswith=path, held_on__gte=start,
                                         held_on__lte=end), "held_on"),
        ],
        start,
        end,
    )


# The activity list counts live activities starting in the period (``live=1``).
LIVE = Link("activities:index", {"live": "1"}, period=True)

FIGURES = {
    "activities.total": Figure("组织活动", "项", LIVE),
    "activities.by_organizer_kind.school": Figure(
        "全校性活动", "项", Link("activities:index", {"live": "1", "organizer_kind": "school"}, period=True)
    ),
    "activities.by_organizer_kind.sub_union": Figure(
        "分工会活动", "项", Link("activities:index", {"live": "1", "organizer_kind": "sub_union"}, period=True)
    ),
    "participants.total_person_times": Figure("参加活动", PERSON_TIMES),
    "participants.registered_person_times": Figure("报名参加活动", PERSON_TIMES),
    "participants.registered_persons": Figure("报名教职工", PERSONS),
    "participants.family_person_times": Figure("家属参加", PERSON_TIMES),
    "participants.staff_person_times": Figure("教职工参加活动", PERSON_TIMES),
    "participants.staff_persons": Figure("参加活动教职工", PERSONS),
    "participants.guest_head_count": Figure("现场统计参加", PERSON_TIMES),
    "sub_unions.taking_part": Figure("参与活动的分工会", "个"),
    "sub_unions.organizing": Figure("组织活动的分工会", "个"),
    "teams.teams": Figure("参赛队伍", "支"),
    "teams.players": Figure("参赛队员", PERSONS),
    "teams.matches": Figure("比赛", "场"),
    "awards.total": Figure("获奖", "项", Link("activities:awards", period=True)),
    "awards.individual": Figure("个人获奖", "项", Link("activities:awards", {"kind": "individual"}, period=True)),
    "awards.team": Figure("团体获奖", "项", Link("activities:awards", {"kind": "team"}, period=True)),
    "honors.total": Figure("荣誉", "项", Link("activities:honors", period=True)),
    "honors.individual": Figure("个人荣誉", "项", Link("activities:honors", {"kind": "individual"}, period=True)),
    "honors.collective": Figure("集体荣誉", "项", Link("activities:honors", {"kind": "collective"}, period=True)),
    "spending.spent": Figure("活动支出", YUAN),
    "spending.sub_union_funds.allocated": Figure("分工会活动经费", YUAN),
    "spending.sub_union_funds.spent": Figure("分工会经费支出", YUAN),
    "interest_groups.count": Figure("兴趣小组", "个"),
    "interest_groups.members": Figure("兴趣小组成员", PERSONS),
    "interest_groups.sessions": Figure("兴趣小组活动", "次"),
    "interest_groups.attendance_person_times": Figure("兴趣小组活动参加", PERSON_TIMES),
    **coverage_figures("活动"),
}

TABLES = {
    "awards.by_level": Table("教职工获奖情况（按级别）", (Column("label", "级别"), Column("count", "项数", "项"))),
    "honors.by_level": Table("荣誉情况（按级别）", (
        Column("label", "级别"), Column("individual", "个人", "项"), Column("collective", "集体", "项"),
    )),
    "activities.by_type": Table("活动情况（按类型）", (Column("label", "类型"), Column("count", "项数", "项"))),
}

CHARTS = {
    "activities.by_type": Chart("活动项数（按类型）", "label", "count", "项"),
}

# Blocks of the default report, by section kind: generated sentences (``SENTENCES``), tables and charts.
B = ReportBlock.Kind
DEFAULT_BLOCKS = {
    ReportSection.Kind.ETHICS: (
        (B.SENTENCE, "activities.honours_short"),
        (B.SENTENCE, "activities.named_honours"),
        (B.SENTENCE, "activities.named_awards"),
        (B.TABLE, "activities.awards.by_level"),
    ),
    ReportSection.Kind.CULTURE: (
        (B.SENTENCE, "activities.scale"),
        (B.SENTENCE, "activities.events"),
        (B.SENTENCE, "activities.festivals"),
        (B.SENTENCE, "activities.groups"),
        (B.SENTENCE, "activities.sub_union_work"),
        (B.CHART, "activities.activities.by_type"),
    ),
}


def _participants(ctx) -> str:
    """Staff 人次 (人) apart from family members and head-counted guests; never summed together."""
    p = "activities.participants."
    if ctx.n(p + "staff_person_times"):
        staff = f"教职工参加{{{p}staff_person_times:num}}人次"
        if ctx.n(p + "staff_persons"):
            staff += f"（{{{p}staff_persons:num}}人）"
    elif ctx.n(p + "registered_persons"):
        staff = f"教职工{{{p}registered_persons}}报名参加"  # distinct staff; registrations include family
    else:
        staff = ""
    family = f"家属参加{{{p}family_person_times:num}}人次" if ctx.n(p + "family_person_times") else ""
    if ctx.has(p + "guest_head_count"):
        guests = f"另有家长、学生等{{{p}guest_head_count:num}}人次到场" if ctx.n(p + "guest_head_count") else ""
    else:
        guests = f"另按现场人数统计参加{{{p}headcount_person_times:num}}人次" if ctx.n(p + "headcount_person_times") else ""
    return join(staff, family, guests)


def _sub_unions(ctx) -> str:
    """Organising sub-unions apart from those taking part (teams or participants)."""
    organizing = next((k for k in ("activities.sub_unions.organizing", "activities.sub_unions.organising")
                       if ctx.has(k)), "")
    parts = []
    if organizing and ctx.n(organizing):
        parts.append(f"{{{organizing}:num}}个分工会组织开展活动")
    if ctx.n("activities.sub_unions.taking_part"):
        parts.append("{activities.sub_unions.taking_part:num}个分工会参与")
    return join(*parts)


def activities_sentence(ctx) -> str:
    """"全年组织各类活动35项，教职工参加1650人次（304人），家属参加68人次，另有家长、学生等523人次到场；
    7个分工会组织开展活动，15个分工会参与。" """
    organised = f"{ctx.words.this}组织各类活动{{activities.activities.total}}" if ctx.n("activities.activities.total") else ""
    return sentence(join(organised, _participants(ctx)), _sub_unions(ctx), sep="；")


def teams_sentence(ctx) -> str:
    """Teams, players and matches, interest groups: "组建参赛队伍15支，参赛队员180人，进行比赛50场；
    5个教职工兴趣小组开展活动40次。" (each clause only when its figure is non-zero)."""
    teams = listing(ctx, [("组建参赛队伍", "activities.teams.teams"), ("参赛队员", "activities.teams.players"),
                          ("进行比赛", "activities.teams.matches")], sep="，")
    groups = ""
    if ctx.n("activities.interest_groups.count"):
        groups = "{activities.interest_groups.count}教职工兴趣小组"
        groups += "开展活动{activities.interest_groups.sessions}" if ctx.n("activities.interest_groups.sessions") else "组建运行"
    return sentence(teams, groups, sep="；")


def _quote(title: str) -> str:
    """An event or honour title as the seeds quote it: in “ ” unless it already carries quotes."""
    return title if ("“" in title or "《" in title) else f"“{title}”"


def _highlights(ctx) -> list[dict]:
    rows = ctx.value("activities.highlights")
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _event_clause(row: dict) -> str:
    """One named event with who took part, in the seeds' words; "" when nobody is recorded."""
    title = _quote(row["title"])
    if row.get("headcount"):
        note = row.get("note") or ""
        who = "教师、家长、学生" if "家长" in note else "教职工和来宾"
        return f"成功举办{title}，{who}{row['headcount']}人次现场参与"
    if row.get("teams") and row.get("players"):
        clause = f"举办{title}，{row['teams']}支队伍、{row['players']}名队员参赛"
        if row.get("matches"):
            clause += f"，进行了{row['matches']}场比赛"
        return clause
    if row.get("staff"):
        return f"举办{title}，{row['staff']}名教职工参加"
    return ""


def scale_sentence(ctx) -> str:
    """"全年组织各类活动23项，教职工参加1199人次（276人）。" (staff only: family and guests are named
    with the events they came to)."""
    if not ctx.n("activities.activities.total"):
        return ""
    p = "activities.participants."
    staff = ""
    if ctx.n(p + "staff_person_times"):
        staff = f"教职工参加{{{p}staff_person_times:num}}人次"
        if ctx.n(p + "staff_persons"):
            staff += f"（{{{p}staff_persons:num}}人）"
    return sentence(f"{ctx.words.this}组织各类活动{{activities.activities.total}}", staff)


def honours_short_sentence(ctx) -> str:
    """"全年教职工获得各级各类荣誉25项、在各级竞赛中获奖30项。" """
    honours = "获得各级各类荣誉{activities.honors.total}" if ctx.n("activities.honors.total") else ""
    awards = "在各级竞赛中获奖{activities.awards.total}" if ctx.n("activities.awards.total") else ""
    both = join(honours, awards, sep="、")
    return f"{ctx.words.this}教职工{both}。" if both else ""


def honours_sentence(ctx) -> str:
    """"全年教职工获得各级各类荣誉12项，其中个人荣誉9项、集体荣誉3项；在各级竞赛中获奖20项。" """
    honours = ""
    if ctx.n("activities.honors.total"):
        honours = f"{ctx.words.this}教职工获得各级各类荣誉{{activities.honors.total}}"
        split = listing(ctx, [("个人荣誉", "activities.honors.individual"), ("集体荣誉", "activities.honors.collective")])
        if split:
            honours += f"，其中{split}"
    awards = "在各级竞赛中获奖{activities.awards.total}" if ctx.n("activities.awards.total") else ""
    if awards and not honours:
        awards = f"{ctx.words.this}教职工{awards}"
    return sentence(honours, awards, sep="；")


def _titled(title: str) -> str:
    """“河南省模范职工之家”称号; medals and citations keep their own name (“郑州市五一劳动奖章”)."""
    quoted = _quote(title)
    return quoted if title.endswith(("奖章", "奖状", "奖", "标兵")) else f"{quoted}称号"


def named_honours_sentence(ctx) -> str:
    """Honours above school level by level, name and grantor, as the seeds write them: "省级荣誉中，
    学校工会被河南省总工会授予“河南省模范职工之家”称号，顾婷丹、向雨嘉被河南省教育厅授予“河南省教学标兵”。"
    Recipients are named (public honours; the school's own union is "学校工会"); at most four honours a
    level, four names an honour ("等N人" beyond)."""
    rows = ctx.value("activities.honors.list")
    if not isinstance(rows, list):
        return ""
    by_level: dict[str, dict[tuple, list[str]]] = {level: {} for level in ("国家级", "省级", "市级", "区级")}
    for r in rows:
        if isinstance(r, dict) and r.get("level_label") in by_level:
            who = r.get("recipient") or ""
            who = ctx.unit if who and who == ctx.org_name else who
            by_level[r["level_label"]].setdefault((r["title"], r.get("grantor") or ""), []).append(who)
    parts = []
    for level, honours in by_level.items():
        clauses = []
        for (title, grantor), recipients in list(honours.items())[:4]:
            who = names(recipients, 4) + (f"等{len(set(recipients))}人" if len(set(recipients)) > 4 else "")
            clauses.append(f"{who}被{grantor}授予{_titled(title)}" if grantor else f"{who}获得{_titled(title)}")
        if clauses:
            parts.append(f"{level}荣誉中，" + "，".join(clauses))
    return "；".join(parts) + "。" if parts else ""


def named_awards_sentence(ctx) -> str:
    """Competitions above school level by name with their winners ("在河南省教学技能竞赛中，顾婷丹、向雨嘉获一等奖")."""
    rows = ctx.value("activities.awards.above_school")
    if not isinstance(rows, list):
        return ""
    contests: dict[str, dict[str, list[str]]] = {}
    for r in rows:
        if isinstance(r, dict) and r.get("competition"):
            contests.setdefault(r["competition"], {}).setdefault(r.get("prize_label") or "奖项", []).append(
                r.get("winner") or "")
    clauses = []
    for contest, prizes in list(contests.items())[:5]:
        won = "，".join(f"{names(winners, 4)}获{prize}" for prize, winners in prizes.items())
        clauses.append(f"在{contest}中，{won}")
    if not clauses:
        return ""
    return ("工会积极组织教职工参加各级工会和教育部门组织的竞赛活动，让教职工在比赛中锻炼提高。" + "；".join(clauses)
            + "，展示了我校教职工的良好风貌。")


def events_sentence(ctx) -> str:
    """（一）The largest events by name with who took part (the gala's head count, the tournament's teams,
    players and matches), then the other school-wide events by name only."""
    rows = [r for r in _highlights(ctx) if r.get("organizer_kind") != "sub_union"]
    counted = [r for r in rows if r.get("audience") in ("all", "families") and r.get("headcount")][:1]
    teams = sorted((r for r in rows if r.get("teams") and r.get("players")), key=lambda r: -(r.get("matches") or 0))[:1]
    big = counted + [r for r in teams if r not in counted]
    named = [_event_clause(r) for r in big]
    others = names([_quote(r["title"]) for r in rows if r not in big and r.get("audience") == "all"
                    and r.get("type") in ("sports", "performance", "lecture", "visit", "skills")], 5)
    body = []
    if named:
        body.append("学校工会每年年初制定文体活动计划，协同各方、合理安排，开展了大量有益教职工身心健康的文体活动。"
                    + "；".join(named) + "。活动形式多样、参与面广，充分展示了教职工积极向上的精神风貌。")
    if others:
        body.append(f"此外，还组织了{others}等活动，丰富了教职工的业余文化生活，增强了团队凝聚力。")
    return subhead("精心组织全校性文体活动", *body)


def festivals_sentence(ctx) -> str:
    """（二）Women's, family and retirees' events by name (三八, 六一, 重阳), with the women taking part."""
    rows = _highlights(ctx)
    women = [r for r in rows if r.get("audience") == "women"]
    families = [r for r in rows if r.get("audience") == "families" and not r.get("headcount")]
    retirees = [r for r in rows if r.get("audience") == "retirees"]
    body = []
    if women:
        lead = women[0]
        who = f"，{lead['staff']}名女教职工参加" if lead.get("staff") else ""
        body.append(f"关心女教职工的身心健康，组织开展{names([_quote(r['title']) for r in women], 3)}{who}，"
                    "让女教职工度过了愉快的节日。")
    if families:
        body.append(f"组织开展{names([_quote(r['title']) for r in families], 3)}等亲子活动，"
                    "教职工和家属子女共同参与，增进了家庭和学校的联系。")
    if retirees:
        body.append(f"组织开展{names([_quote(r['title']) for r in retirees], 2)}，"
                    "让离退休老同志感受到学校大家庭的温暖。")
    return subhead("开展节日和特色活动", *body)


def groups_sentence(ctx) -> str:
    """（三）Interest groups by name, with how often they met."""
    rows = ctx.value("activities.interest_groups.groups")
    groups = [r for r in rows if isinstance(r, dict) and r.get("sessions")] if isinstance(rows, list) else []
    if not groups:
        return ""
    listed = names([r["name"] for r in groups], 8)
    text = ("学校工会积极探索满足教职工多元化文化需求的途径，支持教职工按兴趣爱好组建兴趣小组。"
            f"{listed}等教职工兴趣小组常态化开展活动"
            + ("，{activities.interest_groups.members:num}名教职工参加" if ctx.n("activities.interest_groups.members") else "")
            + "。兴趣小组活动时间灵活、形式多样，成为教职工强身健体、陶冶情操的重要平台。")
    return subhead("推动兴趣小组常态化活动", text)


def sub_union_work_sentence(ctx) -> str:
    """（四）Sub-unions' own activities by name, and the activity funds allocated to them."""
    rows = [r for r in _highlights(ctx) if r.get("organizer_kind") == "sub_union"]
    # Allocations are per calendar year: only a calendar-year report can state the period's sum.
    funds = ("学校工会划拨二级工会活动经费合计{activities.spending.sub_union_funds.allocated}，"
             if ctx.n("activities.spending.sub_union_funds.allocated") and ctx.words.kind == "calendar_year" else "")
    if not rows:
        return subhead("支持分工会开展活动", sentence(funds.rstrip("，")) if funds else "")
    text = (f"{funds}鼓励各分工会结合自身特点开展活动。{names([r['title'] for r in rows], 5)}等活动贴近教职工、"
            "形式灵活，广受欢迎，增进了同事间的友谊。")
    return subhead("支持分工会开展活动", text)


def summary_sentence(ctx) -> str:
    """The overview's clause: activities and honours (for ``reports.overview``)."""
    acts = "广泛开展群众性文体活动" if ctx.n("activities.activities.total") else ""
    honours = "大力选树先进典型" if ctx.n("activities.honors.total") else ""
    return join(acts, honours)


def shortcomings_sentence(ctx) -> str:
    """Points for 存在的不足 from the records: sub-unions that organised nothing, fewer staff taking part
    (when comparable), sub-union funds left largely unspent. One line per point."""
    out = []
    idle, total = ctx.n("activities.sub_unions.idle"), ctx.n("activities.sub_unions.total")
    if idle and total:
        out.append(f"分工会工作开展还不够均衡，有{idle}个分工会{ctx.words.this}没有自主组织活动，"
                   "分工会的作用有待进一步发挥。")
    change = ctx.change("activities.participants.staff_persons")
    if change and "下降" in change:
        out.append(f"文体活动的吸引力有待增强，参加活动的教职工人数{change}，活动的内容和形式还需创新。")
    allocated = ctx.n("activities.spending.sub_union_funds.allocated")
    spent = ctx.n("activities.spending.sub_union_funds.spent")
    if allocated and spent * 2 < allocated and ctx.words.kind == "calendar_year":
        out.append("分工会活动经费使用不够充分，已用于分工会活动的经费不足划拨经费的一半，经费使用效益有待提高。")
    return "\n".join(out)


def plans_sentence(ctx) -> str:
    """Points for 今后工作思路 answering the records (one line per point)."""
    out = []
    if ctx.n("activities.sub_unions.idle"):
        out.append("加强对分工会的指导和支持，推动每个分工会结合自身特点至少开展一项活动，建设好“职工小家”。")
    if ctx.n("activities.activities.total"):
        out.append("继续办好元旦联欢、教职工运动会等品牌活动，支持兴趣小组常态化开展活动，不断满足教职工的精神文化需求。")
    if ctx.n("activities.honors.total") or ctx.n("activities.awards.total"):
        out.append("大力弘扬劳模精神、劳动精神、工匠精神，做好各级各类先进的推荐评选，选树宣传身边的先进典型。")
    return "\n".join(out)


SENTENCES = {
    "honours": honours_sentence,
    "honours_short": honours_short_sentence,
    "scale": scale_sentence,
    "named_honours": named_honours_sentence,
    "named_awards": named_awards_sentence,
    "activities": activities_sentence,
    "teams": teams_sentence,
    "events": events_sentence,
    "festivals": festivals_sentence,
    "groups": groups_sentence,
    "sub_union_work": sub_union_work_sentence,
    "summary": summary_sentence,
    "shortcomings": shortcomings_sentence,
    "plans": plans_sentence,
}

PROVIDER = ReportProvider(
    label="activities",
    report_stats=report_stats,
    figures=FIGURES,
    tables=TABLES,
    charts=CHARTS,
    default_blocks=DEFAULT_BLOCKS,
    sentences=SENTENCES,
    index=None,  # an undeclared figure gets no link: no list states its total
)
