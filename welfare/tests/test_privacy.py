"""Sensitive records: who sees them, who sees only counts, and the audit trail."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from members.models import AuditEntry, Organization, Role
from members.tests.factories import MemberFactory, RoleAssignmentFactory, UserFactory
from welfare.models import AidClaim, HardshipCase, MutualAidPlan
from welfare.tests.factories import WelfareVisitFactory, occasion

pytestmark = pytest.mark.django_db


@pytest.fixture
def sensitive_visit(member):
    return WelfareVisitFactory(member=member.member, occasion=occasion("hospitalisation"))


def _detail(client, visit):
    return client.get(reverse("welfare:visit_detail", args=[visit.pk]))


@pytest.mark.parametrize("who", ["chair", "committee", "sub_union_chair", "member"])
def test_allowed_roles_read_a_sensitive_visit(request, login, who, sensitive_visit):
    user = request.getfixturevalue(who)
    assert _detail(login(user), sensitive_visit).status_code == 200


@pytest.mark.parametrize("who", ["outsider", "representative", "handler"])
def test_others_get_404_for_a_sensitive_visit(request, login, who, sensitive_visit):
    user = request.getfixturevalue(who)
    assert _detail(login(user), sensitive_visit).status_code == 404


def test_reading_a_sensitive_visit_writes_an_audit_row(login, chair, sensitive_visit):
    _detail(login(chair), sensitive_visit)
    entry = AuditEntry.objects.get(action="read_sensitive")
    assert entry.username == "chair" and entry.object_id == str(sensitive_visit.pk) and entry.ip_address == "127.0.0.1"


def test_the_member_reading_their_own_record_is_not_a_third_party_read(login, member, sensitive_visit):
    _detail(login(member), sensitive_visit)
    assert not AuditEntry.objects.filter(action="read_sensitive").exists()


def test_other_sub_union_chair_cannot_see_it(login, sub_b, sensitive_visit):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.SUB_UNION_CHAIR, organization=sub_b)
    assert _detail(login(user), sensitive_visit).status_code == 404


def test_district_chair_sees_counts_not_records(login, school, sensitive_visit):
    district = Organization.objects.create(kind="district", code="DST", name="区教育工会")
    school.parent = district
    school.save()
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.CHAIR, organization=district)
    WelfareVisitFactory(member=sensitive_visit.member)  # a non-sensitive one
    client = login(user)
    r = client.get(reverse("welfare:ledger"))
    assert r.context["totals"]["count"] == 1 and r.context["hidden_count"] == 1
    assert "另有 1 条敏感慰问记录" in r.content.decode()
    assert _detail(client, sensitive_visit).status_code == 404


def test_health_plan_claims_and_hardship_cases_are_sensitive(login, chair, representative, school, member):
    plan = MutualAidPlan.objects.create(organization=school, kind="critical_illness", name="重大疾病", is_health=True)
    claim = AidClaim.objects.create(
        plan=plan, member=member.member, claimed_on=dt.date(2021, 4, 1), claimed_amount=Decimal("5000")
    )
    case = HardshipCase.objects.create(member=member.member, opened_on=dt.date(2021, 1, 1), reason="子女重病")
    chair_client = login(chair)
    assert chair_client.get(reverse("welfare:claim_detail", args=[claim.pk])).status_code == 200
    assert chair_client.get(reverse("welfare:hardship_detail", args=[case.pk])).status_code == 200
    assert AuditEntry.objects.filter(action="read_sensitive").count() == 2
    rep = login(representative)
    assert rep.get(reverse("welfare:claim_detail", args=[claim.pk])).status_code == 404
    assert rep.get(reverse("welfare:hardship_detail", args=[case.pk])).status_code == 404


def test_member_page_timeline_hides_sensitive_visits_from_the_district(login, school, sensitive_visit):
    district = Organization.objects.create(kind="district", code="DS2", name="区教育工会")
    school.parent = district
    school.save()
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.CHAIR, organization=district)
    html = login(user).get(reverse("members:detail", args=[sensitive_visit.member.pk])).content.decode()
    assert "生病住院" not in html
    _ = MemberFactory
