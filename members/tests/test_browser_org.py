"""Browser journey in real Chromium: the chair adds a sub-union, moves a group under it, and grants a
colleague the sub-union chair role there; screenshots of the org page at 1366 and 390 px."""

import os
from pathlib import Path

import pytest

from conftest import browser_login
from members.models import Organization, Role, RoleAssignment
from members.tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("ORG_SHOTS_DIR", "")) if os.environ.get("ORG_SHOTS_DIR") else None


def _shot(page, screenshot_dir, name):
    page.screenshot(path=str(screenshot_dir / name), full_page=True)
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / name), full_page=True)


@pytest.mark.parametrize("device", ["browser_page", "phone_page"])
def test_chair_adds_sub_union_moves_group_and_grants_chair_role(
    request, device, chair, school, sub_a, group_a, screenshot_dir
):
    page = request.getfixturevalue(device)
    colleague = MemberFactory(organization=sub_a, name="周新主", staff_no="N0001")
    browser_login(page, "chair")
    page.goto(page.base_url + "/members/org/")
    page.wait_for_selector("#org-tree")
    # 1. Add a sub-union.
    page.select_option("#id_kind", "sub_union")
    page.select_option("#id_parent", str(school.pk))
    page.fill("#id_name", "艺体组分工会")
    page.click("#org-create button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert "艺体组分工会" in page.inner_text("#org-tree")
    new = Organization.objects.get(name="艺体组分工会")
    # 2. Move the group under it.
    page.locator(f"#org-tree tr[data-code='{group_a.code}'] a").click()
    page.wait_for_selector("#org-move")
    page.select_option("#org-move select", str(new.pk))
    page.click("#org-move button[type=submit]")
    page.wait_for_selector(".alert-success")
    group_a.refresh_from_db()
    assert group_a.parent == new and group_a.path.startswith(new.path)
    _shot(page, screenshot_dir, f"org-{device}.png")
    # 3. Grant the sub-union chair role there.
    page.goto(page.base_url + "/members/roles/")
    page.fill("#id_staff_no", "N0001")
    page.select_option("#id_role", Role.SUB_UNION_CHAIR)
    page.select_option("#id_organization", str(new.pk))
    page.click("#role-grant button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert "周新主" in page.inner_text("#role-list")
    colleague.refresh_from_db()
    assert RoleAssignment.objects.filter(user=colleague.user, role=Role.SUB_UNION_CHAIR, organization=new).exists()
    _shot(page, screenshot_dir, f"roles-{device}.png")
