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
    r = client.get(reverse("welfare:ledger"), {"start": "", "end": ""})  # every year, not just the current one
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


def test_index_friendly_visit_rules_match_the_reference_rules_for_every_role(
    request, login, school, sub_a, sub_b, member, sensitive_visit
):
    """``visible_visits_q``/``hidden_visits_q`` (on the denormalised school) = scope & (not sensitive | allowed)."""
    from django.db.models import Q

    from welfare.access import hidden_visits_q, person_scope_q, sensitive_q, visible_visits_q
    from welfare.models import WelfareVisit

    district = Organization.objects.create(kind="district", code="DS3", name="区教育工会")
    school.parent = district
    school.save()
    for org in (sub_a, sub_b):
        WelfareVisitFactory(member=MemberFactory(organization=org), occasion=occasion("hospitalisation"))
        WelfareVisitFactory(member=MemberFactory(organization=org))
    WelfareVisitFactory(member=member.member)
    district_chair = UserFactory()
    RoleAssignmentFactory(user=district_chair, role=Role.CHAIR, organization=district)
    sub_b_chair = UserFactory()
    RoleAssignmentFactory(user=sub_b_chair, role=Role.SUB_UNION_CHAIR, organization=sub_b)
    users = [request.getfixturevalue(n) for n in
             ("chair", "committee", "sub_union_chair", "member", "representative", "handler", "outsider")]
    seen_hidden = 0
    for user in [*users, district_chair, sub_b_chair]:
        ids = set(WelfareVisit.objects.filter(visible_visits_q(user)).values_list("pk", flat=True))
        reference = person_scope_q(user) & (Q(occasion__is_sensitive=False) | sensitive_q(user))
        assert ids == set(WelfareVisit.objects.filter(reference).values_list("pk", flat=True)), user.username
        hq = hidden_visits_q(user)
        hidden = set() if hq is None else set(WelfareVisit.objects.filter(hq).values_list("pk", flat=True))
        ref_hidden = WelfareVisit.objects.filter(person_scope_q(user), occasion__is_sensitive=True).exclude(
            sensitive_q(user)
        )
        assert hidden == set(ref_hidden.values_list("pk", flat=True)), user.username
        seen_hidden += len(hidden)
    assert seen_hidden == 3  # the district chair's three hidden visits: the comparison is not vacuous
