"""Phone-width journey in Chromium: the last place, the waitlist, a cancellation, the promotion."""

import pytest

from activities.models import Registration
from conftest import browser_login, make_role_user
from members.models import Role
from members.tests.factories import MemberFactory

from .factories import ActivityFactory, RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, username):
    page.context.clear_cookies()
    browser_login(page, username)


def test_member_takes_last_place_second_waits_and_is_promoted(phone_page, member, school, sub_a, screenshot_dir):
    page = phone_page
    second = make_role_user("second", Role.MEMBER, sub_a, sub_a)
    activity = ActivityFactory(organizer=school, title="教职工羽毛球混合双打比赛", capacity=2, place="体育馆")
    RegistrationFactory(activity=activity, member=MemberFactory(organization=sub_a))
    url = f"{page.base_url}/activities/{activity.pk}/"

    _as(page, "member")
    page.goto(url)
    assert page.locator("#places-left").inner_text() == "1"
    page.click("#register-self")
    page.wait_for_load_state("networkidle")
    assert "报名成功" in page.inner_text(".alert")
    assert "名额已满" in page.inner_text("#places-left")
    page.screenshot(path=str(screenshot_dir / "activities-phone-registered.png"), full_page=True)

    _as(page, "second")
    page.goto(url)
    assert page.inner_text("#register-self") == "加入候补"
    page.click("#register-self")
    page.wait_for_load_state("networkidle")
    assert "候补名单" in page.inner_text(".alert")
    assert "第 1 位" in page.inner_text("[data-registration=waitlisted]")
    page.screenshot(path=str(screenshot_dir / "activities-phone-waitlisted.png"), full_page=True)

    _as(page, "member")
    page.goto(url)
    page.click("[data-registration=registered] button:has-text('取消报名')")
    page.wait_for_load_state("networkidle")
    assert "second本人" in page.inner_text(".alert") and "递补" in page.inner_text(".alert")

    _as(page, "second")
    page.goto(url)
    mine = page.inner_text("[data-registration=registered]")
    assert "已报名" in mine and "递补" in mine
    page.screenshot(path=str(screenshot_dir / "activities-phone-promoted.png"), full_page=True)
    assert Registration.objects.get(member__user=second).status == Registration.Status.REGISTERED
