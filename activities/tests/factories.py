"""factory_boy factories for the activities app."""

import datetime as dt

import factory
from django.utils import timezone

from activities.models import Activity, Award, Honor, InterestGroup, Level, Registration, Team
from members.tests.factories import MemberFactory, SchoolFactory


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    organizer = factory.SubFactory(SchoolFactory)
    title = factory.Sequence(lambda n: f"测试活动{n}")
    type = Activity.Type.SPORTS
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    status = Activity.Status.OPEN
    place = "体育馆"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    activity = factory.SubFactory(ActivityFactory)
    member = factory.SubFactory(MemberFactory)
    status = Registration.Status.REGISTERED


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    activity = factory.SubFactory(ActivityFactory)
    name = factory.Sequence(lambda n: f"第{n}队")


class HonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Honor

    kind = Honor.Kind.INDIVIDUAL
    member = factory.SubFactory(MemberFactory)
    organization = factory.LazyAttribute(lambda o: o.member.organization if o.member else None)
    title = "教学标兵"
    level = Level.PROVINCIAL
    grantor = "省教育厅"
    awarded_on = dt.date(2021, 6, 1)


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    kind = Award.Kind.INDIVIDUAL
    member = factory.SubFactory(MemberFactory)
    organization = factory.LazyAttribute(lambda o: o.member.organization if o.member else None)
    competition = "省教学技能竞赛"
    prize = Award.Prize.FIRST
    level = Level.PROVINCIAL
    grantor = "省教科文卫体工会"
    awarded_on = dt.date(2021, 6, 18)


class InterestGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterestGroup

    organization = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"兴趣小组{n}")
