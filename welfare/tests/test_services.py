import datetime as dt
from decimal import Decimal

import pytest

from members.models import AuditEntry, Organization
from members.tests.factories import MemberFactory
from welfare import services
from welfare.models import AidClaim, DistributionRecipient, MutualAidPlan, PendingVisit, SpendingCapRuleSet
from welfare.tests.factories import occasion

pytestmark = pytest.mark.django_db


def test_migration_ships_the_default_occasions_and_the_anhui_example():
    codes = set(services.occasions_for(None).values_list("code", flat=True))
    assert {
        "hospitalisation",
        "childbirth",
        "marriage",
        "relative_death",
        "member_death",
        "hardship",
        "retirement",
        "accident",
    } <= codes
    assert occasion("hospitalisation").is_sensitive and not occasion("marriage").is_sensitive
    rs = services.rule_set_for(None, dt.date(2021, 1, 1))
    assert rs.festival_yearly_cap == Decimal("1500") and services.cap_for(rs, "member_death") == Decimal("2000")


def test_recording_a_visit_closes_its_pending_item_and_audits(school, sub_a, chair):
    m = MemberFactory(organization=sub_a)
    pending = services.life_event_record(member=m, event="hospitalisation", event_date=dt.date(2021, 3, 1))
    assert pending.due_on == dt.date(2021, 3, 8) and pending.occasion.code == "hospitalisation"
    result = services.welfare_visit_record(
        member=m,
        occasion=pending.occasion,
        visited_on=dt.date(2021, 3, 3),
        cash_amount=Decimal("500"),
        gift_description="水果",
        gift_value=Decimal("100"),
        pending=pending,
        acting_user=chair,
    )
    pending.refresh_from_db()
    assert pending.status == PendingVisit.Status.DONE and pending.visit == result.visit
    assert result.warnings == []
    assert AuditEntry.objects.filter(action="create", object_id=str(result.visit.pk)).exists()


def test_a_visit_over_its_cap_warns_but_is_saved(school, sub_a):
    m = MemberFactory(organization=sub_a)
    result = services.welfare_visit_record(
        member=m,
        occasion=occasion("hospitalisation"),
        visited_on=dt.date(2021, 3, 3),
        cash_amount=Decimal("1000"),
        gift_description="营养品",
        gift_value=Decimal("200"),
    )
    assert result.visit.pk and "超过" in result.warnings[0] and "1000.00" in result.warnings[0]


def test_the_schools_own_rule_set_replaces_the_example_from_its_date(school, sub_a, chair):
    services.rule_set_save(
        organization=school,
        name="本校标准",
        effective_from=dt.date(2022, 1, 1),
        festival_yearly_cap=Decimal("1200"),
        birthday_cap=None,
        caps={"hospitalisation": Decimal("1500")},
        acting_user=chair,
    )
    assert services.rule_set_for(sub_a, dt.date(2021, 12, 31)).organization is None
    assert services.rule_set_for(sub_a, dt.date(2022, 1, 1)).name == "本校标准"
    m = MemberFactory(organization=sub_a)
    assert (
        services.visit_cap_warnings(
            member=m, occasion=occasion("hospitalisation"), on=dt.date(2022, 5, 1), amount=Decimal("1200")
        )
        == []
    )
    assert SpendingCapRuleSet.objects.count() == 2


def test_issuing_1500_recipients_is_set_based(school, sub_a, django_assert_max_num_queries):
    MemberFactory.create_batch(1500, organization=sub_a)
    # Budget: SAVEPOINT/RELEASE (2), distribution INSERT (1), member ids SELECT (1), recipients bulk INSERT
    # (1 on PostgreSQL; SQLite may split by its variable limit: allow 2), rule set + caps (2), yearly totals (1),
    # audit INSERT (1). Constant in the number of recipients.
    with django_assert_max_num_queries(11):
        result = services.distribution_issue(
            organization=school,
            festival="spring",
            title="2021年春节慰问品",
            distributed_on=dt.date(2021, 2, 1),
            item="米、油",
            value_per_person=Decimal("500"),
        )
    assert result.issued == 1500 and result.warnings == []
    assert DistributionRecipient.objects.filter(distribution=result.distribution).count() == 1500


def test_distribution_filter_excludes_retirees_and_contract_staff_when_asked(school, sub_a, sub_b):
    MemberFactory(organization=sub_a)
    MemberFactory(organization=sub_a, status="retired")
    MemberFactory(organization=sub_a, employment_type="contract")
    MemberFactory(organization=sub_b)
    r = services.distribution_issue(
        organization=school,
        sub_union=sub_a,
        festival="summer",
        title="送清凉",
        distributed_on=dt.date(2021, 7, 1),
        item="西瓜",
        value_per_person=Decimal("200"),
        include_retirees=False,
        include_contract=False,
    )
    assert r.issued == 1 and "不含合同制" in r.distribution.recipient_rule


def test_passing_the_yearly_festival_cap_warns(school, sub_a):
    MemberFactory.create_batch(3, organization=sub_a)
    for month, value in ((1, "800"), (9, "800")):
        result = services.distribution_issue(
            organization=school,
            festival="spring" if month == 1 else "mid_autumn",
            title=f"{month}",
            item="礼包",
            distributed_on=dt.date(2021, month, 1),
            value_per_person=Decimal(value),
        )
    assert result.issued == 3 and "3 人" in result.warnings[0]


def test_pending_retirements_are_created_once(school, sub_a):
    today = dt.date(2024, 6, 1)
    MemberFactory(organization=sub_a, gender="male", birth_date=dt.date(1964, 6, 20))
    MemberFactory(organization=sub_a, gender="female", birth_date=dt.date(1969, 7, 1))
    MemberFactory(organization=sub_a, gender="female", birth_date=dt.date(1980, 7, 1))
    assert services.pending_retirements_create(school=school, today=today) == 2
    assert services.pending_retirements_create(school=school, today=today) == 0


def test_claims_move_only_along_their_workflow(school, sub_a):
    plan = MutualAidPlan.objects.create(organization=school, kind="critical_illness", name="重大疾病")
    claim = AidClaim.objects.create(
        plan=plan,
        member=MemberFactory(organization=sub_a),
        claimed_on=dt.date(2021, 1, 5),
        claimed_amount=Decimal("8000"),
    )
    with pytest.raises(ValueError):
        services.claim_advance(claim=claim, status="paid")
    services.claim_advance(claim=claim, status="submitted")
    services.claim_advance(claim=claim, status="paid", on=dt.date(2021, 3, 1))
    assert claim.paid_amount == Decimal("8000") and claim.status == "paid"
    _ = Organization
