"""Activity figures the report may call 教职工 are staff only; family and head-counted guests apart."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from activities.models import Registration
from activities.report import report_stats
from members.tests.factories import FamilyMemberFactory, MemberFactory

from .factories import ActivityFactory, RegistrationFactory, TeamFactory
from .test_stats import _build

pytestmark = pytest.mark.django_db
START, END = dt.date(2021, 1, 1), dt.date(2021, 12, 31)


def _raw(sql: str, *params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


LIVE = """FROM activities_registration r
    JOIN activities_activity a ON a.id = r.activity_id
    JOIN members_organization o ON o.id = a.organizer_id
    WHERE o.path LIKE %s AND a.status <> 'cancelled' AND a.starts_at >= %s AND a.starts_at < %s
      AND r.status = 'registered'"""


def test_staff_family_and_guests_kept_apart_and_equal_raw_sql(school, sub_a, sub_b, other_school):
    _build(school, sub_a, sub_b, other_school)
    # A gala that also took registrations: 300 heads, 2 of them registered staff, 1 a registered child.
    gala = ActivityFactory(organizer=school, starts_at=timezone.make_aware(dt.datetime(2021, 9, 10, 19)),
                           headcount=300, status="finished")
    m = MemberFactory(organization=sub_b)
    RegistrationFactory(activity=gala, member=m)
    RegistrationFactory(activity=gala, member=MemberFactory(organization=sub_b))
    RegistrationFactory(activity=gala, member=m, family_member=FamilyMemberFactory(member=m, relation="child"))
    RegistrationFactory(activity=gala, member=MemberFactory(organization=sub_a), status=Registration.Status.WAITLISTED)
    # sub_b organises nothing but fields a team in one more event.
    relay = ActivityFactory(organizer=school, starts_at=timezone.make_aware(dt.datetime(2021, 10, 1, 9)))
    TeamFactory(activity=relay, organization=sub_b, name="接力队")

    p = report_stats(organization=school, start=START, end=END)["participants"]
    scope = (school.path + "%", "2021-01-01", "2022-01-01")
    staff_times = _raw(f"SELECT COUNT(*) {LIVE} AND r.family_member_id IS NULL", *scope)
    staff_persons = _raw(f"SELECT COUNT(DISTINCT r.member_id) {LIVE} AND r.family_member_id IS NULL", *scope)
    family = _raw(f"SELECT COUNT(*) {LIVE} AND r.family_member_id IS NOT NULL", *scope)
    assert (p["staff_person_times"], p["staff_persons"], p["family_person_times"]) == (staff_times, staff_persons, family)
    assert (staff_times, staff_persons, family) == (4, 4, 2)
    # 520 at the New Year gala (no registrations) + 300 − 3 registered at the autumn gala.
    assert p["guest_head_count"] == 520 + 297
    assert p["registered_person_times"] == p["staff_person_times"] + p["family_person_times"]


def test_sub_unions_organising_and_taking_part(school, sub_a, sub_b, other_school):
    _build(school, sub_a, sub_b, other_school)
    s = report_stats(organization=school, start=START, end=END)
    organizing = _raw(
        """SELECT COUNT(DISTINCT o.id) FROM members_organization o JOIN activities_activity a ON a.organizer_id = o.id
           WHERE o.kind = 'sub_union' AND o.path LIKE %s AND a.status <> 'cancelled'
             AND a.starts_at >= %s AND a.starts_at < %s""",
        school.path + "%", "2021-01-01", "2022-01-01",
    )
    assert s["sub_unions"]["organizing"] == s["sub_unions"]["organising"] == organizing == 1
    assert s["sub_unions"]["taking_part"] == 2  # sub_b only fielded a team
    # Activities start in Jan, Apr, Jun, Nov; awards in May, Jun and Nov; honours in May and Jun;
    # a group session in March: 6 of the 12 months have records.
    assert s["coverage"] == {"months": 6, "period_months": 12}
