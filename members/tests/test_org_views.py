"""组织管理 pages: chair-only, POST-only writes, errors re-shown with the input kept, changes made."""

from __future__ import annotations

import pytest
from django.urls import reverse

from members.models import AuditEntry, Department, Member, Organization, Role, RoleAssignment
from members.tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_org_page_shows_tree_to_chair(login, chair, school, sub_a, group_a):
    resp = login(chair).get(reverse("members:org"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert sub_a.name in html and group_a.name in html and reverse("members:org_unit", args=[group_a.pk]) in html
    assert reverse("members:org") in html  # the nav link


@pytest.mark.parametrize("name", ["org", "departments", "roles"])
def test_pages_refuse_non_chairs_and_anonymous(client, login, committee, sub_union_chair, member, name):
    url = reverse(f"members:{name}")
    assert client.get(url).status_code == 302
    for user in (committee, sub_union_chair, member):
        assert login(user).get(url).status_code == 403


@pytest.mark.parametrize("name", ["org_create", "org_rename", "org_move", "org_merge", "org_retire", "role_revoke"])
def test_writes_reject_get(login, chair, sub_a, name):
    args = [] if name == "org_create" else [sub_a.pk]
    assert login(chair).get(reverse(f"members:{name}", args=args)).status_code == 405


def test_unit_pages_hide_other_schools(login, outsider, sub_a):
    c = login(outsider)
    assert c.get(reverse("members:org_unit", args=[sub_a.pk])).status_code == 404
    assert c.post(reverse("members:org_rename", args=[sub_a.pk]), {"name": "x"}).status_code == 404


def test_create_valid_and_invalid(login, chair, school, sub_a):
    c = login(chair)
    resp = c.post(reverse("members:org_create"), {"kind": "group", "parent": sub_a.pk, "name": "第九小组"})
    assert resp.status_code == 302
    assert Organization.objects.get(name="第九小组").parent == sub_a
    resp = c.post(reverse("members:org_create"), {"kind": "sub_union", "parent": sub_a.pk, "name": "错层分工会"})
    assert resp.status_code == 400
    html = resp.content.decode()
    assert "错层分工会" in html and "不能设在" in html


def test_rename_move_merge_retire(login, chair, school, sub_a, sub_b, group_a):
    c = login(chair)
    assert c.post(reverse("members:org_rename", args=[group_a.pk]), {"name": "一组"}).status_code == 302
    assert c.post(reverse("members:org_move", args=[group_a.pk]), {"parent": sub_b.pk}).status_code == 302
    group_a.refresh_from_db()
    assert (group_a.name, group_a.parent, group_a.path) == ("一组", sub_b, "/SCH/SCH-B/SCH-A-G1/")
    person = MemberFactory(organization=group_a)
    other = OrganizationFactory(kind="group", parent=sub_b, code="SCH-B-G2", name="二组")
    resp = c.post(reverse("members:org_merge", args=[group_a.pk]), {"target": other.pk, "confirm": "on"})
    assert resp.status_code == 302
    assert Member.objects.get(pk=person.pk).organization == other
    # Retire refuses while active members remain: the error shows on the unit page.
    resp = c.post(reverse("members:org_retire", args=[other.pk]), {"confirm": "on"})
    assert resp.status_code == 400 and "在职教职工" in resp.content.decode()
    Member.objects.filter(organization=other).update(status="left")
    assert c.post(reverse("members:org_retire", args=[other.pk]), {"confirm": "on"}).status_code == 302
    assert Organization.objects.get(pk=other.pk).is_retired


def test_merge_without_confirm_keeps_choice(login, chair, sub_a, sub_b):
    resp = login(chair).post(reverse("members:org_merge", args=[sub_a.pk]), {"target": sub_b.pk})
    assert resp.status_code == 400
    assert f'value="{sub_b.pk}" selected' in resp.content.decode()
    assert not Organization.objects.get(pk=sub_a.pk).is_retired


def test_departments_add_edit_duplicate(login, chair, school, department):
    c = login(chair)
    assert c.post(reverse("members:departments"), {"name": "教务处", "code": "", "sort_order": 1}).status_code == 302
    dept = Department.objects.get(name="教务处")
    resp = c.post(reverse("members:departments"), {"id": dept.pk, "name": department.name, "code": "", "sort_order": 1})
    assert resp.status_code == 400 and "同名部门" in resp.content.decode()
    assert c.get(reverse("members:departments") + f"?edit={dept.pk}").status_code == 200


def test_roles_grant_and_revoke(login, chair, school, sub_a):
    c = login(chair)
    person = MemberFactory(organization=sub_a, staff_no="R1", name="孙八")
    data = {"staff_no": "R1", "role": Role.SUB_UNION_CHAIR, "organization": sub_a.pk, "department": ""}
    assert c.post(reverse("members:roles"), data).status_code == 302
    ra = RoleAssignment.objects.get(user__member=person)
    assert "孙八" in c.get(reverse("members:roles")).content.decode()
    assert c.post(reverse("members:role_revoke", args=[ra.pk])).status_code == 302
    assert not RoleAssignment.objects.filter(pk=ra.pk).exists()
    assert AuditEntry.objects.filter(action="delete", object_type="members.roleassignment").exists()


def test_roles_unknown_staff_no_keeps_input(login, chair):
    resp = login(chair).post(reverse("members:roles"), {"staff_no": "NOPE9", "role": "member"})
    assert resp.status_code == 400
    html = resp.content.decode()
    assert "NOPE9" in html and "本校没有工号" in html


def test_revoke_other_school_is_404(login, outsider, member):
    ra = RoleAssignment.objects.get(user=member)
    assert login(outsider).post(reverse("members:role_revoke", args=[ra.pk])).status_code == 404


def test_district_chair_does_not_run_a_schools_tree(login, db):
    """A district supervises its schools and does not run them (README, "What the district union sees"):
    its chair gets 403 on a school's 组织管理, while a school's own chair picks among the schools it chairs."""
    district = OrganizationFactory(kind="district", code="D1", name="区教育工会")
    s1 = OrganizationFactory(kind="school", parent=district, code="S1", name="一中工会")
    s2 = OrganizationFactory(kind="school", parent=district, code="S2", name="二中工会")
    from conftest import make_role_user

    boss = make_role_user("district", Role.CHAIR, district, s1)
    assert login(boss).get(reverse("members:org") + f"?school={s2.pk}").status_code == 403
    chair = make_role_user("s2chair", Role.CHAIR, s2, s2)
    resp = login(chair).get(reverse("members:org") + f"?school={s2.pk}")
    assert resp.status_code == 200 and "二中工会" in resp.content.decode()
