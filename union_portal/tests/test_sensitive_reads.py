"""Sensitive reads (union_portal.lib.audit): every page rendering sensitive data writes exactly one
READ_SENSITIVE entry per request; a page without sensitive data writes none (issue 17, finding 3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from members.models import AuditEntry
from members.tests.factories import MemberFactory
from welfare import services
from welfare.tests.factories import WelfareVisitFactory, occasion

pytestmark = pytest.mark.django_db


def _reads() -> int:
    return AuditEntry.objects.filter(action=AuditEntry.Action.READ_SENSITIVE).count()


@pytest.fixture
def colleague(sub_a):
    return MemberFactory(organization=sub_a, id_number="11010519491231002X", bank_account="6222020200112233445")


def _get_twice(client, url) -> list[int]:
    """The READ_SENSITIVE entries written by each of two GETs of ``url``."""
    counts = []
    for _ in range(2):
        before = _reads()
        assert client.get(url).status_code == 200
        counts.append(_reads() - before)
    return counts


def test_member_edit_form_with_full_id_and_bank_is_one_read_per_request(client, chair, colleague):
    client.force_login(chair)
    assert _get_twice(client, reverse("members:edit", args=[colleague.pk])) == [1, 1]
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.READ_SENSITIVE).latest("pk")
    assert "编辑页" in entry.summary and entry.object_id == str(colleague.pk)


def test_member_page_with_id_and_a_health_visit_is_still_one_read(client, chair, colleague):
    WelfareVisitFactory(member=colleague, occasion=occasion("hospitalisation"))
    client.force_login(chair)
    assert _get_twice(client, reverse("members:detail", args=[colleague.pk])) == [1, 1]
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.READ_SENSITIVE).latest("pk")
    assert "身份证号" in entry.summary and "敏感福利记录" in entry.summary


def test_member_timeline_with_a_health_visit_is_a_sensitive_read(client, chair, sub_a):
    plain = MemberFactory(organization=sub_a)  # no ID or bank number on record
    WelfareVisitFactory(member=plain, occasion=occasion("hospitalisation"))
    client.force_login(chair)
    assert _get_twice(client, reverse("members:detail", args=[plain.pk])) == [1, 1]


def test_member_page_without_sensitive_data_writes_nothing(client, chair, sub_a):
    plain = MemberFactory(organization=sub_a)
    WelfareVisitFactory(member=plain, occasion=occasion("marriage"))
    client.force_login(chair)
    assert _get_twice(client, reverse("members:detail", args=[plain.pk])) == [0, 0]
    assert _get_twice(client, reverse("members:edit", args=[plain.pk])) == [0, 0]


def test_ledger_with_sensitive_rows_is_one_read_and_without_none(client, chair, colleague):
    client.force_login(chair)
    url = reverse("welfare:ledger") + "?start=2021-01-01&end=2021-12-31"
    WelfareVisitFactory(member=colleague, occasion=occasion("marriage"))
    assert _get_twice(client, url) == [0, 0]
    WelfareVisitFactory(member=colleague, occasion=occasion("hospitalisation"))
    WelfareVisitFactory(member=colleague, occasion=occasion("hospitalisation"), visited_on=dt.date(2021, 7, 1))
    assert _get_twice(client, url) == [1, 1]
    assert "2 条敏感记录" in AuditEntry.objects.filter(action=AuditEntry.Action.READ_SENSITIVE).latest("pk").summary


def test_hardship_list_is_one_read_when_it_lists_cases(client, chair, colleague):
    client.force_login(chair)
    assert _get_twice(client, reverse("welfare:hardship")) == [0, 0]
    for reason in ("配偶重病", "子女重病"):
        services.hardship_case_open(member=colleague, opened_on=dt.date(2022, 1, 5), reason=reason, acting_user=chair)
    assert _get_twice(client, reverse("welfare:hardship")) == [1, 1]


def test_a_member_reading_their_own_record_is_not_audited(client, member):
    from members.access import member_of

    me = member_of(member)
    me.id_number, me.bank_account = "11010519491231002X", "6222020200112233445"
    me.save(update_fields=["id_number", "bank_account"])
    client.force_login(member)
    assert _get_twice(client, reverse("members:detail", args=[me.pk])) == [0, 0]
