"""factory_boy factories for welfare records."""

import datetime as dt
from decimal import Decimal

import factory

from members.tests.factories import MemberFactory
from welfare.defaults import ensure_defaults
from welfare.models import PendingVisit, SpendingCap, SpendingCapRuleSet, VisitOccasion, WelfareVisit


def occasion(code: str) -> VisitOccasion:
    """A shipped default occasion (data migration; recreated if a transactional test flushed it)."""
    ensure_defaults(VisitOccasion, SpendingCapRuleSet, SpendingCap)
    return VisitOccasion.objects.get(school__isnull=True, code=code)


class WelfareVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WelfareVisit

    member = factory.SubFactory(MemberFactory)
    occasion = factory.LazyFunction(lambda: occasion("marriage"))
    visited_on = dt.date(2021, 5, 10)
    cash_amount = Decimal("500")
    gift_value = Decimal("0")


class PendingVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PendingVisit

    member = factory.SubFactory(MemberFactory)
    event = PendingVisit.Event.HOSPITALISATION
    occasion = factory.LazyFunction(lambda: occasion("hospitalisation"))
    event_date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=10))
    due_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=3))
    notes = "住院治疗"
