"""Browser journey: the committee edits the demo school's report of its last full year and downloads the PDF."""

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from conftest import browser_login
from scripts.demo.members import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_committee_edits_shortcomings_exports_pdf_and_downloads(browser_page, screenshot_dir, eager_celery):
    (ctx,) = load_demo(scale=1, today=dt.date(2026, 11, 28))
    from welfare.models import WelfareVisit

    visits = WelfareVisit.objects.filter(
        member__organization__path__startswith=ctx.school.path,
        visited_on__range=(dt.date(ctx.year, 1, 1), dt.date(ctx.year, 12, 31)),
    ).count()
    page = browser_page
    browser_login(page, "committee", DEMO_PASSWORD)
    page.goto(page.base_url + "/reports/")
    page.get_by_role("link", name="凝心聚力 助推学校高质量发展").first.click()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshot_dir / "reports-detail-1366.png"), full_page=True)

    page.get_by_role("link", name="修改存在的不足").click()
    edited = "一是对青年教师的关心还不够细致，下一步将建立青年教职工谈心制度。"
    page.locator(".figure-editor").first.fill(edited)  # the editor shows figures as chips over the textarea
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert edited in page.content()

    page.get_by_role("button", name="PDF").click()
    page.wait_for_selector("#export-bar")
    page.wait_for_selector("#export-download:not(.d-none)", timeout=60_000)
    assert page.locator("#export-bar").inner_text().strip() == "100%"
    page.screenshot(path=str(screenshot_dir / "reports-export-1366.png"))
    with page.expect_download() as info:
        page.locator("#export-download").click()
    data = open(info.value.path(), "rb").read()
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    assert re.sub(r"\s+", "", edited) in text
    assert f"走访慰问教职工及直系亲属{visits}人次" in text
