"""Services of 互助保障: a plan with its enrolments, a claim, a claim's status change — each audited, all-or-nothing."""

import datetime as dt
from decimal import Decimal

import pytest

from members.models import AuditEntry
from members.tests.factories import MemberFactory
from welfare import services
from welfare.models import AidClaim, MutualAidPlan, PlanEnrollment

pytestmark = pytest.mark.django_db


def _plan(school, chair, **kwargs):
    args = dict(
        organization=school, kind="female_illness", name="女职工特殊疾病", premium=Decimal("30"), acting_user=chair
    )
    return services.plan_create(**{**args, **kwargs})


def test_plan_create_enrols_the_year_and_audits(school, sub_a, chair):
    women = MemberFactory.create_batch(3, organization=sub_a, gender="female")
    man = MemberFactory(organization=sub_a, gender="male")
    retired = MemberFactory(organization=sub_a, gender="female", status="retired")
    result = _plan(school, chair, enroll_year=2022, enroll_women_only=True)
    enrolled = PlanEnrollment.objects.filter(plan=result.plan)
    ids = set(enrolled.values_list("member_id", flat=True))
    assert {m.pk for m in women} <= ids and man.pk not in ids and retired.pk not in ids
    assert result.enrolled == len(ids)
    assert set(enrolled.values_list("year", "premium").distinct()) == {(2022, Decimal("30"))}
    entry = AuditEntry.objects.get(action="create", object_type="welfare.mutualaidplan", object_id=str(result.plan.pk))
    assert entry.username == "chair" and entry.organization == school and "女职工特殊疾病" in entry.summary


def test_plan_create_without_a_year_enrols_nobody(school, sub_a, chair):
    MemberFactory(organization=sub_a)
    result = _plan(school, chair)
    assert result.enrolled == 0 and not PlanEnrollment.objects.exists()


def test_plan_create_failing_audit_rolls_back_plan_and_enrolments(school, sub_a, chair, monkeypatch):
    MemberFactory.create_batch(2, organization=sub_a)
    monkeypatch.setattr(services, "audit", _boom)
    with pytest.raises(RuntimeError):
        _plan(school, chair, enroll_year=2022)
    assert not MutualAidPlan.objects.exists() and not PlanEnrollment.objects.exists()


def test_claim_record_and_advance_are_audited(school, sub_a, chair):
    m = MemberFactory(organization=sub_a)
    plan = MutualAidPlan.objects.create(organization=school, kind="critical_illness", name="重大疾病")
    claim = services.claim_record(
        member=m, plan=plan, claimed_on=dt.date(2022, 3, 1), claimed_amount=Decimal("8000"), acting_user=chair
    )
    assert claim.status == AidClaim.Status.APPLIED and claim.recorded_by == chair
    assert AuditEntry.objects.filter(action="create", object_type="welfare.aidclaim", object_id=str(claim.pk)).exists()
    services.claim_advance(claim=claim, status=AidClaim.Status.SUBMITTED, acting_user=chair)
    services.claim_advance(
        claim=claim, status=AidClaim.Status.PAID, paid_amount=Decimal("6000"), on=dt.date(2022, 5, 1)
    )
    claim.refresh_from_db()
    assert (claim.status, claim.paid_amount, claim.paid_on) == ("paid", Decimal("6000"), dt.date(2022, 5, 1))
    assert AuditEntry.objects.filter(action="update", object_type="welfare.aidclaim").count() == 2


def test_claim_record_failing_audit_writes_no_claim(school, sub_a, chair, monkeypatch):
    m = MemberFactory(organization=sub_a)
    plan = MutualAidPlan.objects.create(organization=school, kind="critical_illness", name="重大疾病")
    monkeypatch.setattr(services, "audit", _boom)
    with pytest.raises(RuntimeError):
        services.claim_record(
            member=m, plan=plan, claimed_on=dt.date(2022, 3, 1), claimed_amount=Decimal("1"), acting_user=chair
        )
    assert not AidClaim.objects.exists()


def test_claim_advance_failing_audit_keeps_the_old_status(school, sub_a, chair, monkeypatch):
    m = MemberFactory(organization=sub_a)
    plan = MutualAidPlan.objects.create(organization=school, kind="critical_illness", name="重大疾病")
    claim = AidClaim.objects.create(plan=plan, member=m, claimed_on=dt.date(2022, 3, 1), claimed_amount=Decimal("1"))
    monkeypatch.setattr(services, "audit", _boom)
    with pytest.raises(RuntimeError):
        services.claim_advance(claim=claim, status=AidClaim.Status.SUBMITTED, acting_user=chair)
    claim.refresh_from_db()
    assert claim.status == AidClaim.Status.APPLIED


def _boom(*args, **kwargs):
    raise RuntimeError("audit store down")
