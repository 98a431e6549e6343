"""我的 in real Chromium at phone width: a member corrects their phone number and adds a child."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import browser_login
from members.models import FamilyMember
from welfare.tests.factories import WelfareVisitFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("device", ["browser_page", "phone_page"])
def test_member_corrects_phone_and_family_on_my_page(request, device, member, screenshot_dir):
    page = request.getfixturevalue(device)
    me = member.member
    WelfareVisitFactory(member=me, visited_on=dt.date(2024, 5, 10))
    browser_login(page, "member")
    page.goto(page.base_url + "/members/me/")
    page.fill("#id_phone", "13912345678")
    page.fill("#id_address", "幸福路 1 号")
    page.click("text=保存联系方式")
    page.wait_for_load_state("networkidle")
    assert "已保存" in page.content()
    page.click("text=添加直系亲属")
    page.select_option("#id_new-relation", "child")
    page.fill("#id_new-name", "小明")
    page.locator("#family button[type=submit]", has_text="添加").click()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshot_dir / f"members-me-{device}.png"), full_page=True)
    me.refresh_from_db()
    assert me.phone == "13912345678" and me.address == "幸福路 1 号"
    assert FamilyMember.objects.filter(member=me, name="小明").exists()
