"""Service of 体检: a campaign with its participants, audited, all-or-nothing."""

import datetime as dt
from decimal import Decimal

import pytest

from members.models import AuditEntry
from members.tests.factories import MemberFactory
from welfare import services
from welfare.models import HealthCheckCampaign, HealthCheckParticipant

pytestmark = pytest.mark.django_db


def _boom(*args, **kwargs):
    raise RuntimeError("audit store down")


def _campaign(school, chair, **kwargs):
    args = dict(
        organization=school, members_of=school, name="2022年体检", held_on=dt.date(2022, 4, 1), acting_user=chair
    )
    return services.healthcheck_campaign_create(**{**args, **kwargs})


def test_campaign_enrols_active_members_women_get_the_special_check(school, sub_a, chair):
    woman = MemberFactory(organization=sub_a, gender="female")
    man = MemberFactory(organization=sub_a, gender="male", employment_type="contract")
    retired = MemberFactory(organization=sub_a, status="retired")
    camp = _campaign(school, chair, cost_per_person=None)
    assert (camp.year, camp.cost_per_person) == (2022, Decimal("0"))
    parts = dict(HealthCheckParticipant.objects.filter(campaign=camp).values_list("member_id", "womens_check"))
    assert parts[woman.pk] is True and parts[man.pk] is False and retired.pk not in parts
    assert AuditEntry.objects.filter(action="create", object_type="welfare.healthcheckcampaign").exists()
    with_retirees = _campaign(school, chair, include_retirees=True)
    assert with_retirees.participants.filter(member=retired).exists()


def test_campaign_failing_audit_writes_no_campaign_and_no_participant(school, sub_a, chair, monkeypatch):
    MemberFactory(organization=sub_a)
    monkeypatch.setattr(services, "audit", _boom)
    with pytest.raises(RuntimeError):
        _campaign(school, chair)
    assert not HealthCheckCampaign.objects.exists() and not HealthCheckParticipant.objects.exists()
