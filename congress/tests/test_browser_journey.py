"""Browser journey in Chromium: draft → two co-signers confirm → accepted and assigned → reply → 基本满意 → 办结."""

import pytest

from conftest import browser_login
from congress.models import Proposal, ProposalStatus, Rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_user(page, username):
    page.context.clear_cookies()
    browser_login(page, username)


def test_proposal_from_draft_to_closed(
    browser_page, phone_page, representative, rep_seat, cosigners, proposal_committee, handler, department, member,
    session, category, screenshot_dir,
):  # fmt: skip
    page = browser_page
    as_user(page, "rep")
    page.goto(page.base_url + "/congress/proposals/new/")
    page.fill("#id_title", "关于增设教工停车位的建议")
    page.select_option("#id_category", str(category.pk))
    page.fill("#id_reasons", "校内车位严重不足，早高峰车辆占用消防通道。")
    page.fill("#id_measures", "利用操场东侧闲置场地改建停车场。")
    page.click("#save-proposal")
    page.wait_for_selector("text=提案草稿已保存")
    pk = Proposal.objects.get(title="关于增设教工停车位的建议").pk
    page.select_option("#id_representatives", [str(seat.pk) for _u, seat in cosigners])
    page.click("#invite button[type=submit]")
    page.wait_for_selector("text=已邀请 2 位代表附议")
    page.click("#submit-proposal")
    page.wait_for_selector("text=正在等待附议人确认")

    for username in ("cosign1", "cosign2"):
        as_user(page, username)
        page.goto(page.base_url + f"/congress/proposals/{pk}/")
        page.click("#confirm-cosign")
        page.wait_for_selector("text=已确认附议")
    assert Proposal.objects.get(pk=pk).status == ProposalStatus.SUBMITTED

    as_user(page, "proposals")
    page.goto(page.base_url + f"/congress/proposals/{pk}/")
    page.check("input[name=decision][value=accept]")
    page.click("#review button[type=submit]")
    page.wait_for_selector("text=已立案。")
    page.select_option("#id_lead_department", str(department.pk))
    page.click("#assign button[type=submit]")
    page.wait_for_selector("text=已交办。")

    as_user(page, "handler")
    page.goto(page.base_url + "/congress/proposals/?view=department")
    page.click("text=关于增设教工停车位的建议")
    page.fill("#id_text", "已在操场东侧规划临时停车位 40 个，暑期完工。")
    page.click("#reply button[type=submit]")
    page.wait_for_selector("text=答复已提交")

    as_user(page, "rep")
    page.goto(page.base_url + f"/congress/proposals/{pk}/")
    page.check("input[name=rating][value=basic]")
    page.click("#rate button[type=submit]")
    page.wait_for_selector("text=感谢您的评价")
    page.screenshot(path=str(screenshot_dir / "congress-proposal-closed.png"), full_page=True)

    p = Proposal.objects.get(pk=pk)
    assert p.status == ProposalStatus.CLOSED and p.rating == Rating.BASIC and p.number

    as_user(page, "member")
    page.goto(page.base_url + "/congress/proposals/")
    row = page.locator("tr", has_text="关于增设教工停车位的建议")
    assert p.number in row.inner_text() and "办结" in row.inner_text()

    phone_page.context.add_cookies(page.context.cookies())
    phone_page.goto(phone_page.base_url + "/congress/proposals/")
    assert phone_page.locator("td[data-label=状态]", has_text="办结").first.is_visible()
    phone_page.screenshot(path=str(screenshot_dir / "congress-public-list-phone.png"), full_page=True)
