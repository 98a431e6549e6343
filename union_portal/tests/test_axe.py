"""Accessibility: axe-core (axe-playwright-python, which bundles axe.js) on the key pages, desktop and phone.

The demo school (``scripts.demo``, scale 1: 340 staff, a 200-name activity, a report with charts) is
loaded once; the chair signs in through the login form and visits each key page at 1366 px and at
390 px (a phone). axe runs on each (WCAG 2.0–2.2 A/AA rules, tap-target size included, and axe's best practices); a violation of
impact "serious" or "critical" fails the test with the rule, the page and the first offending nodes.
The login page is checked signed out.

Every page is also watched for Content-Security-Policy violations (Chromium reports each blocked
inline script or style on the console), so the strict policy is proven in a real browser too.
"""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import browser_login
from scripts.demo.members import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}
# WCAG 2.0–2.2 A/AA (2.2 AA brings target-size: tap targets of at least 24×24 CSS px) and axe's best practices.
OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}


def key_pages() -> list[tuple[str, str]]:
    """(name, path) of the key pages in the demo school, chosen from its data (the fullest objects)."""
    from django.db.models import Count
    from django.urls import reverse

    from activities.models import Activity
    from congress.models import Proposal
    from members.models import Member
    from reports.models import AnnualReport

    member = Member.objects.order_by("pk").first()
    proposal = Proposal.objects.exclude(number="").order_by("pk").first() or Proposal.objects.order_by("pk").first()
    activity = Activity.objects.annotate(n=Count("registrations")).order_by("-n", "pk").first()
    report = AnnualReport.objects.order_by("pk").first()
    section = report.sections.order_by("pk").first()
    return [
        ("home", reverse("home")),
        ("member-list", reverse("members:list")),
        ("member-detail", reverse("members:detail", args=[member.pk])),
        ("audit", reverse("members:audit")),
        ("welfare-ledger", reverse("welfare:ledger")),
        ("visit-form", reverse("welfare:visit_create")),
        ("distributions", reverse("welfare:distributions")),
        ("proposal-list", reverse("congress:proposal_list")),
        ("proposal-detail", reverse("congress:proposal_detail", args=[proposal.pk])),
        ("activity-detail", reverse("activities:detail", args=[activity.pk])),
        ("report-detail", reverse("reports:detail", args=[report.pk])),
        ("report-editor", reverse("reports:section_edit", args=[section.pk])),
    ]


def _problems(page, axe: Axe, name: str, width: int) -> list[str]:
    results = axe.run(page, options=OPTIONS)
    found = []
    for v in results.response["violations"]:
        if v.get("impact") in BLOCKING:
            nodes = "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
            found.append(f"{name} @{width}px: {v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {nodes}")
    return found


def _watch_csp(page, seen: list[str]) -> None:
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)


def _visit_all(page, width: int, pages, axe: Axe, csp: list[str], shots) -> list[str]:
    problems = []
    page.goto(page.base_url + "/accounts/login/")
    problems += _problems(page, axe, "login", width)
    browser_login(page, "chair", DEMO_PASSWORD)
    for name, path in pages:
        page.goto(page.base_url + path)
        page.wait_for_load_state("networkidle")
        problems += _problems(page, axe, name, width)
        if shots is not None and name in ("home", "activity-detail"):
            page.screenshot(path=str(shots / f"axe-{name}-{width}.png"), full_page=False)
    return problems


def test_key_pages_have_no_serious_axe_violation(browser_page, phone_page, screenshot_dir):
    load_demo(scale=1, today=dt.date(2026, 11, 28))
    pages = key_pages()
    axe = Axe()
    csp: list[str] = []
    problems = []
    for page, width in ((browser_page, 1366), (phone_page, 390)):
        _watch_csp(page, csp)
        problems += _visit_all(page, width, pages, axe, csp, screenshot_dir)
    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)
    assert not csp, "the Content-Security-Policy blocked something:\n" + "\n".join(csp[:10])
