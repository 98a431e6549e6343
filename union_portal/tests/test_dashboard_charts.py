"""Issue 16: the dashboards' charts (server-rendered SVG with a text alternative, no inline style),
seen in Chromium at 1366 and 390 px; and the shared renderer keeps the report's drawing unchanged."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from conftest import browser_login
from members.tests.factories import MemberFactory
from union_portal.lib.charts import bar_chart_svg, chart_figure

SHOTS = Path("/work/notes/shots/h-exports")


def test_page_chart_is_responsive_accessible_and_has_no_style_attribute():
    html = str(chart_figure("慰问<支出>", [("1月", (Decimal("10"), 0)), ("2月", (5, 7))], unit="元",
                            series=("2026年", "2025年"), label_header="月份"))
    assert 'width="100%"' in html and 'viewBox="0 0 360 ' in html
    assert "style=" not in html and "<script" not in html
    assert 'aria-label="慰问&lt;支出&gt;"' in html and '<table class="visually-hidden">' in html
    assert html.count("<tr>") == 3  # header and one row per month: the text alternative


def test_report_chart_keeps_its_fixed_size():
    svg = bar_chart_svg([("1月", 10900)], unit="元")
    assert 'width="560" height="32"' in svg and "class=" not in svg


@pytest.fixture
def year_of_data(chair, school, sub_a, sub_b):
    from activities.models import Registration
    from activities.tests.factories import ActivityFactory
    from congress.models import ProposalStatus
    from congress.tests.factories import ProposalFactory, SessionFactory
    from members.access import member_of
    from welfare.tests.factories import WelfareVisitFactory

    today = timezone.localdate()
    for months_back, amount in ((1, 800), (3, 1500), (13, 600), (14, 2000), (16, 900)):
        day = today - dt.timedelta(days=30 * months_back)
        WelfareVisitFactory(member=MemberFactory(organization=sub_a), visited_on=day, cash_amount=Decimal(amount))
    WelfareVisitFactory(member=member_of(chair), visited_on=today - dt.timedelta(days=20))
    session = SessionFactory(congress__school=school)
    for status, n in ((ProposalStatus.SUBMITTED, 3), (ProposalStatus.ACCEPTED, 5), (ProposalStatus.ASSIGNED, 4),
                      (ProposalStatus.REPLIED, 2), (ProposalStatus.CLOSED, 6)):
        for _ in range(n):
            ProposalFactory(session=session, status=status)
    activity = ActivityFactory(organizer=school, starts_at=timezone.now() - dt.timedelta(days=40))
    for org, n in ((sub_a, 9), (sub_b, 5)):
        for _ in range(n):
            Registration.objects.create(activity=activity, member=MemberFactory(organization=org))
    Registration.objects.create(activity=activity, member=member_of(chair))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("device,width", [("browser_page", 1366), ("phone_page", 390)])
def test_chair_dashboard_charts(request, device, width, chair, year_of_data, screenshot_dir):
    page = request.getfixturevalue(device)
    browser_login(page, "chair")
    figures = page.locator("figure.chart")
    assert figures.count() >= 4  # spending, proposals by status, participation, my activities
    for i in range(figures.count()):
        box = figures.nth(i).locator("svg").bounding_box()
        assert box["width"] <= width and box["width"] > 200
    assert "1月" in page.locator("#welfare-panel table.visually-hidden").inner_text()
    html = page.content()
    assert not re.search(r"<svg[^>]*style=", html)
    path = screenshot_dir / f"dashboard-charts-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)
