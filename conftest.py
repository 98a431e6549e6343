"""Shared fixtures: a school with two sub-unions, fixed role users, and a Chromium page.

Role users (healthchecks' alice/bob/charlie style), each linked to a member:
``chair``, ``committee``, ``sub_union_chair`` (of ``sub_a``), ``proposal_committee``,
``handler`` (of ``department``), ``representative``, ``member`` (in ``sub_a``),
and ``outsider`` (the chair of ``other_school``).
"""

from __future__ import annotations

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

from members.models import Organization, Role  # noqa: E402
from members.tests.factories import (  # noqa: E402
    DepartmentFactory,
    MemberFactory,
    OrganizationFactory,
    RoleAssignmentFactory,
    UserFactory,
)

PASSWORD = "Test-pass-2026"


def pytest_configure(config):
    """A fast password hasher for the whole suite (PBKDF2's cost per role user dominated its run time).

    Production keeps Django's default hashers; only the test process is changed.
    """
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, put back the rows the data migrations ship.

    ``transaction=True`` tests (browser journeys, races, real workers) end with a flush that
    also removes the default visit occasions and the example spending caps; without this,
    every later test on the same worker would run against a database no deployment has.
    """
    result = yield
    marker = item.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or "live_server" in getattr(
        item, "fixturenames", ()
    )
    # The last test of a worker (no next item) has already torn the test database down with the
    # session fixtures: the settings point at the real database again, which must not be touched.
    if transactional and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        from welfare.defaults import ensure_defaults
        from welfare.models import SpendingCap, SpendingCapRuleSet, VisitOccasion

        with item.config.stash[blocking_manager_key].unblock():
            ensure_defaults(VisitOccasion, SpendingCapRuleSet, SpendingCap)
    return result
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def eager_celery():
    """Run Celery tasks in-process in every test, even when REDIS_URL is set.

    A test server has no worker: a background export or 提案汇编 would wait forever. The tests that
    exercise a real worker over Redis (``reports/tests/test_celery_redis.py``,
    ``union_portal/tests/test_worker_faults.py`` …) switch eager mode off themselves and put it back.
    """
    from union_portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def school(db):
    return OrganizationFactory(kind=Organization.Kind.SCHOOL, code="SCH", name="测试中学工会")


@pytest.fixture
def sub_a(school):
    return OrganizationFactory(kind=Organization.Kind.SUB_UNION, code="SCH-A", name="语文组分工会", parent=school)


@pytest.fixture
def sub_b(school):
    return OrganizationFactory(kind=Organization.Kind.SUB_UNION, code="SCH-B", name="数学组分工会", parent=school)


@pytest.fixture
def group_a(sub_a):
    return OrganizationFactory(kind=Organization.Kind.GROUP, code="SCH-A-G1", name="第一小组", parent=sub_a)


@pytest.fixture
def department(school):
    return DepartmentFactory(school=school, name="总务处")


@pytest.fixture
def other_school(db):
    return OrganizationFactory(kind=Organization.Kind.SCHOOL, code="OTH", name="另一所学校工会")


def make_role_user(username, role, node, member_org, department=None):
    """A user holding ``role`` at ``node``, linked to a new member in ``member_org``."""
    user = UserFactory(username=username)
    MemberFactory(organization=member_org, user=user, name=f"{username}本人"[:10])
    RoleAssignmentFactory(user=user, role=role, organization=node, department=department)
    return user


@pytest.fixture
def chair(school, sub_a):
    return make_role_user("chair", Role.CHAIR, school, sub_a)


@pytest.fixture
def committee(school, sub_b):
    return make_role_user("committee", Role.COMMITTEE, school, sub_b)


@pytest.fixture
def sub_union_chair(sub_a):
    return make_role_user("subchair", Role.SUB_UNION_CHAIR, sub_a, sub_a)


@pytest.fixture
def proposal_committee(school, sub_b):
    return make_role_user("proposals", Role.PROPOSAL_COMMITTEE, school, sub_b)


@pytest.fixture
def handler(school, sub_b, department):
    return make_role_user("handler", Role.HANDLER, school, sub_b, department=department)


@pytest.fixture
def representative(school, sub_a):
    return make_role_user("rep", Role.REPRESENTATIVE, school, sub_a)


@pytest.fixture
def member(sub_a):
    return make_role_user("member", Role.MEMBER, sub_a, sub_a)


@pytest.fixture
def outsider(other_school):
    return make_role_user("outsider", Role.CHAIR, other_school, other_school)


@pytest.fixture
def login(client):
    """``login(user)`` → the test client, logged in as ``user``."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


# --- Browser (Playwright driving Debian's Chromium) ------------------------------


@pytest.fixture(scope="session")
def _browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make deps` (installs Debian's chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_browser, live_server):
    """A fresh desktop-width page (1366×900) with ``page.base_url`` set to the live server."""
    context = _browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def phone_page(_browser, live_server):
    """A fresh phone-width page (390×844, touch) with ``page.base_url`` set."""
    context = _browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN", device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


def browser_login(page, username, password=PASSWORD):
    """Log in through the real login form."""
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def screenshot_dir():
    """Where browser tests may save screenshots for review (``out/screenshots``; git-ignored)."""
    from pathlib import Path

    path = Path(__file__).parent / "out" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
