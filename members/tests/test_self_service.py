"""我的: a member corrects their contact details and family (audited field by field) and sees their records;
the chair's 修改记录 panel (django-simple-history) with sensitive values masked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from activities.models import Honor
from members.models import AuditEntry, FamilyMember, Member
from members.services import member_save
from members.tests.factories import FamilyMemberFactory, MemberFactory
from welfare.tests.factories import WelfareVisitFactory

ME = reverse("members:me")


def test_member_sees_their_own_page_with_welfare_and_honour_records(login, member):
    me = member.member
    WelfareVisitFactory(member=me, visited_on=dt.date(2024, 5, 1))
    Honor.objects.create(member=me, organization=me.school, title="教学标兵", level="school", grantor="本校", awarded_on=dt.date(2024, 4, 1))
    page = login(member).get(ME)
    body = page.content.decode()
    assert page.status_code == 200
    assert "联系方式" in body and "慰问" in body and "教学标兵" in body


def test_member_corrects_phone_email_and_address_audited_field_by_field(login, member):
    me = member.member
    me.phone = "13800000000"
    me.save(update_fields=["phone"])
    answer = login(member).post(ME, {"phone": "13900000000", "email": "me@example.cn", "address": "  幸福路 1 号 "})
    assert answer.status_code == 302
    me.refresh_from_db()
    member.refresh_from_db()
    assert (me.phone, me.address, member.email) == ("13900000000", "幸福路 1 号", "me@example.cn")
    entry = AuditEntry.objects.filter(object_type="members.member", object_id=str(me.pk)).latest("at")
    assert "手机：13800000000 → 13900000000" in entry.summary
    assert "住址：（空） → 幸福路 1 号" in entry.summary
    assert "电子邮箱：（空） → me@example.cn" in entry.summary
    assert entry.user == member


def test_bad_phone_keeps_the_input_and_says_why(login, member):
    answer = login(member).post(ME, {"phone": "abc", "email": "not-mail", "address": "幸福路"})
    body = answer.content.decode()
    assert answer.status_code == 200
    assert "请填写正确的电话号码" in body and 'value="幸福路"' in body
    assert not Member.objects.filter(address="幸福路").exists()


def test_id_and_bank_numbers_are_not_self_service(login, member):
    me = member.member
    login(member).post(ME, {"phone": "", "email": "", "address": "", "id_number": "110101199003074514",
                            "bank_account": "6222"})
    me.refresh_from_db()
    assert me.id_number != "110101199003074514" and me.bank_account != "6222"


def test_member_adds_edits_and_removes_a_family_member(login, member):
    client, me = login(member), member.member
    client.post(reverse("members:me_family_add"), {"new-relation": "child", "new-name": "小明", "new-gender": "male"})
    relative = FamilyMember.objects.get(member=me)
    client.post(reverse("members:me_family_edit", args=[relative.pk]),
                {f"f{relative.pk}-relation": "child", f"f{relative.pk}-name": "小明明", f"f{relative.pk}-gender": "male"})
    relative.refresh_from_db()
    assert relative.name == "小明明"
    assert AuditEntry.objects.filter(summary__contains="姓名：小明 → 小明明").exists()
    client.post(reverse("members:me_family_remove", args=[relative.pk]))
    assert not FamilyMember.objects.filter(member=me).exists()
    assert AuditEntry.objects.filter(action="delete", summary__contains="小明明").exists()


def test_a_relative_named_by_a_visit_is_not_removed(login, member):
    me = member.member
    relative = FamilyMemberFactory(member=me)
    WelfareVisitFactory(member=me, family_member=relative)
    answer = login(member).post(reverse("members:me_family_remove", args=[relative.pk]), follow=True)
    assert "不能删除" in answer.content.decode()
    assert FamilyMember.objects.filter(pk=relative.pk).exists()


def test_nobody_edits_someone_elses_family(login, member, sub_a):
    other = FamilyMemberFactory(member=MemberFactory(organization=sub_a))
    client = login(member)
    assert client.post(reverse("members:me_family_edit", args=[other.pk]), {}).status_code == 404
    assert client.post(reverse("members:me_family_remove", args=[other.pk])).status_code == 404
    assert FamilyMember.objects.filter(pk=other.pk).exists()


def test_a_login_without_member_record_gets_an_explanation(client, db, django_user_model):
    user = django_user_model.objects.create_user("district", password="Test-pass-2026")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    answer = client.get(ME)
    assert answer.status_code == 200 and "没有关联教职工记录" in answer.content.decode()
    assert client.post(ME, {"phone": "1"}).status_code == 404


def test_anonymous_goes_to_login(client, db):
    assert reverse("login") in client.get(ME)["Location"]


# --- 修改记录 (history) ---------------------------------------------------------------------------

@pytest.fixture
def edited(chair, sub_a):
    target = MemberFactory(organization=sub_a, id_number="110101199003074514", phone="13800000000")
    target.phone, target.id_number = "13900000000", "11010119900307451X"
    target.id_number = "110101199003071110"
    member_save(member=target, acting_user=chair)
    return target


def test_chair_sees_who_changed_what_with_sensitive_values_masked(login, chair, edited):
    body = login(chair).get(reverse("members:detail", args=[edited.pk])).content.decode()
    assert "修改记录" in body
    assert "手机：13800000000 → 13900000000" in body
    assert "110101199003074514" not in body.split("修改记录")[1]  # full old ID never in the panel
    assert "身份证号：" in body and "chair" in body


def test_sub_union_chair_does_not_see_the_history_panel(login, sub_union_chair, edited):
    body = login(sub_union_chair).get(reverse("members:detail", args=[edited.pk])).content.decode()
    assert 'id="history"' not in body


def test_audit_summary_masks_the_id_number(edited):
    entry = AuditEntry.objects.filter(object_id=str(edited.pk), action="update").latest("at")
    assert "身份证号：" in entry.summary and "110101199003074514" not in entry.summary
    assert "110101199003071110" not in entry.summary


def test_money_records_keep_history(chair, sub_a):
    visit = WelfareVisitFactory(member=MemberFactory(organization=sub_a))
    visit.cash_amount = 900
    visit.save()
    assert visit.history.count() == 2
    assert visit.history.first().cash_amount == 900
