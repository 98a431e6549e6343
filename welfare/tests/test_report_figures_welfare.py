"""Small counts: one colleague's illness cannot be read off the report's welfare tables and charts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from members.tests.factories import MemberFactory, SubUnionFactory
from welfare.models import AidClaim, MutualAidPlan
from welfare.report import report_stats
from welfare.tests.factories import WelfareVisitFactory, occasion

pytestmark = pytest.mark.django_db
START, END = dt.date(2021, 1, 1), dt.date(2021, 12, 31)
LISTS = ("visits_by_occasion", "visits_by_funding_source", "visits_by_sub_union", "visits_by_month", "plans")


def _raw(sql: str, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@pytest.fixture
def tiny(school):
    """A 19-person sub-union: ordinary visits, one 大病 visit in March, one hospital-plan claim."""
    sub = SubUnionFactory(parent=school, code="TINY")
    staff = [MemberFactory(organization=sub) for _ in range(19)]
    for i, m in enumerate(staff[:4]):
        WelfareVisitFactory(member=m, visited_on=dt.date(2021, 5 + i, 10), cash_amount=Decimal("200"))
    plan = MutualAidPlan.objects.create(organization=school, kind="hospital", name="住院医疗互助", is_health=True)
    return sub, staff, plan


def _sensitive(staff, plan):
    WelfareVisitFactory(member=staff[7], occasion=occasion("serious_illness"), visited_on=dt.date(2021, 3, 2),
                        cash_amount=Decimal("1300"), gift_value=Decimal("0"))
    AidClaim.objects.create(plan=plan, member=staff[7], claimed_on=dt.date(2021, 3, 20),
                            claimed_amount=Decimal("4000"), paid_amount=Decimal("3000"), status="paid")


def _without_folded(stats):
    return {key: [r for r in stats[key] if r.get("code") != "folded" and r.get("kind") != "folded"
                  and r.get("name") != "其他慰问"] for key in LISTS}


def test_one_sensitive_visit_leaves_no_row_bar_or_month(tiny, settings):
    settings.REPORT_SMALL_COUNT_MIN = 3
    sub, staff, plan = tiny
    before = report_stats(organization=sub, start=START, end=END)
    school_before = report_stats(organization=sub.parent, start=START, end=END)
    _sensitive(staff, plan)
    after = report_stats(organization=sub, start=START, end=END)
    school = report_stats(organization=sub.parent, start=START, end=END)
    # Every row of every list except the folded ones is exactly what it was without the illness,
    # in the sub-union's report and in the school's (where the plan is).
    assert _without_folded(after) == _without_folded(before)
    assert _without_folded(school) == _without_folded(school_before)
    assert "serious_illness" not in {r["code"] for r in after["visits_by_occasion"]}
    assert [r["month"].month for r in after["visits_by_month"]] == [5, 6, 7, 8]  # no March
    folded = [r for r in after["visits_by_occasion"] if r["code"] == "folded"]
    assert [(r["name"], r["count"], r["total"]) for r in folded] == [("其他慰问", 1, Decimal("1300"))]
    assert school["plans"][-1]["name"] == "其他理赔" and school["plans"][-1]["paid"] == Decimal("3000")
    assert all(r["claims"] == 0 for r in school["plans"] if r.get("kind") != "folded")
    # Totals stay exact: the raw ledger.
    count, persons, total = _raw(
        """SELECT COUNT(*), COUNT(DISTINCT v.member_id), SUM(v.cash_amount + v.gift_value)
           FROM welfare_welfarevisit v JOIN members_member m ON m.id = v.member_id
           JOIN members_organization o ON o.id = m.organization_id
           WHERE o.path LIKE %s AND v.visited_on BETWEEN %s AND %s""",
        sub.path + "%", START, END,
    )
    assert (after["visits"]["count"], after["visits"]["persons"]) == (count, persons) == (5, 5)
    assert after["visits"]["total"] == Decimal(str(total)) == Decimal("2100")
    assert school["plans_total"]["claims"] == 1 and school["plans_total"]["paid"] == Decimal("3000")
    assert after["visits_folded"]["count"] == 1
    assert after["coverage"] == {"months": 5, "period_months": 12}  # March (the visit), May..August


def test_enough_persons_keep_their_row(tiny, settings):
    settings.REPORT_SMALL_COUNT_MIN = 3
    sub, staff, plan = tiny
    for m in staff[10:13]:
        WelfareVisitFactory(member=m, occasion=occasion("serious_illness"), visited_on=dt.date(2021, 3, 2))
    stats = report_stats(organization=sub, start=START, end=END)
    codes = [r["code"] for r in stats["visits_by_occasion"]]
    assert "serious_illness" in codes and "folded" not in codes
    assert stats["visits_folded"]["count"] == 0
