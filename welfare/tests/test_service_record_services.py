"""Service of 服务事项: a record, audited, all-or-nothing."""

import datetime as dt

import pytest

from members.models import AuditEntry
from members.tests.factories import MemberFactory
from welfare import services
from welfare.models import ServiceRecord

pytestmark = pytest.mark.django_db


def _boom(*args, **kwargs):
    raise RuntimeError("audit store down")


def test_service_record_is_recorded_and_audited_or_not_at_all(sub_a, chair, monkeypatch):
    m = MemberFactory(organization=sub_a)
    record = services.service_record_create(
        member=m, kind="legal_aid", served_on=dt.date(2022, 3, 1), description="劳动争议咨询", acting_user=chair
    )
    assert record.recorded_by == chair
    assert AuditEntry.objects.filter(object_type="welfare.servicerecord", summary__contains="法律援助").exists()
    monkeypatch.setattr(services, "audit", _boom)
    with pytest.raises(RuntimeError):
        services.service_record_create(member=m, kind="other", served_on=dt.date(2022, 3, 2), description="x")
    assert ServiceRecord.objects.count() == 1
