import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from members.tests.factories import MemberFactory
from scripts.demo.members import load_demo
from welfare.models import WelfareVisit
from welfare.report import report_stats
from welfare.tests.factories import WelfareVisitFactory, occasion

pytestmark = pytest.mark.django_db
YEAR = (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
TODAY = dt.date(2026, 11, 28)  # the demo's anchor date; its last full year is 2025
DEMO_YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_report_stats_counts_person_times_persons_and_yuan(school, sub_a, sub_b, django_assert_num_queries, settings):
    # No small-count folding here (test_report_figures_welfare covers it): every occasion keeps its row.
    settings.REPORT_SMALL_COUNT_MIN = 1
    a, b = MemberFactory(organization=sub_a), MemberFactory(organization=sub_b)
    WelfareVisitFactory(
        member=a, occasion=occasion("hospitalisation"), cash_amount=Decimal("500"), gift_value=Decimal("100")
    )
    WelfareVisitFactory(member=a, visited_on=dt.date(2021, 7, 1))
    WelfareVisitFactory(member=b, funding_source="school_welfare")
    WelfareVisitFactory(member=b, visited_on=dt.date(2020, 12, 31))
    # one query per figure group, whatever the data size; the 18th gives the coverage months the
    # report needs to decide whether a comparison with the period before is fair; the 19th and 20th
    # count the 必访 items visited late and the visits above the caps (the speech's 存在的不足)
    with django_assert_num_queries(20):
        stats = report_stats(organization=school, start=YEAR[0], end=YEAR[1])
    assert stats["visits"] == {
        "count": 3,
        "persons": 2,
        "cash": Decimal("1500"),
        "gift": Decimal("100"),
        "total": Decimal("1600"),
    }
    by_occ = {r["code"]: r for r in stats["visits_by_occasion"]}
    assert by_occ["hospitalisation"]["count"] == 1 and by_occ["marriage"]["persons"] == 2
    assert [r["name"] for r in stats["visits_by_sub_union"]] == [sub_a.name, sub_b.name]
    assert {r["code"]: r["count"] for r in stats["visits_by_funding_source"]} == {"school_welfare": 1, "union_funds": 2}
    assert [r["month"] for r in stats["visits_by_month"]] == [dt.date(2021, 5, 1), dt.date(2021, 7, 1)]
    assert report_stats(organization=sub_a, start=YEAR[0], end=YEAR[1])["visits"]["count"] == 2


def test_demo_year_agrees_across_report_ledger_and_distributions(login, django_assert_max_num_queries):
    (ctx,) = load_demo(scale=1, today=TODAY)
    assert ctx.year == DEMO_YEAR[0].year
    assert WelfareVisit.objects.filter(member__school=ctx.school, visited_on__year=ctx.year).count() >= 200
    with django_assert_max_num_queries(20):  # 17 + the coverage months + the two duty counts (see above)
        stats = report_stats(organization=ctx.school, start=DEMO_YEAR[0], end=DEMO_YEAR[1])
    assert {r["code"] for r in stats["distributions"]["by_festival"]} >= {"spring", "mid_autumn", "summer"}
    assert stats["plans_total"]["claims"] >= 1 and stats["health_checks"]["participants"] > 250
    assert stats["donations"]["by_kind"][0]["label"] == "一日捐" and stats["donations"]["donors"] > 200
    assert stats["hardship"]["opened"] >= 1
    ledger = login(ctx.users["chair"]).get(
        reverse("welfare:ledger"), {"start": str(DEMO_YEAR[0]), "end": str(DEMO_YEAR[1])}
    )
    totals = ledger.context["totals"]
    assert (totals["count"], totals["persons"], totals["total"]) == (
        stats["visits"]["count"],
        stats["visits"]["persons"],
        stats["visits"]["total"],
    )
    from welfare.models import PendingVisit

    assert PendingVisit.objects.filter(status="open", due_on__lt=ctx.today).exists()
