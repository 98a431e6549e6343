"""report_stats: figures from records, kinds kept apart, scoped, and a constant number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities.models import Activity, Award, GroupSession, Honor, Match, Registration, SubUnionFund
from activities.report import report_stats
from members.tests.factories import FamilyMemberFactory, MemberFactory

from .factories import (
    ActivityFactory,
    AwardFactory,
    HonorFactory,
    InterestGroupFactory,
    RegistrationFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db
START, END = dt.date(2021, 1, 1), dt.date(2021, 12, 31)


def _at(m, d):
    return timezone.make_aware(dt.datetime(2021, m, d, 15))


def _build(school, sub_a, sub_b, other_school, k=1):
    """k copies of a small year: one headcount gala, one registered event with a family member, a team event."""
    for _ in range(k):
        ActivityFactory(
            organizer=school,
            type="performance",
            starts_at=_at(1, 8),
            headcount=520,
            headcount_note="约数",
            status="finished",
            budget=Decimal("38000"),
            spent=Decimal("36000"),
        )
        walk = ActivityFactory(
            organizer=school, type="sports", starts_at=_at(4, 10), status="finished", admits_families=True
        )
        a, b = MemberFactory(organization=sub_a), MemberFactory(organization=sub_b)
        RegistrationFactory(activity=walk, member=a, checked_in_at=_at(4, 10))
        RegistrationFactory(activity=walk, member=b)
        RegistrationFactory(activity=walk, member=a, family_member=FamilyMemberFactory(member=a, relation="child"))
        RegistrationFactory(
            activity=walk, member=MemberFactory(organization=sub_b), status=Registration.Status.CANCELLED
        )
        volley = ActivityFactory(
            organizer=school, type="sports", starts_at=_at(11, 1), ends_at=_at(11, 19), status="finished"
        )
        t1 = TeamFactory(activity=volley, organization=sub_a)
        t2 = TeamFactory(activity=volley, organization=sub_b)
        t1.players.add(a)
        t2.players.add(b, MemberFactory(organization=sub_b))
        Match.objects.create(
            activity=volley, played_on=dt.date(2021, 11, 2), home=t1, away=t2, home_score=2, away_score=1
        )
        ActivityFactory(
            organizer=sub_a,
            type="sports",
            starts_at=_at(6, 1),
            status="finished",
            funding_source="sub_union",
            spent=Decimal("1500"),
            budget=Decimal("2000"),
        )
        ActivityFactory(organizer=school, starts_at=_at(8, 1), status="cancelled")
        ActivityFactory(organizer=school, starts_at=timezone.make_aware(dt.datetime(2020, 5, 1, 9)))  # other year
        ActivityFactory(organizer=other_school, starts_at=_at(5, 1))  # outside the scope
        AwardFactory(member=a, level="provincial", prize="first")
        AwardFactory(member=b, level="school", prize="third", awarded_on=dt.date(2021, 5, 14))
        Award.objects.create(
            organization=school,
            kind="team",
            team_name="教工篮球队",
            competition="区篮球赛",
            prize="second",
            level="district",
            grantor="区教育工会",
            awarded_on=dt.date(2021, 11, 26),
        )
        HonorFactory(member=a, level="provincial", title="五一劳动奖章")
        Honor.objects.create(
            kind="collective",
            organization=school,
            title="模范职工之家",
            level="provincial",
            grantor="省总工会",
            awarded_on=dt.date(2021, 5, 20),
        )
        HonorFactory(member=MemberFactory(organization=other_school))  # outside
        group = InterestGroupFactory(
            organization=school, name=f"瑜伽班{InterestGroupFactory._meta.model.objects.count()}"
        )
        group.members.add(a, b)
        s1 = GroupSession.objects.create(group=group, held_on=dt.date(2021, 3, 3))
        s1.attendees.add(a, b)
        GroupSession.objects.create(group=group, held_on=dt.date(2020, 3, 3)).attendees.add(a)  # other year
    SubUnionFund.objects.get_or_create(organization=sub_a, year=2021, defaults={"allocation": Decimal("5000")})


def test_report_stats_counts_match_the_records(school, sub_a, sub_b, other_school):
    _build(school, sub_a, sub_b, other_school)
    s = report_stats(organization=school, start=START, end=END)
    assert s["activities"]["total"] == 4 and s["activities"]["cancelled"] == 1
    assert {r["type"]: r["count"] for r in s["activities"]["by_type"]} == {"sports": 3, "performance": 1}
    p = s["participants"]
    assert (p["registered_person_times"], p["registered_persons"], p["family_person_times"]) == (3, 2, 1)
    assert p["checked_in_person_times"] == 1
    assert (p["headcount_person_times"], p["headcount_activities"]) == (520, 1)
    assert p["total_person_times"] == 523
    assert s["sub_unions"]["taking_part"] == 2 and s["sub_unions"]["organising"] == 1
    assert (s["teams"]["teams"], s["teams"]["players"], s["teams"]["matches"]) == (2, 3, 1)
    assert s["teams"]["events"][0]["days"] == 19 and s["teams"]["events"][0]["sub_unions"] == 2
    awards = {r["level"]: r["count"] for r in s["awards"]["by_level"]}
    assert awards == {"national": 0, "provincial": 1, "municipal": 0, "district": 1, "school": 1}
    assert (s["awards"]["individual"], s["awards"]["team"]) == (2, 1)
    assert [a["competition"] for a in s["awards"]["above_school"]] == ["省教学技能竞赛", "区篮球赛"]
    assert (s["honors"]["individual"], s["honors"]["collective"]) == (1, 1)
    assert s["honors"]["by_level"][1] == {"level": "provincial", "label": "省级", "individual": 1, "collective": 1}
    assert s["spending"]["spent"] == Decimal("37500") and s["spending"]["budget"] == Decimal("40000")
    assert s["spending"]["sub_union_funds"] == {
        "allocated": Decimal("5000"),
        "spent": Decimal("1500"),
        "remaining": Decimal("3500"),
        "sub_unions": 1,
    }
    ig = s["interest_groups"]
    assert (ig["count"], ig["members"], ig["sessions"], ig["attendance_person_times"]) == (1, 2, 1, 2)


def test_report_stats_for_a_sub_union_sees_only_its_subtree(school, sub_a, sub_b, other_school):
    _build(school, sub_a, sub_b, other_school)
    s = report_stats(organization=sub_a, start=START, end=END)
    assert s["activities"]["total"] == 1
    assert s["participants"]["registered_person_times"] == 0
    assert s["honors"]["total"] == 1 and s["awards"]["total"] == 1


def test_report_stats_query_count_is_constant(school, sub_a, sub_b, other_school):
    _build(school, sub_a, sub_b, other_school, k=1)
    with CaptureQueriesContext(connection) as small:
        report_stats(organization=school, start=START, end=END)
    _build(school, sub_a, sub_b, other_school, k=9)  # 10x the data
    with CaptureQueriesContext(connection) as large:
        s = report_stats(organization=school, start=START, end=END)
    # the live activity ids, then one per aggregate (see the docstring); the 18th is the coverage months
    # (one UNION query the report needs to decide whether a comparison with the year before is fair);
    # the 19th lists the largest events by name for the speech (highlights)
    assert len(small) == len(large) == 19
    assert s["participants"]["headcount_person_times"] == 5200


def test_stats_page_shows_the_same_figures(login, chair, school, sub_a, sub_b, other_school):
    _build(school, sub_a, sub_b, other_school)
    body = login(chair).get("/activities/stats/?year=2021").content.decode()
    assert 'data-stat="activities">4<' in body and 'data-stat="headcount">520<' in body
    assert 'data-stat="registered">3<' in body and "模范职工之家" in body


def test_activity_levels_are_ordered_national_to_school():
    from activities.models import Level

    assert [c for c, _ in Level.choices] == ["national", "provincial", "municipal", "district", "school"]
    assert Activity.Status.CANCELLED.label == "取消"
