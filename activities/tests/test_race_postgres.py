"""Two registrations racing for the last place, on real PostgreSQL connections."""

import threading

import pytest
from django.db import connection, connections

from activities.models import Registration
from activities.services import registration_create
from members.tests.factories import MemberFactory

from .factories import ActivityFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE) are tested on PostgreSQL; SQLite serialises writers")


@pytest.mark.parametrize("attempt", range(3))
def test_two_registrations_never_both_get_the_last_place(school, sub_a, attempt):
    activity = ActivityFactory(organizer=school, capacity=2)
    registration_create(activity=activity, member=MemberFactory(organization=sub_a))
    racers = [MemberFactory(organization=sub_a) for _ in range(2)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def register(member):
        try:
            barrier.wait(timeout=10)
            registration_create(activity=activity, member=member)
        except BaseException as exc:  # noqa: BLE001 - surfaced in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(m,)) for m in racers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    statuses = sorted(Registration.objects.filter(member__in=racers).values_list("status", flat=True))
    assert statuses == [Registration.Status.REGISTERED, Registration.Status.WAITLISTED]
    assert Registration.objects.filter(activity=activity, status=Registration.Status.REGISTERED).count() == 2
