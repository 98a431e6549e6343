"""Browser: the co-signer picker finds a representative by pinyin initials (Tom Select + the JSON search),
and the proposal form lists similar proposals while the 案由 is typed."""

from pathlib import Path

import pytest

from conftest import browser_login
from congress.models import CoSignature
from members.tests.factories import MemberFactory

from .factories import RepresentativeFactory
from .helpers import drafted, submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/notes/shots/h/pickers")


@pytest.fixture
def many_reps(congress, sub_a, sub_b):
    """Thirty formal representatives, among them 欧阳振华 (initials ``oyzh``), found only by search."""
    seats = [RepresentativeFactory(congress=congress, member=MemberFactory(organization=sub_b)) for _ in range(30)]
    target = RepresentativeFactory(
        congress=congress, member=MemberFactory(organization=sub_a, name="欧阳振华", staff_no="T7788")
    )
    return seats, target


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=False)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_cosigner_found_by_pinyin_initials(
    width, browser_page, phone_page, representative, rep_seat, many_reps, session, category
):
    page = browser_page if width == "desktop" else phone_page
    proposal = drafted(representative, session, category=category)
    browser_login(page, "rep")
    page.goto(page.base_url + f"/congress/proposals/{proposal.pk}/")
    control = page.locator("#invite .ts-control input")
    control.scroll_into_view_if_needed()
    control.click()
    control.type("oyzh", delay=30)
    option = page.locator(".ts-dropdown .option", has_text="欧阳振华")
    option.wait_for()
    _shot(page, f"cosigner-picker-{width}.png")
    assert page.locator(".ts-dropdown .option").count() == 1
    option.click()
    page.click("#invite button[type=submit]")
    page.wait_for_selector("text=已邀请 1 位代表附议")
    _seats, target = many_reps
    assert CoSignature.objects.filter(proposal=proposal, representative=target).exists()


def test_similar_proposals_shown_while_typing(browser_page, representative, rep_seat, cosigners, session, category):
    submitted(representative, session, cosigners, category=category, title="关于增设教工停车位的建议")
    page = browser_page
    browser_login(page, "rep")
    page.goto(page.base_url + "/congress/proposals/new/")
    assert page.locator("#similar-live").is_hidden()
    page.locator("#id_title").type("关于增设教工停车", delay=20)
    page.wait_for_selector("#similar-live >> text=关于增设教工停车位的建议")
    _shot(page, "similar-while-typing-desktop.png")


def test_team_players_picker_by_staff_no(browser_page, chair, sub_a, school):
    """A plain member search endpoint serves the team-players picker (工号 prefix)."""
    from activities.tests.factories import ActivityFactory

    activity = ActivityFactory(organizer=school)
    MemberFactory(organization=sub_a, name="司马相如", staff_no="Q9001")
    page = browser_page
    browser_login(page, "chair")
    page.goto(page.base_url + f"/activities/{activity.pk}/teams/")
    control = page.locator("#id_players-ts-control")
    control.click()
    control.type("Q900", delay=30)
    page.locator(".ts-dropdown .option", has_text="司马相如").wait_for()
