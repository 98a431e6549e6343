import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.models import AuditEntry, Member
from members.tests.factories import MemberFactory
from members.tests.rosters import valid_id


def test_anonymous_is_sent_to_login(client, school):
    response = client.get(reverse("members:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_member_list_search_by_pinyin_initials_and_staff_no(login, chair, sub_a):
    MemberFactory(organization=sub_a, name="张三丰", staff_no="A001")
    MemberFactory(organization=sub_a, name="李四光", staff_no="A002")
    client = login(chair)
    body = client.get(reverse("members:list"), {"q": "zsf"}).content.decode()
    assert "张三丰" in body and "李四光" not in body
    body = client.get(reverse("members:list"), {"q": "A002"}).content.decode()
    assert "李四光" in body and "张三丰" not in body
    body = client.get(reverse("members:list"), {"q": "lisi"}).content.decode()
    assert "李四光" in body


def test_member_list_filters_by_sub_union(login, chair, sub_a, sub_b):
    MemberFactory(organization=sub_a, name="甲老师")
    MemberFactory(organization=sub_b, name="乙老师")
    body = login(chair).get(reverse("members:list"), {"sub_union": sub_b.pk}).content.decode()
    assert "乙老师" in body and "甲老师" not in body


def test_sub_union_chair_list_excludes_other_sub_unions(login, sub_union_chair, sub_a, sub_b):
    MemberFactory(organization=sub_b, name="乙老师")
    body = login(sub_union_chair).get(reverse("members:list")).content.decode()
    assert "乙老师" not in body


def test_plain_member_is_sent_to_own_page(login, member):
    response = login(member).get(reverse("members:list"))
    assert response.status_code == 302 and response["Location"] == reverse("members:detail", args=[member.member.pk])


def _fill(sub, n):
    Member.objects.bulk_create(
        [
            Member(
                school=sub.parent,
                organization=sub,
                name=f"教师{i}",
                name_pinyin="jiaoshi",
                name_initials="js",
                staff_no=f"B{i:05d}",
            )
            for i in range(n)
        ]
    )


@pytest.mark.parametrize("rows", [60, 600])
def test_member_list_query_budget_holds_at_10x_rows(login, chair, sub_a, django_assert_max_num_queries, rows):
    _fill(sub_a, rows)
    client = login(chair)
    # Budget 11, the same at 60 and 600 rows: session, user, roles, own member record (the list
    # includes oneself), count, sub-union choices, department choices, one page of rows, and the
    # idle-timeout session save (UPDATE wrapped in SAVEPOINT/RELEASE inside the test transaction).
    with django_assert_max_num_queries(11):
        response = client.get(reverse("members:list"), {"page": 2})
    assert response.status_code == 200


def test_detail_masks_id_number_for_committee_and_shows_it_to_chair(login, chair, committee, sub_a):
    person = MemberFactory(organization=sub_a, id_number=valid_id("19850307", "131"))
    body = login(committee).get(reverse("members:detail", args=[person.pk])).content.decode()
    assert person.masked_id_number in body and person.id_number not in body
    assert not AuditEntry.objects.filter(action="read_sensitive").exists()
    body = login(chair).get(reverse("members:detail", args=[person.pk])).content.decode()
    assert person.id_number in body
    entry = AuditEntry.objects.get(action="read_sensitive")
    assert entry.username == "chair" and entry.object_id == str(person.pk) and entry.ip_address == "127.0.0.1"


def test_outsider_gets_404_on_member_page(login, outsider, sub_a):
    person = MemberFactory(organization=sub_a)
    assert login(outsider).get(reverse("members:detail", args=[person.pk])).status_code == 404


def test_edit_rejects_get_by_member_and_keeps_typed_values_on_error(login, chair, member, sub_a):
    person = MemberFactory(organization=sub_a, staff_no="E1")
    MemberFactory(organization=sub_a, staff_no="E2")
    assert login(member).get(reverse("members:edit", args=[person.pk])).status_code == 404
    client = login(chair)
    response = client.post(
        reverse("members:edit", args=[person.pk]),
        {
            "name": "改过的名字",
            "staff_no": "E2",
            "organization": sub_a.pk,
            "employment_type": "established",
            "status": "active",
            "phone": "13912345678",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "工号 E2 已被" in body and "改过的名字" in body and "13912345678" in body
    person.refresh_from_db()
    assert person.name != "改过的名字"


def test_create_member_writes_and_audits(login, chair, sub_a):
    response = login(chair).post(
        reverse("members:create"),
        {
            "name": "新 同事",
            "staff_no": "N1",
            "organization": sub_a.pk,
            "employment_type": "contract",
            "status": "active",
            "id_number": valid_id("19900101", "122"),
            "is_union_member": "on",
        },
    )
    person = Member.objects.get(staff_no="N1")
    assert response.status_code == 302
    assert person.gender == "female" and person.birth_date.year == 1990 and person.school == sub_a.parent
    assert AuditEntry.objects.filter(action="create", object_id=str(person.pk)).exists()


def test_family_add_is_post_only(login, chair, sub_a):
    person = MemberFactory(organization=sub_a)
    client = login(chair)
    assert client.get(reverse("members:family_add", args=[person.pk])).status_code == 405
    client.post(reverse("members:family_add", args=[person.pk]), {"relation": "child", "name": "小明"})
    assert person.family.get().name == "小明"


def test_export_masks_ids_for_committee_escapes_formulas_and_audits(login, committee, sub_a):
    MemberFactory(organization=sub_a, name="=HYPERLINK(1)", id_number=valid_id("19850307", "131"))
    response = login(committee).get(reverse("members:export"))
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in ws.iter_rows(min_row=2) for c in row]
    assert "'=HYPERLINK(1)" in values
    assert valid_id("19850307", "131") not in values
    assert AuditEntry.objects.filter(action="export", username="committee").exists()


def test_audit_list_is_chair_only(login, chair, committee):
    assert login(committee).get(reverse("members:audit")).status_code == 403
    assert login(chair).get(reverse("members:audit")).status_code == 200


def test_audit_entries_cannot_be_changed(db, chair):
    from django.core.exceptions import PermissionDenied

    entry = AuditEntry.objects.create(action="login", username="x")
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.update(username="y")


def test_failed_login_is_audited(client, chair):
    client.post(reverse("login"), {"username": "chair", "password": "wrong"})
    assert AuditEntry.objects.filter(action="login_failed", username="chair").exists()


def test_whoami_names_the_user_and_roles(login, chair, client):
    assert client.get(reverse("whoami")).status_code == 302
    data = login(chair).get(reverse("whoami")).json()
    assert data == {"username": "chair", "roles": [{"role": "chair", "organization": "SCH"}]}
