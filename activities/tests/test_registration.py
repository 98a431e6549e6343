"""Capacity, waitlist promotion, family registration and check-in (services)."""

import pytest

from activities.models import Activity, Registration
from activities.services import (
    RegistrationError,
    activity_save,
    registration_cancel,
    registration_check_in,
    registration_create,
)
from members.tests.factories import FamilyMemberFactory, MemberFactory

from .factories import ActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_one(school):
    return ActivityFactory(organizer=school, capacity=1)


def test_registration_takes_a_place_while_one_is_free(full_one, sub_a):
    reg = registration_create(activity=full_one, member=MemberFactory(organization=sub_a))
    assert reg.status == Registration.Status.REGISTERED


def test_registration_beyond_capacity_goes_to_waitlist(full_one, sub_a):
    registration_create(activity=full_one, member=MemberFactory(organization=sub_a))
    second = registration_create(activity=full_one, member=MemberFactory(organization=sub_a))
    assert second.status == Registration.Status.WAITLISTED


def test_cancel_promotes_the_oldest_waitlisted(full_one, sub_a):
    first = registration_create(activity=full_one, member=MemberFactory(organization=sub_a))
    second = registration_create(activity=full_one, member=MemberFactory(organization=sub_a))
    third = registration_create(activity=full_one, member=MemberFactory(organization=sub_a))
    result = registration_cancel(registration=first)
    assert [r.pk for r in result.promoted] == [second.pk]
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == Registration.Status.REGISTERED and second.promoted_at is not None
    assert third.status == Registration.Status.WAITLISTED


def test_cancelling_a_waitlisted_registration_promotes_nobody(full_one, sub_a):
    registration_create(activity=full_one, member=MemberFactory(organization=sub_a))
    waiting = registration_create(activity=full_one, member=MemberFactory(organization=sub_a))
    assert registration_cancel(registration=waiting).promoted == []


def test_raising_capacity_promotes_the_waitlist(full_one, sub_a):
    registration_create(activity=full_one, member=MemberFactory(organization=sub_a))
    waiting = registration_create(activity=full_one, member=MemberFactory(organization=sub_a))
    full_one.capacity = 2
    promoted = activity_save(activity=full_one)
    assert [r.pk for r in promoted] == [waiting.pk]


def test_duplicate_registration_is_refused(school, sub_a):
    activity = ActivityFactory(organizer=school)
    m = MemberFactory(organization=sub_a)
    registration_create(activity=activity, member=m)
    with pytest.raises(RegistrationError, match="已经报过名"):
        registration_create(activity=activity, member=m)


def test_member_may_register_again_after_cancelling(school, sub_a):
    activity = ActivityFactory(organizer=school)
    m = MemberFactory(organization=sub_a)
    registration_cancel(registration=registration_create(activity=activity, member=m))
    assert registration_create(activity=activity, member=m).status == Registration.Status.REGISTERED


def test_family_registration_takes_its_own_place(school, sub_a):
    activity = ActivityFactory(organizer=school, admits_families=True, capacity=2, audience=Activity.Audience.FAMILIES)
    m = MemberFactory(organization=sub_a)
    child = FamilyMemberFactory(member=m, relation="child", name="小明")
    registration_create(activity=activity, member=m)
    kid = registration_create(activity=activity, member=m, family_member=child)
    assert kid.status == Registration.Status.REGISTERED and kid.person_name == "小明"
    third = registration_create(activity=activity, member=MemberFactory(organization=sub_a))
    assert third.status == Registration.Status.WAITLISTED


def test_family_registration_refused_when_families_not_admitted(school, sub_a):
    activity = ActivityFactory(organizer=school, admits_families=False)
    m = MemberFactory(organization=sub_a)
    with pytest.raises(RegistrationError, match="不接受家属"):
        registration_create(activity=activity, member=m, family_member=FamilyMemberFactory(member=m))


def test_cannot_register_someone_elses_family(school, sub_a):
    activity = ActivityFactory(organizer=school, admits_families=True)
    m = MemberFactory(organization=sub_a)
    with pytest.raises(RegistrationError, match="本人的直系亲属"):
        registration_create(activity=activity, member=m, family_member=FamilyMemberFactory())


def test_women_only_activity_refuses_men(school, sub_a):
    activity = ActivityFactory(organizer=school, audience=Activity.Audience.WOMEN)
    with pytest.raises(RegistrationError, match="女教职工"):
        registration_create(activity=activity, member=MemberFactory(organization=sub_a, gender="male"))
    assert registration_create(activity=activity, member=MemberFactory(organization=sub_a, gender="female"))


def test_registration_closed_outside_the_window(school, sub_a):
    planned = ActivityFactory(organizer=school, status=Activity.Status.PLANNED)
    with pytest.raises(RegistrationError, match="报名时间"):
        registration_create(activity=planned, member=MemberFactory(organization=sub_a))


def test_check_in_records_time_once(school, sub_a):
    reg = registration_create(activity=ActivityFactory(organizer=school), member=MemberFactory(organization=sub_a))
    first = registration_check_in(registration=reg).checked_in_at
    assert first is not None
    assert registration_check_in(registration=reg).checked_in_at == first


def test_waitlisted_cannot_check_in(full_one, sub_a):
    registration_create(activity=full_one, member=MemberFactory(organization=sub_a))
    waiting = registration_create(activity=full_one, member=MemberFactory(organization=sub_a))
    with pytest.raises(RegistrationError, match="候补"):
        registration_check_in(registration=waiting)
