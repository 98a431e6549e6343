"""Organisation, department and role services: each writes, audits, and rolls back on failure."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from members import services
from members.models import AuditEntry, Department, Member, MemberStatus, Organization, Role, RoleAssignment
from members.tests.factories import MemberFactory, OrganizationFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db


def _audits(obj) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)))


def test_create_sub_union_with_generated_code(chair, school):
    node = services.organization_create(
        acting_user=chair, school=school, parent=school, kind="sub_union", name=" 物理组分工会 "
    )
    assert (node.code, node.path, node.name) == ("SCH-1", "/SCH/SCH-1/", "物理组分工会")
    assert "新增分工会 物理组分工会" in _audits(node)[0].summary


def test_create_rejects_group_under_group_and_duplicate_name(chair, school, sub_a, group_a):
    with pytest.raises(ValidationError) as exc:
        services.organization_create(acting_user=chair, school=school, parent=group_a, kind="group", name="x")
    assert "parent" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.organization_create(acting_user=chair, school=school, parent=school, kind="sub_union", name=sub_a.name)
    assert "name" in exc.value.message_dict


def test_create_refuses_non_chair_and_other_school(committee, outsider, school):
    for user in (committee, outsider):
        with pytest.raises(PermissionDenied):
            services.organization_create(acting_user=user, school=school, parent=school, kind="sub_union", name="x")
    assert not Organization.objects.filter(name="x").exists()


def test_rename_audits_old_name(chair, school, sub_a):
    services.organization_rename(acting_user=chair, school=school, organization=sub_a, name="语文学科分工会")
    sub_a.refresh_from_db()
    assert sub_a.name == "语文学科分工会"
    assert "语文组分工会 → 语文学科分工会" in _audits(sub_a)[0].summary


def test_rename_outside_school_refused(chair, school, other_school):
    far = OrganizationFactory(kind="sub_union", parent=other_school, name="外校分工会")
    with pytest.raises(PermissionDenied):
        services.organization_rename(acting_user=chair, school=school, organization=far, name="x")


def test_move_rewrites_subtree_paths_and_scoping(chair, school, sub_a, sub_b, group_a):
    deep = MemberFactory(organization=group_a)
    services.organization_move(acting_user=chair, school=school, organization=group_a, parent=sub_b)
    group_a.refresh_from_db()
    assert group_a.parent == sub_b and group_a.path == "/SCH/SCH-B/SCH-A-G1/"
    assert Member.objects.within(sub_b).filter(pk=deep.pk).exists()
    assert not Member.objects.within(sub_a).filter(pk=deep.pk).exists()
    assert "从 语文组分工会 移到 数学组分工会" in _audits(group_a)[0].summary


def test_move_sub_union_with_groups_moves_them_too(chair, school, sub_a, group_a):
    group_b = OrganizationFactory(kind="group", parent=sub_a, code="SCH-A-G2", name="第二小组")
    new_sub = OrganizationFactory(kind="sub_union", parent=school, code="SCH-N", name="新分工会")
    # A group may go under a sub-union; moving a whole sub-union under another is refused.
    with pytest.raises(ValidationError):
        services.organization_move(acting_user=chair, school=school, organization=sub_a, parent=new_sub)
    services.organization_move(acting_user=chair, school=school, organization=group_b, parent=new_sub)
    assert Organization.objects.get(pk=group_b.pk).path == "/SCH/SCH-N/SCH-A-G2/"
    assert Organization.objects.get(pk=group_a.pk).path == "/SCH/SCH-A/SCH-A-G1/"


def test_move_into_own_subtree_rolls_back(chair, school, sub_a, group_a):
    with pytest.raises(ValidationError):
        services.organization_move(acting_user=chair, school=school, organization=sub_a, parent=group_a)
    sub_a.refresh_from_db()
    assert sub_a.path == "/SCH/SCH-A/" and not _audits(sub_a)


def test_merge_moves_members_roles_children_and_retires(chair, school, sub_a, sub_b, group_a, sub_union_chair):
    people = [MemberFactory(organization=sub_a) for _ in range(3)]
    RoleAssignmentFactory(user=sub_union_chair, role=Role.SUB_UNION_CHAIR, organization=sub_b)  # held at both
    moved = services.organization_merge(acting_user=chair, school=school, organization=sub_a, target=sub_b)
    assert all(Member.objects.get(pk=p.pk).organization == sub_b for p in people)
    assert RoleAssignment.objects.filter(user=sub_union_chair, organization=sub_b).count() == 1
    assert not RoleAssignment.objects.filter(organization=sub_a).exists()
    assert Organization.objects.get(pk=group_a.pk).parent == sub_b
    sub_a.refresh_from_db()
    assert sub_a.is_retired and moved["members.Member"] >= 3
    assert "并入 数学组分工会" in _audits(sub_a)[0].summary


def test_merge_conflict_rolls_back(chair, school, sub_a, sub_b):
    from activities.models import SubUnionFund

    SubUnionFund.objects.create(organization=sub_a, year=2025, allocation=100)
    SubUnionFund.objects.create(organization=sub_b, year=2025, allocation=200)
    person = MemberFactory(organization=sub_a)
    with pytest.raises(ValidationError):
        services.organization_merge(acting_user=chair, school=school, organization=sub_a, target=sub_b)
    assert Member.objects.get(pk=person.pk).organization == sub_a
    sub_a.refresh_from_db()
    assert not sub_a.is_retired and not _audits(sub_a)


def test_merge_sub_union_into_group_refused(chair, school, sub_a, sub_b):
    group = OrganizationFactory(kind="group", parent=sub_b, code="SCH-B-G1", name="小组")
    with pytest.raises(ValidationError):
        services.organization_merge(acting_user=chair, school=school, organization=sub_a, target=group)


def test_retire_refuses_while_active_members_then_retires_subtree(chair, school, sub_a, group_a):
    Member.objects.filter(organization=sub_a).update(status=MemberStatus.RETIRED)  # the chair's own record
    person = MemberFactory(organization=group_a)
    with pytest.raises(ValidationError):
        services.organization_retire(acting_user=chair, school=school, organization=sub_a)
    assert not Organization.objects.filter(retired_on__isnull=False).exists()
    person.status = MemberStatus.RETIRED
    person.save()
    assert services.organization_retire(acting_user=chair, school=school, organization=sub_a) == 2
    assert Organization.objects.get(pk=group_a.pk).is_retired
    assert "撤销分工会 语文组分工会" in _audits(sub_a)[0].summary


def test_department_save_create_update_and_duplicate(chair, school, department):
    dept = services.department_save(acting_user=chair, school=school, name="教务处")
    assert Department.objects.filter(school=school, name="教务处").exists()
    services.department_save(acting_user=chair, school=school, department=dept, name="教学处", sort_order=2)
    dept.refresh_from_db()
    assert dept.name == "教学处" and "教务处 → 教学处" in _audits(dept)[0].summary
    with pytest.raises(ValidationError):
        services.department_save(acting_user=chair, school=school, department=dept, name=department.name)
    dept.refresh_from_db()
    assert dept.name == "教学处"


def test_department_save_refuses_outsider(outsider, school):
    with pytest.raises(PermissionDenied):
        services.department_save(acting_user=outsider, school=school, name="外来处")


def test_role_grant_creates_login_and_audits(chair, school, sub_a):
    person = MemberFactory(organization=sub_a, staff_no="T100", name="钱七")
    ra = services.role_grant(
        acting_user=chair, school=school, member=person, role=Role.SUB_UNION_CHAIR, organization=sub_a
    )
    person.refresh_from_db()
    assert person.user.username == "sch-t100" and not person.user.has_usable_password()
    assert ra.user == person.user and "授予 钱七" in _audits(ra)[0].summary


def test_role_grant_checks_node_department_and_duplicates(chair, school, sub_a, member, department):
    me = Member.objects.get(user=member)
    with pytest.raises(ValidationError) as exc:
        services.role_grant(acting_user=chair, school=school, member=me, role=Role.SUB_UNION_CHAIR, organization=school)
    assert "organization" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.role_grant(acting_user=chair, school=school, member=me, role=Role.HANDLER, organization=school)
    assert "department" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.role_grant(acting_user=chair, school=school, member=me, role=Role.MEMBER, organization=sub_a)
    assert "role" in exc.value.message_dict
    assert RoleAssignment.objects.filter(user=member).count() == 1


def test_role_grant_refuses_other_school_member(chair, school, other_school):
    far = MemberFactory(organization=other_school)
    with pytest.raises(PermissionDenied):
        services.role_grant(acting_user=chair, school=school, member=far, role=Role.MEMBER, organization=school)


def test_role_revoke_audits_and_keeps_own_last_chair(chair, school, member):
    ra = RoleAssignment.objects.get(user=member)
    pk = ra.pk
    services.role_revoke(acting_user=chair, school=school, assignment=ra)
    assert not RoleAssignment.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(action="delete", object_id=str(pk)).exists()
    own = RoleAssignment.objects.get(user=chair, role=Role.CHAIR)
    with pytest.raises(ValidationError):
        services.role_revoke(acting_user=chair, school=school, assignment=own)
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_retired_units_take_no_new_roster_rows(chair, school, sub_a):
    Member.objects.filter(organization=sub_a).update(status=MemberStatus.LEFT)
    services.organization_retire(acting_user=chair, school=school, organization=sub_a)
    subs, _groups = services._org_lookup(school)
    assert sub_a.name not in subs
