"""Service of 捐助与献血: a donation, audited, all-or-nothing."""

import datetime as dt
from decimal import Decimal

import pytest

from members.models import AuditEntry
from members.tests.factories import MemberFactory
from welfare import services
from welfare.models import Donation, DonationDrive

pytestmark = pytest.mark.django_db


def _boom(*args, **kwargs):
    raise RuntimeError("audit store down")


def test_donation_is_recorded_and_audited_or_not_at_all(school, sub_a, chair, monkeypatch):
    drive = DonationDrive.objects.create(
        organization=school, kind="blood", title="无偿献血", held_on=dt.date(2022, 5, 1)
    )
    m = MemberFactory(organization=sub_a)
    donation = services.donation_record(drive=drive, member=m, amount=None, blood_ml=300, acting_user=chair)
    assert (donation.amount, donation.blood_ml) == (Decimal("0"), 300)
    assert AuditEntry.objects.filter(object_type="welfare.donation", object_id=str(donation.pk)).exists()
    monkeypatch.setattr(services, "audit", _boom)
    with pytest.raises(RuntimeError):
        services.donation_record(drive=drive, member=m, amount=Decimal("50"), acting_user=chair)
    assert Donation.objects.count() == 1
