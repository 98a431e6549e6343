"""Issue 15 in real Chromium: from an empty database through the first-run set-up to a built report.

Screenshots of every first-run page at desktop (1366 px) and phone (390 px) width go to
``/work/notes/shots/h-onboard/`` when that folder exists (else ``out/screenshots``). The wall time
from the superuser's first login to the downloaded PDF is printed.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from conftest import browser_login
from members.models import Member, Organization
from members.tests.onboarding import ledger_file, roster_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def eager_celery():
    from union_portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def shots(screenshot_dir):
    notes = Path("/work/notes/shots/h-onboard")
    return notes if notes.is_dir() else screenshot_dir


def _shoot(page, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(shots / f"{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def _submit(page, label: str) -> None:
    page.get_by_role("button", name=label).click()
    page.wait_for_load_state("networkidle")


def test_empty_install_to_first_report_in_the_browser(browser_page, shots, eager_celery):
    page = browser_page
    year = timezone.localdate().year - 1
    get_user_model().objects.create_superuser("root", password="Root-pass-2026")
    assert not Organization.objects.exists()
    started = time.monotonic()

    browser_login(page, "root", "Root-pass-2026")  # the home page sends the superuser to the set-up
    assert page.url.endswith("/setup/")
    _shoot(page, shots, "setup-1-school")
    page.fill("#id_name", "新苗中学工会")
    page.fill("#id_code", "NS01")
    _submit(page, "建立并继续")

    assert page.url.endswith("/setup/roster/")
    _shoot(page, shots, "setup-2-roster")
    page.set_input_files("#id_file", files=[{"name": "名册.xlsx", "mimeType": XLSX, "buffer": roster_file()}])
    _submit(page, "上传并预览")
    units = page.inner_text("#import-new-units")
    assert "语文分工会 / 初一小组" in units and "数学分工会 / 初一小组" in units and "校长室" in units
    _shoot(page, shots, "setup-3-preview")
    assert page.is_checked("#id_create_units")
    _submit(page, "确认导入")

    assert page.url.endswith("/setup/officers/") and Member.objects.count() == 5
    page.select_option("#id_chair", label="周一（N001）")
    page.select_option("#id_committee", label=["吴二（N002）", "王四（N004）"])
    page.get_by_label("语文分工会 主席").select_option(label="郑三（N003）")
    page.get_by_label("数学分工会 主席").select_option(label="冯五（N005）")
    _shoot(page, shots, "setup-5-officers")
    _submit(page, "任命并生成账号")

    table = page.locator("#setup-logins")
    assert table.locator("tbody tr").count() == 5
    row = table.locator("tr", has_text="N001")
    password = row.locator("code.otp").inner_text()
    _shoot(page, shots, "setup-6-logins")
    with page.expect_download() as info:
        page.click("#setup-logins-xlsx")
    assert open(info.value.path(), "rb").read(2) == b"PK"
    _submit(page, "完成")

    # the new chair: one-time password → must change it → imports the ledger → builds the year's report
    page.context.clear_cookies()
    browser_login(page, "n001", password)
    assert page.url.endswith("/accounts/password_change/")
    _shoot(page, shots, "first-login-password-change")
    page.fill("#id_old_password", password)
    page.fill("#id_new_password1", "Xin-mima-2026!")
    page.fill("#id_new_password2", "Xin-mima-2026!")
    _submit(page, "修改密码")
    page.goto(page.base_url + "/welfare/import/")
    page.set_input_files("#id_file", files=[{"name": "台账.xlsx", "mimeType": XLSX, "buffer": ledger_file(year)}])
    _submit(page, "上传并预览")
    _submit(page, "确认导入")
    page.goto(page.base_url + "/reports/")
    page.fill("#id_year", str(year))
    _submit(page, "按记录生成草稿")
    assert "/reports/" in page.url
    page.get_by_role("button", name="PDF").click()
    page.wait_for_selector("#export-download:not(.d-none)", timeout=60_000)
    with page.expect_download() as info:
        page.locator("#export-download").click()
    pdf = open(info.value.path(), "rb").read()
    elapsed = time.monotonic() - started
    assert pdf.startswith(b"%PDF")
    print(f"\nfirst-run set-up, empty database → first report PDF in the browser: {elapsed:.1f} s")
