"""Membership figures of the report are as of the period's end, and count persons once in a district."""

import datetime as dt

import pytest
from django.db import connection

from members.models import Member, MemberStatus, Organization
from members.report import report_stats
from members.tests.factories import MemberFactory, OrganizationFactory, SchoolFactory, SubUnionFactory

START, END = dt.date(2021, 1, 1), dt.date(2021, 12, 31)

pytestmark = pytest.mark.django_db


def _raw(sql: str, *params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@pytest.fixture
def school():
    school = SchoolFactory(code="FS")
    sub = SubUnionFactory(parent=school, code="FS-1")
    F, M = "female", "male"
    rows = [
        # (gender, hired, joined, left, is_member, status, status_changed)
        (F, dt.date(2010, 9, 1), dt.date(2010, 9, 1), None, True, MemberStatus.ACTIVE, None),
        (F, dt.date(2015, 9, 1), dt.date(2015, 9, 1), None, True, MemberStatus.ACTIVE, None),
        (M, dt.date(2012, 9, 1), dt.date(2012, 9, 1), None, True, MemberStatus.ACTIVE, None),
        (F, dt.date(2019, 9, 1), None, None, False, MemberStatus.ACTIVE, None),  # staff, never a member
        (F, dt.date(2021, 3, 1), dt.date(2021, 4, 1), None, True, MemberStatus.ACTIVE, None),  # joined in 2021
        # left the union in 2022: a member at the end of 2021
        (M, dt.date(2011, 9, 1), dt.date(2011, 9, 1), dt.date(2022, 3, 1), False, MemberStatus.ACTIVE, None),
        # left the union in 2021
        (F, dt.date(2011, 9, 1), dt.date(2011, 9, 1), dt.date(2021, 6, 1), False, MemberStatus.ACTIVE, None),
        # retired in 2022: on the 2021 staff roll, not a 2021 retiree
        (F, dt.date(1990, 9, 1), dt.date(1990, 9, 1), None, True, MemberStatus.RETIRED, dt.date(2022, 2, 1)),
        # retired in 2020
        (M, dt.date(1985, 9, 1), dt.date(1985, 9, 1), None, True, MemberStatus.RETIRED, dt.date(2020, 7, 1)),
        # transferred out in 2021
        (F, dt.date(2014, 9, 1), dt.date(2014, 9, 1), None, True, MemberStatus.LEFT, dt.date(2021, 8, 1)),
    ]
    for gender, hired, joined, left, is_member, status, changed in rows:
        MemberFactory(
            organization=sub, gender=gender, hired_on=hired, joined_union_on=joined, left_union_on=left,
            is_union_member=is_member, status=status, status_changed_on=changed,
        )
    return school


STAFF_AT = """(m.hired_on IS NULL OR m.hired_on <= %s)
    AND (m.status = 'active' OR (m.status <> 'active' AND m.status_changed_on > %s))"""
MEMBER_AT = """(m.joined_union_on IS NULL OR m.joined_union_on <= %s)
    AND ((m.is_union_member AND m.left_union_on IS NULL) OR m.left_union_on > %s)"""
SCOPE = "FROM members_member m JOIN members_organization o ON o.id = m.organization_id WHERE o.path LIKE %s"


def _expected(school, end):
    like = school.path + "%"
    return {
        "staff": _raw(f"SELECT COUNT(*) {SCOPE} AND {STAFF_AT}", like, end, end),
        "union_members": _raw(f"SELECT COUNT(*) {SCOPE} AND {STAFF_AT} AND {MEMBER_AT}", like, end, end, end, end),
        "women_members": _raw(
            f"SELECT COUNT(*) {SCOPE} AND m.gender = 'female' AND {STAFF_AT} AND {MEMBER_AT}", like, end, end, end, end
        ),
        "women": _raw(f"SELECT COUNT(*) {SCOPE} AND m.gender = 'female' AND {STAFF_AT}", like, end, end),
        "retirees": _raw(
            f"SELECT COUNT(*) {SCOPE} AND m.status = 'retired' AND (m.status_changed_on IS NULL OR m.status_changed_on <= %s)",
            like, end,
        ),
    }


def test_figures_are_as_of_the_period_end_and_equal_raw_sql(school):
    stats = report_stats(organization=school, start=START, end=END)
    expected = _expected(school, END)
    assert {k: stats[k] for k in expected} == expected
    # The hand count of the rows above.
    assert expected == {"staff": 8, "union_members": 6, "women_members": 4, "women": 6, "retirees": 1}
    assert stats["joined"] == 1 and stats["left"] == 1
    assert stats["coverage"] == {"months": 12, "period_months": 12}


def test_a_later_join_does_not_move_a_finished_period(school):
    before = report_stats(organization=school, start=START, end=END)
    sub = Organization.objects.get(code="FS-1")
    MemberFactory(organization=sub, gender="female", hired_on=dt.date(2022, 9, 1), joined_union_on=dt.date(2022, 9, 1))
    Member.objects.filter(gender="male", status=MemberStatus.ACTIVE, left_union_on__isnull=True).update(
        status=MemberStatus.RETIRED, status_changed_on=dt.date(2023, 1, 1)
    )
    after = report_stats(organization=school, start=START, end=END)
    assert after == before
    # Staff hired in 2021 who joined the union in 2022: 2021 staff, not a 2021 union member.
    MemberFactory(organization=sub, gender="female", hired_on=dt.date(2021, 9, 1), joined_union_on=dt.date(2022, 1, 5))
    late = report_stats(organization=school, start=START, end=END)
    assert (late["staff"], late["union_members"]) == (before["staff"] + 1, before["union_members"])


def test_a_person_on_two_schools_rolls_counts_once_in_the_district():
    district = OrganizationFactory(kind=Organization.Kind.DISTRICT, code="FD")
    a = SchoolFactory(parent=district, code="FD-A")
    b = SchoolFactory(parent=district, code="FD-B")
    MemberFactory(organization=a, id_number="11010519491231002X")
    MemberFactory(organization=b, id_number="11010519491231002X")
    MemberFactory(organization=b)
    stats = report_stats(organization=district, start=START, end=END)
    distinct = _raw(
        "SELECT COUNT(DISTINCT COALESCE(NULLIF(m.id_number, ''), '#' || m.id)) " + SCOPE, district.path + "%"
    )
    assert stats["staff"] == stats["union_members"] == distinct == 2
    assert report_stats(organization=a, start=START, end=END)["staff"] == 1


def test_district_by_school_table_equals_raw_sql():
    from decimal import Decimal

    from activities.tests.factories import ActivityFactory, HonorFactory
    from welfare.tests.factories import WelfareVisitFactory

    district = OrganizationFactory(kind=Organization.Kind.DISTRICT, code="FX")
    a = SchoolFactory(parent=district, code="FX-A", name="甲校工会")
    b = SchoolFactory(parent=district, code="FX-B", name="乙校工会")
    sub = SubUnionFactory(parent=a, code="FX-A1")
    members_a = [MemberFactory(organization=sub) for _ in range(3)]
    MemberFactory(organization=b)
    MemberFactory(organization=b, hired_on=dt.date(2022, 9, 1))  # after the period
    WelfareVisitFactory(member=members_a[0], cash_amount=Decimal("300"), gift_value=Decimal("50"))
    WelfareVisitFactory(member=members_a[1], cash_amount=Decimal("200"), gift_value=Decimal("0"))
    ActivityFactory(organizer=sub, starts_at=dt.datetime(2021, 4, 1, 9, tzinfo=dt.UTC))
    ActivityFactory(organizer=b, starts_at=dt.datetime(2021, 4, 1, 9, tzinfo=dt.UTC), status="cancelled")
    HonorFactory(member=members_a[2])
    rows = report_stats(organization=district, start=START, end=END)["by_school"]
    assert [r["school"] for r in rows] == ["甲校工会", "乙校工会"]
    for row, school in zip(rows, (a, b), strict=True):
        visits, total = _raw_row(
            "SELECT COUNT(*), COALESCE(SUM(cash_amount + gift_value), 0) FROM welfare_welfarevisit "
            "WHERE school_id = %s AND visited_on BETWEEN %s AND %s", school.pk, START, END,
        )
        assert (row["visits"], Decimal(str(row["visit_total"]))) == (visits, Decimal(str(total)))
    assert [(r["union_members"], r["visits"], r["activities"], r["honours"], r["proposals_accepted"]) for r in rows] == [
        (3, 2, 1, 1, 0), (1, 0, 0, 0, 0),
    ]
    assert "by_school" not in report_stats(organization=a, start=START, end=END)


def _raw_row(sql: str, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
