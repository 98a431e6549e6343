"""Browser journey in real Chromium: dashboard → pending hospitalisation → 500 元 and a gift → ledger total."""

import datetime as dt

import pytest

from conftest import browser_login
from members.tests.factories import MemberFactory
from welfare.tests.factories import PendingVisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", ["browser_page", "phone_page"])
def test_chair_takes_a_pending_hospitalisation_visit_and_sees_it_in_the_ledger(
    request, device, chair, sub_a, screenshot_dir
):
    page = request.getfixturevalue(device)
    patient = MemberFactory(organization=sub_a, name="林住院", staff_no="H0001")
    PendingVisitFactory(member=patient, event_date=dt.date.today() - dt.timedelta(days=9))
    browser_login(page, "chair")
    panel = page.locator("#welfare-panel")
    assert "林住院" in panel.inner_text() and "已逾期" in panel.inner_text()
    page.screenshot(path=str(screenshot_dir / f"welfare-dashboard-{device}.png"), full_page=True)
    panel.locator("text=去慰问").first.click()
    page.wait_for_selector("#visit-form")
    assert page.input_value("#id_member_ref") == "H0001 林住院"
    page.fill("#id_cash_amount", "500")
    page.fill("#id_gift_description", "水果篮、牛奶")
    page.fill("#id_gift_value", "120")
    page.screenshot(path=str(screenshot_dir / f"welfare-visit-form-{device}.png"), full_page=True)
    page.click("button:has-text('保存慰问记录')")
    page.wait_for_selector("#ledger-table")
    assert "已登记慰问：林住院" in page.inner_text(".alert-success")
    assert page.inner_text("#total-count") == "1" and page.inner_text("#total-cash") == "500.00"
    assert "620.00" in page.inner_text("#total-yuan")
    page.screenshot(path=str(screenshot_dir / f"welfare-ledger-{device}.png"), full_page=True)
    page.goto(page.base_url + "/")
    assert "没有待慰问事项" in page.inner_text("#welfare-panel")
