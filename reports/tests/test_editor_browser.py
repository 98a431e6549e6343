"""Browser journey: the chair inserts a figure from the picker, sees its value in the preview, saves,
and finds the number in the exported PDF. Screenshots of the editor at 1366 and 390 px."""

import datetime as dt
import io
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from conftest import browser_login
from scripts.demo.members import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEY = "welfare.visits.count"


def _shots(default: Path) -> Path:
    path = Path(os.environ.get("EDITOR_SHOTS_DIR") or default)
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_chair_inserts_a_figure_from_the_picker_and_finds_it_in_the_pdf(
    browser_page, phone_page, screenshot_dir, eager_celery
):
    load_demo(scale=1, today=dt.date(2026, 11, 28))
    from reports import figures as F
    from reports.models import AnnualReport

    shots = _shots(screenshot_dir)
    page = browser_page
    browser_login(page, "chair", DEMO_PASSWORD)
    page.goto(page.base_url + "/reports/")
    page.get_by_role("link", name="凝心聚力 助推学校高质量发展").first.click()
    page.wait_for_load_state("networkidle")
    report = AnnualReport.objects.get(pk=int(re.search(r"/reports/(\d+)/", page.url).group(1)))
    value = F.format_value(KEY, F.lookup(report.figures["current"], KEY))
    assert value not in ("", "0人次")

    page.get_by_role("link", name="修改存在的不足").click()
    page.wait_for_load_state("networkidle")
    assert "{" not in page.locator(".figure-editor").first.inner_text()  # no codes on screen
    box = page.locator(".figure-editor[data-for=id_add_text]")
    typed = "一是青年教师的走访慰问合计"
    box.click()
    box.press_sequentially(typed)
    box.press("End")
    page.locator("[data-picker-for=id_add_text]").click()
    picker = page.locator("#figure-picker")
    expect(picker).to_be_visible()
    page.fill("#figure-picker-search", "走访慰问")
    item = picker.locator(f"[data-key='{KEY}']")
    expect(item).to_contain_text(value)
    page.screenshot(path=str(shots / "editor-picker-1366.png"))
    item.click()
    expect(picker).to_be_hidden()
    chip = box.locator(f".fig-chip[data-key='{KEY}']")
    expect(chip).to_contain_text(value)
    box.press_sequentially("，还要更细致。")
    preview = page.locator("#preview-new")
    expect(preview).to_contain_text(f"{typed}{value}，还要更细致。")
    expect(preview.locator("span.fig")).to_have_text(value)
    assert page.locator("#id_add_text").input_value() == f"{typed}{{{KEY}}}，还要更细致。"
    page.screenshot(path=str(shots / "editor-1366.png"), full_page=True)

    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert f"{typed}{value}" in re.sub(r"\s+", "", page.locator(".report-paper").inner_text())

    page.get_by_role("button", name="PDF").click()
    page.wait_for_selector("#export-download:not(.d-none)", timeout=60_000)
    with page.expect_download() as info:
        page.locator("#export-download").click()
    data = Path(info.value.path()).read_bytes()
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    assert f"{typed}{value}，还要更细致。" in text

    # "改为手写": the generated sentence, figures as chips, round-trips to the same stored text.
    section = report.sections.get(kind="welfare")
    page.goto(f"{page.base_url}/reports/sections/{section.pk}/")
    button = page.locator("[data-handwrite]").first
    textarea_id = button.get_attribute("data-handwrite")
    generated = page.locator(f"#{textarea_id}").get_attribute("data-generated")
    button.click()
    editor_box = page.locator(f".figure-editor[data-for='{textarea_id}']")
    expect(editor_box).to_be_visible()
    assert editor_box.locator(".fig-chip").count() >= 1 and "{" not in editor_box.inner_text()
    assert page.locator(f"#{textarea_id}").input_value() == generated.strip()

    phone = phone_page
    browser_login(phone, "chair", DEMO_PASSWORD)
    section = report.sections.get(kind="welfare")
    phone.goto(f"{phone.base_url}/reports/sections/{section.pk}/")
    phone.wait_for_load_state("networkidle")
    phone.screenshot(path=str(shots / "editor-390.png"), full_page=True)
    phone.locator("[data-picker-for]").first.click()
    expect(phone.locator("#figure-picker")).to_be_visible()
    phone.screenshot(path=str(shots / "editor-picker-390.png"))
