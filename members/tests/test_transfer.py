"""Transfers between schools: a dated action; records before the date stay counted where they happened."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.models import AuditEntry, MemberTransfer
from members.services import member_transfer
from members.tests.factories import MemberFactory
from welfare.models import WelfareVisit
from welfare.report import report_stats
from welfare.tests.factories import WelfareVisitFactory, occasion

ON = dt.date(2021, 9, 1)
YEAR = (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
BEFORE = (dt.date(2021, 1, 1), dt.date(2021, 8, 31))
LEDGER = reverse("welfare:ledger")


@pytest.fixture
def moving(sub_a):
    member = MemberFactory(organization=sub_a, staff_no="A100", name="调动人")
    WelfareVisitFactory(member=member, visited_on=dt.date(2021, 3, 1), cash_amount=Decimal("500"))
    WelfareVisitFactory(member=member, occasion=occasion("hospitalisation"), visited_on=dt.date(2021, 6, 1),
                        cash_amount=Decimal("800"))
    WelfareVisitFactory(member=member, visited_on=dt.date(2021, 10, 1), cash_amount=Decimal("200"))  # after: backdated
    WelfareVisitFactory(member=MemberFactory(organization=sub_a), visited_on=dt.date(2021, 4, 1))
    return member


def _figures(login, chair, school, period):
    totals = login(chair).get(LEDGER, {"start": period[0].isoformat(), "end": period[1].isoformat()}).context["totals"]
    stats = report_stats(organization=school, start=period[0], end=period[1])
    return (
        (totals["count"], totals["persons"], totals["total"]),
        stats["visits"],
        stats["visits_by_occasion"],
        stats["visits_by_month"],
    )


def test_old_school_ledger_and_report_before_the_transfer_are_unchanged(login, chair, school, other_school, moving):
    before = _figures(login, chair, school, BEFORE)
    transfer = member_transfer(member=moving, to_school=other_school, on=ON, new_staff_no="B7", acting_user=chair)
    assert _figures(login, chair, school, BEFORE) == before
    # The visit dated after the (backdated) transfer belongs to the new school; the earlier ones stay.
    schools = dict(WelfareVisit.objects.filter(member=moving).values_list("visited_on", "school_id"))
    assert schools == {dt.date(2021, 3, 1): school.pk, dt.date(2021, 6, 1): school.pk,
                       dt.date(2021, 10, 1): other_school.pk}
    assert transfer.old_staff_no == "A100" and transfer.new_staff_no == "B7"


def test_member_gets_the_new_staff_number_and_the_transfer_is_kept(chair, school, other_school, moving):
    member_transfer(member=moving, to_school=other_school, on=ON, new_staff_no="B7", acting_user=chair)
    moving.refresh_from_db()
    assert (moving.school, moving.organization, moving.staff_no, moving.department) == (
        other_school, other_school, "B7", None)
    t = MemberTransfer.objects.get(member=moving)
    assert (t.from_school, t.to_school, t.on, t.recorded_by) == (school, other_school, ON, chair)
    entries = AuditEntry.objects.filter(object_type="members.membertransfer")
    assert {e.organization for e in entries} == {school, other_school}
    assert "A100" in entries[0].summary and "B7" in entries[0].summary


def test_editing_an_old_visit_after_the_transfer_keeps_its_school(chair, school, other_school, moving):
    member_transfer(member=moving, to_school=other_school, on=ON, new_staff_no="B7", acting_user=chair)
    visit = WelfareVisit.objects.select_related("member").get(member=moving, visited_on=dt.date(2021, 3, 1))
    visit.cash_amount = Decimal("550")
    visit.save()
    visit.refresh_from_db()
    assert visit.school == school


@pytest.mark.parametrize(
    ("to", "staff_no", "message"),
    [("same", "B7", "相同"), ("other", "", "新工号"), ("other", "TAKEN", "已被使用"), ("sub", "B7", "学校工会")],
)
def test_refuses_bad_transfers(chair, school, other_school, sub_a, moving, to, staff_no, message):
    MemberFactory(organization=other_school, staff_no="TAKEN")
    target = {"same": school, "other": other_school, "sub": sub_a}[to]
    with pytest.raises(ValidationError, match=message):
        member_transfer(member=moving, to_school=target, on=ON, new_staff_no=staff_no, acting_user=chair)
    assert not MemberTransfer.objects.exists()


def test_chair_transfers_from_the_member_page(login, chair, other_school, moving):
    client = login(chair)
    page = client.get(reverse("members:detail", args=[moving.pk])).content.decode()
    assert "办理调动" in page
    answer = client.post(reverse("members:transfer", args=[moving.pk]),
                         {"to_school_code": other_school.code, "on": "2021-09-01", "new_staff_no": "B7"})
    assert answer.status_code == 302
    assert MemberTransfer.objects.filter(member=moving).exists()


def test_transfer_view_shows_errors_and_changes_nothing(login, chair, other_school, moving):
    answer = login(chair).post(reverse("members:transfer", args=[moving.pk]),
                               {"to_school_code": other_school.code, "on": "not a date", "new_staff_no": "B7"}, follow=True)
    assert "调动信息有误" in answer.content.decode()
    assert not MemberTransfer.objects.exists()


def test_only_the_chair_transfers(login, sub_union_chair, committee, other_school, moving):
    for user in (sub_union_chair, committee):
        answer = login(user).post(reverse("members:transfer", args=[moving.pk]),
                                  {"to_school_code": other_school.code, "on": "2021-09-01", "new_staff_no": "B7"})
        assert answer.status_code == 403
    assert not MemberTransfer.objects.exists()


def test_transfer_is_shown_on_the_member_page(login, chair, other_school, moving, outsider):
    member_transfer(member=moving, to_school=other_school, on=ON, new_staff_no="B7", acting_user=chair)
    page = login(outsider).get(reverse("members:detail", args=[moving.pk])).content.decode()
    assert "调动记录" in page and "A100" in page and "B7" in page


def test_unknown_school_code_is_refused_with_the_input_named(login, chair, moving):
    answer = login(chair).post(reverse("members:transfer", args=[moving.pk]),
                               {"to_school_code": "NOPE", "on": "2021-09-01", "new_staff_no": "B7"}, follow=True)
    assert "没有编码为 NOPE 的学校工会" in answer.content.decode()
    assert not MemberTransfer.objects.exists()
