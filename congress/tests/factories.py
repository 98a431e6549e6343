"""factory_boy factories for the congress area."""

import datetime as dt

import factory

from congress.models import (
    Congress,
    CongressSession,
    Delegation,
    Proposal,
    ProposalCategory,
    ProposalStatus,
    Representative,
)
from members.tests.factories import MemberFactory, SchoolFactory, UserFactory


class CongressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Congress

    school = factory.SubFactory(SchoolFactory)
    number = factory.Sequence(lambda n: n + 1)
    start_date = dt.date(2019, 4, 1)
    end_date = dt.date(2030, 3, 31)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CongressSession

    congress = factory.SubFactory(CongressFactory)
    number = factory.Sequence(lambda n: n + 1)
    date = dt.date(2026, 12, 20)
    collection_opens = dt.date(2020, 1, 1)
    collection_closes = dt.date(2099, 12, 31)


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"第{n}代表团")


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representative

    congress = factory.SubFactory(CongressFactory)
    member = factory.SubFactory(MemberFactory, organization=factory.SelfAttribute("..congress.school"))
    kind = Representative.Kind.FORMAL


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalCategory

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"类别{n}")


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    session = factory.SubFactory(SessionFactory)
    proposer = factory.SubFactory(RepresentativeFactory, congress=factory.SelfAttribute("..session.congress"))
    title = factory.Sequence(lambda n: f"关于改进第{n}项工作的建议")
    reasons = "理由若干。"
    measures = "建议措施若干。"
    created_by = factory.SubFactory(UserFactory)
    status = ProposalStatus.DRAFT
