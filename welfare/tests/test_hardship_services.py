"""Services of 困难职工: open a case, pay aid, close — each audited, all-or-nothing."""

import datetime as dt
from decimal import Decimal

import pytest

from members.models import AuditEntry
from members.tests.factories import MemberFactory
from welfare import services
from welfare.models import HardshipAid, HardshipCase

pytestmark = pytest.mark.django_db


def _boom(*args, **kwargs):
    raise RuntimeError("audit store down")


def _open(sub_a, chair):
    m = MemberFactory(organization=sub_a)
    return services.hardship_case_open(member=m, opened_on=dt.date(2022, 1, 5), reason="配偶重病", acting_user=chair)


def test_open_pay_close_are_written_and_audited(school, sub_a, chair):
    case = _open(sub_a, chair)
    assert case.status == HardshipCase.Status.OPEN and case.recorded_by == chair
    aid = services.hardship_aid_pay(
        case=case, paid_on=dt.date(2022, 2, 1), amount=Decimal("2000"), funding_source="union_funds", acting_user=chair
    )
    services.hardship_case_close(case=case, closed_on=dt.date(2022, 6, 1), notes="已就业", acting_user=chair)
    case.refresh_from_db()
    assert case.status == HardshipCase.Status.CLOSED and case.notes.endswith("已就业")
    assert list(AuditEntry.objects.filter(organization=school).order_by("pk").values_list("action", "object_type")) == [
        ("create", "welfare.hardshipcase"),
        ("create", "welfare.hardshipaid"),
        ("update", "welfare.hardshipcase"),
    ]
    assert AuditEntry.objects.filter(object_id=str(aid.pk), summary__contains="2000.00").exists()


def test_open_failing_audit_writes_no_case(sub_a, chair, monkeypatch):
    monkeypatch.setattr(services, "audit", _boom)
    with pytest.raises(RuntimeError):
        _open(sub_a, chair)
    assert not HardshipCase.objects.exists()


def test_aid_failing_audit_writes_no_payment(sub_a, chair, monkeypatch):
    case = _open(sub_a, chair)
    monkeypatch.setattr(services, "audit", _boom)
    with pytest.raises(RuntimeError):
        services.hardship_aid_pay(case=case, paid_on=dt.date(2022, 2, 1), amount=Decimal("1"), funding_source="other")
    assert not HardshipAid.objects.exists()


def test_close_failing_audit_leaves_the_case_open(sub_a, chair, monkeypatch):
    case = _open(sub_a, chair)
    monkeypatch.setattr(services, "audit", _boom)
    with pytest.raises(RuntimeError):
        services.hardship_case_close(case=case, closed_on=dt.date(2022, 6, 1))
    case.refresh_from_db()
    assert case.status == HardshipCase.Status.OPEN and case.closed_on is None


def test_a_closed_case_takes_no_aid_and_writes_no_audit(sub_a, chair):
    case = _open(sub_a, chair)
    services.hardship_case_close(case=case, closed_on=dt.date(2022, 6, 1))
    before = AuditEntry.objects.count()
    with pytest.raises(ValueError):
        services.hardship_aid_pay(case=case, paid_on=dt.date(2022, 7, 1), amount=Decimal("1"), funding_source="other")
    assert AuditEntry.objects.count() == before and not HardshipAid.objects.exists()
