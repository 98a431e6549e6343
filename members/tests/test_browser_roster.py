"""Browser journey in real Chromium: messy roster → row errors → fixed file → import → pinyin search."""

import pytest

from conftest import browser_login
from members.models import Member
from members.tests.rosters import messy_roster

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chair_imports_a_messy_roster_and_finds_a_member_by_initials(
    browser_page, chair, sub_a, sub_b, tmp_path, screenshot_dir
):
    page = browser_page
    bad, good = tmp_path / "名册-有错.xlsx", tmp_path / "名册.xlsx"
    bad.write_bytes(messy_roster(bad=True))
    good.write_bytes(messy_roster(bad=False))

    browser_login(page, "chair")
    page.click("text=会员名册")
    page.click("text=导入名册")
    page.set_input_files("input[type=file]", str(bad))
    page.click("text=上传并预览")
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 4
    assert "身份证号校验位不正确" in page.inner_text("#import-errors")
    page.screenshot(path=str(screenshot_dir / "roster-preview-errors.png"), full_page=True)
    assert Member.objects.filter(staff_no__startswith="T").count() == 0

    page.click("text=重新上传")
    page.set_input_files("input[type=file]", str(good))
    page.click("text=上传并预览")
    assert "将新增 8 人" in page.inner_text("#import-ready")
    page.click("text=确认导入")
    assert "导入完成：新增 8 人" in page.inner_text(".alert-success")

    page.fill("#q", "wj")
    page.click("button:has-text('查询')")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and "吴九" in rows.first.inner_text()
    page.screenshot(path=str(screenshot_dir / "member-list-search.png"), full_page=True)
