"""Pending-visit reminders and the weekly digest: to the chair and the sub-union chair, once per step."""

import datetime as dt

import pytest

from members.models import Reminder
from members.tests.factories import MemberFactory
from welfare import tasks

from .factories import PendingVisitFactory

pytestmark = pytest.mark.django_db


def test_pending_visit_near_then_past_reaches_chair_and_sub_union_chair(chair, sub_union_chair, committee, sub_a):
    patient = MemberFactory(organization=sub_a, name="林住院")
    visit = PendingVisitFactory(member=patient, event_date=dt.date.today())
    visit.due_on = dt.date.today() + dt.timedelta(days=2)
    visit.save()
    assert tasks.remind_pending_visits() == 2
    assert tasks.remind_pending_visits() == 0
    assert tasks.remind_pending_visits((visit.due_on + dt.timedelta(days=1)).isoformat()) == 2
    assert set(Reminder.objects.values_list("recipient__username", flat=True)) == {"chair", "subchair"}
    assert not Reminder.objects.filter(recipient=committee).exists()


def test_weekly_digest_once_a_week(chair, sub_union_chair, sub_a):
    today = dt.date.today()
    MemberFactory(organization=sub_a, name="王生日", birth_date=today.replace(year=1985) + dt.timedelta(days=0)
                  if not (today.month == 2 and today.day == 29) else dt.date(1984, 2, 29))
    assert tasks.weekly_digest() == 2  # the school's chair and sub_a's chair
    assert tasks.weekly_digest() == 0
    digest = Reminder.objects.get(recipient=chair)
    assert "王生日" in digest.body and digest.kind == Reminder.Kind.DIGEST
