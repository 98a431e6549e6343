"""Issue 16 gaps: claims only for enrolled members, enrolments per member, health-check attendance,
donations in bulk, and a sub-union distribution's label (services and views)."""

import datetime as dt
from decimal import Decimal

import pytest

from members.models import AuditEntry
from members.tests.factories import MemberFactory
from welfare import services
from welfare.models import (
    AidClaim,
    Donation,
    DonationDrive,
    HealthCheckParticipant,
    MutualAidPlan,
    PlanEnrollment,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def plan(school):
    return MutualAidPlan.objects.create(organization=school, kind="critical_illness", name="重大疾病互助")


# --- claims and enrolments ---------------------------------------------------------------------------------


def test_claim_refused_for_member_not_enrolled(login, chair, sub_a, plan):
    m = MemberFactory(organization=sub_a, name="林静", staff_no="C001")
    data = {"member_ref": "C001", "plan": plan.pk, "claimed_on": TODAY.isoformat(), "claimed_amount": "800"}
    resp = login(chair).post("/welfare/claims/new/", data)
    assert resp.status_code == 400
    assert f"林静 未参加{TODAY.year}年度的“重大疾病互助”，不能登记理赔" in resp.content.decode()
    assert not AidClaim.objects.exists()
    PlanEnrollment.objects.create(plan=plan, member=m, year=TODAY.year)
    assert login(chair).post("/welfare/claims/new/", data).status_code == 302
    assert AidClaim.objects.filter(member=m).exists()


def test_enrollment_save_updates_and_remove_is_refused_with_claims(chair, sub_a, plan):
    m = MemberFactory(organization=sub_a)
    e = services.plan_enrollment_save(member=m, plan=plan, year=2024, premium=Decimal("30"), paid_by="union_funds",
                                      acting_user=chair)  # fmt: skip
    again = services.plan_enrollment_save(member=m, plan=plan, year=2024, premium=Decimal("45"), paid_by="self",
                                          acting_user=chair)  # fmt: skip
    assert again.pk == e.pk and (again.premium, again.paid_by) == (Decimal("45"), "self")
    assert AuditEntry.objects.filter(object_type="welfare.planenrollment").count() == 2
    AidClaim.objects.create(plan=plan, member=m, claimed_on=dt.date(2024, 5, 1))
    with pytest.raises(ValueError):
        services.plan_enrollment_remove(enrollment=e, acting_user=chair)


def test_enrollment_page_lists_adds_and_removes(login, chair, sub_a, plan, sub_union_chair, outsider):
    m = MemberFactory(organization=sub_a)
    c = login(chair)
    url = f"/welfare/members/{m.pk}/enrollments/"
    assert c.post(url, {"plan": plan.pk, "year": "", "premium": "30", "paid_by": "union_funds"}).status_code == 400
    resp = c.post(url, {"plan": plan.pk, "year": 2025, "premium": "30", "paid_by": "union_funds"})
    assert resp.status_code == 302
    e = PlanEnrollment.objects.get(member=m)
    assert "重大疾病互助" in c.get(url).content.decode()
    assert c.post(url, {"remove": e.pk}).status_code == 302 and not PlanEnrollment.objects.exists()
    assert login(outsider).get(url).status_code == 404


# --- health checks -----------------------------------------------------------------------------------------


def test_attendance_service_and_page(login, chair, school, sub_a, outsider):
    a, b = MemberFactory(organization=sub_a, name="参检甲"), MemberFactory(organization=sub_a, name="参检乙")
    camp = services.healthcheck_campaign_create(organization=school, members_of=school, name="年度体检",
                                                held_on=TODAY, acting_user=chair)  # fmt: skip
    assert services.healthcheck_attendance_set(campaign=camp, member_ids=[a.pk], attended=True) == 1
    assert services.healthcheck_attendance_set(campaign=camp, member_ids=[a.pk], attended=True) == 0
    c = login(chair)
    url = f"/welfare/healthchecks/{camp.pk}/"
    page = c.get(url).content.decode()
    assert "参检甲" in page and "参检乙" in page
    assert "参检乙" not in c.get(url, {"attended": "yes"}).content.decode()
    assert c.post(url, {"member": [b.pk], "action": "attended"}).status_code == 302
    assert HealthCheckParticipant.objects.filter(campaign=camp, attended=True).count() == 2
    c.post(url, {"member": [a.pk], "action": "absent"})
    assert not HealthCheckParticipant.objects.get(campaign=camp, member=a).attended
    assert login(outsider).get(url).status_code == 404


# --- donations in bulk -------------------------------------------------------------------------------------


@pytest.fixture
def drive(school):
    return DonationDrive.objects.create(organization=school, kind="charity", title="慈善一日捐", held_on=TODAY)


def test_bulk_service_is_all_or_nothing(chair, sub_a, drive):
    m = MemberFactory(organization=sub_a)
    rows = [services.DonationRow(member=m, amount=Decimal("10")), services.DonationRow(member=m, amount=Decimal("5"))]
    with pytest.raises(ValueError):
        services.donations_record_bulk(drive=drive, rows=rows, acting_user=chair)
    assert not Donation.objects.exists()


def test_bulk_page_pasted_and_ticked(login, chair, sub_a, drive):
    a = MemberFactory(organization=sub_a, name="王一", staff_no="D001")
    b = MemberFactory(organization=sub_a, name="王二", staff_no="D002")
    t = MemberFactory(organization=sub_a, name="王三", staff_no="D003")
    c = login(chair)
    url = f"/welfare/donations/{drive.pk}/bulk/"
    assert "王三" in c.get(url).content.decode()
    bad = c.post(url, {"pasted": "D001 100\n没有这人 50\nD002 abc", "member": [t.pk], "amount": "20"})
    body = bad.content.decode()
    assert bad.status_code == 400 and "第 2 行" in body and "第 3 行" in body and "D001 100" in body
    assert not Donation.objects.exists()
    ok = c.post(url, {"pasted": "D001 100\n王二\t50", "member": [t.pk], "amount": "20"})
    assert ok.status_code == 302
    got = dict(Donation.objects.values_list("member__staff_no", "amount"))
    assert got == {"D001": Decimal("100"), "D002": Decimal("50"), "D003": Decimal("20")}
    assert AuditEntry.objects.filter(object_type="welfare.donationdrive", summary__contains="批量登记").exists()
    assert a and b


def test_bulk_page_refuses_duplicates_and_empty(login, chair, sub_a, drive):
    MemberFactory(organization=sub_a, name="赵一", staff_no="E001")
    c = login(chair)
    url = f"/welfare/donations/{drive.pk}/bulk/"
    assert "请勾选人员或粘贴名单" in c.post(url, {}).content.decode()
    assert "出现了两次" in c.post(url, {"pasted": "E001 1\n赵一 2"}).content.decode()
    assert not Donation.objects.exists()


# --- distribution label ------------------------------------------------------------------------------------


def test_distribution_to_a_sub_union_is_labelled_with_it(login, chair, sub_a, school):
    MemberFactory(organization=sub_a)
    resp = login(chair).post("/welfare/distributions/new/", {
        "festival": "spring", "title": "春节慰问", "distributed_on": TODAY.isoformat(), "item": "大米",
        "value_per_person": "100", "funding_source": "union_funds", "sub_union": sub_a.pk, "include_retirees": "on",
        "include_contract": "on",
    })  # fmt: skip
    assert resp.status_code == 302
    from welfare.models import FestivalDistribution

    dist = FestivalDistribution.objects.get()
    assert dist.recipient_rule.startswith("语文组分工会") and "全体" not in dist.recipient_rule
    whole = services.distribution_issue(organization=school, festival="spring", title="全校", distributed_on=TODAY,
                                        item="油", value_per_person=Decimal("50"))  # fmt: skip
    assert whole.distribution.recipient_rule.startswith("全体")
