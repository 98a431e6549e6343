"""Every welfare page answers: 200 for the chair, login for anonymous, 403 for a plain member."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from members.tests.factories import MemberFactory
from welfare import services
from welfare.models import DonationDrive, FestivalDistribution, HardshipCase

pytestmark = pytest.mark.django_db
PAGES = [
    "index",
    "visit_create",
    "ledger",
    "import",
    "distributions",
    "distribution_create",
    "caps",
    "compliance",
    "plans",
    "plan_create",
    "claim_create",
    "healthchecks",
    "healthcheck_create",
    "hardship",
    "hardship_create",
    "donations",
    "services",
    "service_create",
]


@pytest.mark.parametrize("name", PAGES)
def test_chair_opens_every_page_and_anonymous_is_sent_to_login(client, login, chair, name):
    assert client.get(reverse(f"welfare:{name}")).status_code == 302
    assert login(chair).get(reverse(f"welfare:{name}")).status_code == 200


def test_plain_member_gets_403_on_manager_pages(login, member):
    client = login(member)
    assert client.get(reverse("welfare:distributions")).status_code == 403
    assert client.get(reverse("welfare:hardship")).status_code == 403


def test_distribution_create_issue_and_sign(login, chair, school, sub_a):
    MemberFactory.create_batch(3, organization=sub_a)
    client = login(chair)
    r = client.post(
        reverse("welfare:distribution_create"),
        {
            "festival": "mid_autumn",
            "title": "2021年中秋慰问",
            "distributed_on": "2021-09-15",
            "item": "月饼",
            "value_per_person": "300",
            "funding_source": "union_funds",
            "include_retirees": "on",
            "include_contract": "on",
        },
    )
    dist = FestivalDistribution.objects.get()
    assert r.status_code == 302 and dist.recipients.count() == 4  # three staff and the chair's own member record
    ids = list(dist.recipients.values_list("member_id", flat=True)[:2])
    client.post(reverse("welfare:distribution_detail", args=[dist.pk]), {"member": ids, "action": "sign"})
    assert dist.recipients.filter(signed=True).count() == 2
    bad = client.post(reverse("welfare:distribution_create"), {"festival": "x", "title": "", "value_per_person": "-1"})
    assert bad.status_code == 400


def test_hardship_open_aid_close(login, chair, sub_a):
    MemberFactory(organization=sub_a, staff_no="K1")
    client = login(chair)
    client.post(
        reverse("welfare:hardship_create"),
        {"member_ref": "K1", "opened_on": "2021-01-05", "reason": "子女重病", "level": "serious"},
    )
    case = HardshipCase.objects.get()
    url = reverse("welfare:hardship_detail", args=[case.pk])
    client.post(url, {"action": "aid", "paid_on": "2021-02-01", "amount": "2000", "funding_source": "higher_union"})
    client.post(url, {"action": "close", "closed_on": "2021-12-01"})
    case.refresh_from_db()
    assert case.status == "closed" and case.aids.get().amount == Decimal("2000")
    assert client.post(url, {"action": "aid", "paid_on": "2022-01-01", "amount": "1", "funding_source": "other"}).status_code == 302
    assert case.aids.count() == 1


def test_donation_drive_and_services(login, chair, school, sub_a):
    MemberFactory(organization=sub_a, staff_no="D1")
    client = login(chair)
    client.post(reverse("welfare:drive_create"), {"kind": "one_day", "title": "一日捐", "held_on": "2021-06-28"})
    drive = DonationDrive.objects.get()
    client.post(reverse("welfare:drive_detail", args=[drive.pk]), {"member_ref": "D1", "amount": "100"})
    assert drive.donations.get().amount == Decimal("100")
    client.post(
        reverse("welfare:service_create"),
        {"member_ref": "D1", "kind": "child_school", "served_on": "2021-08-20", "description": "子女入学"},
    )
    assert "子女入学入托" in client.get(reverse("welfare:services"), {"year": 2021}).content.decode()


def test_compliance_lists_visits_over_their_cap(login, chair, sub_a):
    m = MemberFactory(organization=sub_a, name="钱超标")
    services.welfare_visit_record(
        member=m,
        occasion=services.occasion_by_code(None, "marriage"),
        visited_on=dt.date(2021, 5, 1),
        cash_amount=Decimal("900"),
    )
    html = login(chair).get(reverse("welfare:compliance"), {"year": 2021}).content.decode()
    assert "钱超标" in html


def test_only_the_chair_saves_a_rule_set(login, chair, committee):
    data = {"name": "本校标准", "effective_from": "2022-01-01", "festival_yearly_cap": "1200"}
    assert login(committee).post(reverse("welfare:caps"), data).status_code == 403
    assert login(chair).post(reverse("welfare:caps"), data).status_code == 302
