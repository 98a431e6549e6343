"""The demo school has the year the acceptance asks for, in every year up to today (loads the scale-1 demo)."""

import datetime as dt

import pytest

from activities.models import Activity, Honor, InterestGroup, Registration
from activities.report import report_stats
from scripts.demo.members import load_demo

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 28)  # the demo's anchor date


def test_demo_school_has_a_year_of_activities():
    ctx = load_demo(scale=1, today=TODAY)
    ctx = ctx[0]
    y = ctx.year  # the last full calendar year, 2025
    acts = Activity.objects.within(ctx.school)
    for year in range(ctx.first_year, y + 1):  # every full year has a year of activities
        assert acts.filter(starts_at__year=year, status="finished").count() >= 20, year
    assert acts.filter(title__contains="元旦", headcount__gte=500, starts_at__year=y).exists()
    assert Registration.objects.filter(activity__title__contains="六一", family_member__isnull=False).exists()
    assert Registration.objects.filter(activity__title__contains="三八", activity__starts_at__year=y).exists()
    assert acts.filter(starts_at__year=y - 1).exists() and acts.filter(starts_at__date__gt=ctx.today).count() >= 3
    assert not acts.filter(status="finished", starts_at__date__gte=ctx.today).exists()
    assert InterestGroup.objects.filter(organization=ctx.school).count() == 6
    assert Honor.objects.filter(kind="collective", title="河南省模范职工之家").exists()
    s = report_stats(organization=ctx.school, start=dt.date(y, 1, 1), end=dt.date(y, 12, 31))
    assert s["teams"]["events"][0]["teams"] == 15
    volley = next(e for e in s["teams"]["events"] if "气排球" in e["title"])
    assert volley["teams"] == 15 and volley["matches"] > 50 and volley["players"] == 180
    assert 55000 <= s["spending"]["sub_union_funds"]["allocated"] <= 62000
    assert any(a["prize_label"] == "一等奖" and a["level_label"] == "省级" for a in s["awards"]["above_school"])
