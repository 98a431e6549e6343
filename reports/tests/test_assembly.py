"""Figures come from the apps' selectors, equal independent ORM counts, and cost a constant number of queries."""

import datetime as dt

from django.db import connection
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext

from members.models import Member
from members.tests.factories import MemberFactory
from reports import document, periods
from reports import figures as F
from reports.tests.factories import make_report
from scripts.demo.members import load_demo

START, END = dt.date(2021, 1, 1), dt.date(2021, 12, 31)
TODAY = dt.date(2026, 11, 28)  # the demo's anchor date


def test_demo_report_numbers_equal_independent_orm_counts(db):
    (ctx,) = load_demo(scale=1, today=TODAY)
    school = ctx.school
    start, end = dt.date(ctx.year, 1, 1), dt.date(ctx.year, 12, 31)  # the last full year, as a new user builds
    report = make_report(school, ctx.users["chair"], year=ctx.year)
    cur = report.figures["current"]
    staff = Member.objects.filter(organization__path__startswith=school.path)
    # as of the period's end: hired by then, and active now or changed status (retired, left) after it
    on_roll = staff.filter(Q(hired_on__lte=end), Q(status="active") | Q(status_changed_on__gt=end))
    in_union = on_roll.filter(
        Q(joined_union_on__isnull=True) | Q(joined_union_on__lte=end),
        Q(is_union_member=True, left_union_on__isnull=True) | Q(left_union_on__gt=end),
    )
    assert on_roll.count() != staff.filter(status="active").count()  # the demo's roll moved since `end`
    assert F.lookup(cur, "members.staff") == on_roll.count()
    assert F.lookup(cur, "members.union_members") == in_union.count()
    assert F.lookup(cur, "members.joined") == staff.filter(joined_union_on__range=(start, end)).count()
    assert report.figures["missing"] == []

    from welfare.models import WelfareVisit

    visits = WelfareVisit.objects.filter(
        member__organization__path__startswith=school.path, visited_on__range=(start, end)
    )
    counted = visits.aggregate(n=Count("pk"), persons=Count("member", distinct=True))
    assert F.lookup(cur, "welfare.visits.count") == counted["n"]
    assert F.lookup(cur, "welfare.visits.persons") == counted["persons"]

    # The printed sentence carries the same numbers with the right units (人次 vs 人).
    doc = document.build(services_snapshot(report))
    text = "".join(p.text for s in doc.sections for p in s.items if hasattr(p, "runs"))
    assert f"走访慰问教职工及直系亲属{counted['n']}人次（涉及{counted['persons']}人）" in text
    assert f"现有在职会员{F.lookup(cur, 'members.union_members')}人" in text


def services_snapshot(report):
    from reports.services import report_snapshot

    return report_snapshot(report)


def _collect_queries(school):
    with CaptureQueriesContext(connection) as ctx:
        F.collect(organization=school, start=START, end=END)
    return len(ctx.captured_queries)


def test_assembly_query_budget_holds_at_ten_times_the_data(school, sub_a, sub_b):
    MemberFactory.create_batch(3, organization=sub_a, school=school, joined_union_on=dt.date(2021, 3, 1))
    small = _collect_queries(school)
    MemberFactory.create_batch(30, organization=sub_b, school=school, joined_union_on=dt.date(2021, 5, 1))
    large = _collect_queries(school)
    # Two periods (the year and the year before, for 同比) × each app's constant-size report_stats:
    # members 2 + welfare 14 + congress 6 + activities 16 = 38 per period, 76 in all; 90 leaves room.
    assert small == large
    assert large <= 90


def test_previous_period_has_the_same_length():
    assert periods.previous_period(START, END) == (dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert periods.previous_period(dt.date(2020, 9, 1), dt.date(2021, 8, 31)) == (dt.date(2019, 9, 1), dt.date(2020, 8, 31))
    assert periods.previous_period(dt.date(2021, 3, 10), dt.date(2021, 3, 19)) == (dt.date(2021, 2, 28), dt.date(2021, 3, 9))


def test_numbers_read_as_the_seeds_write_them():
    assert F.format_money("61234.5") == "6.12万元"
    assert F.format_money("10000") == "1.00万元"
    assert F.format_money("9999.5") == "9999.50元"
    assert F.format_money("8500.00") == "8500元"
    assert F.format_value("welfare.visits.count", 131) == "131人次"
    assert F.format_value("welfare.visits.persons", 98) == "98人"
    assert F.format_value("congress.reply_rate", "100.0") == "100%"
    assert F.format_yoy("x", 110, 100) == "同比增长10.0%"
    assert F.format_yoy("x", 90, 100) == "同比下降10.0%"
    assert F.format_date(dt.date(2024, 4, 18)) == "2024年4月18日"


def test_money_sums_stay_in_decimal(school, chair):
    report = make_report(school, chair)
    total = F.lookup(report.figures["current"], "welfare.visits.total")
    assert total is None or isinstance(total, str)  # Decimal stored as text, never a float
    assert Member.objects.aggregate(s=Sum("pk", filter=Q(pk__lt=0)))["s"] is None
