"""Figures are computed afresh at each assembly: no stale figure after any kind of write."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction

from members.models import Member
from members.tests.factories import MemberFactory, SchoolFactory
from reports import figures
from welfare.models import WelfareVisit
from welfare.services import distribution_issue
from welfare.tests.factories import WelfareVisitFactory, occasion

START, END = dt.date(2021, 1, 1), dt.date(2021, 12, 31)


def current(school) -> dict:
    return figures.collect(organization=school, start=START, end=END)["current"]


def visits(school) -> dict:
    return current(school)["welfare"]["visits"]


@pytest.mark.django_db(transaction=True)
def test_every_kind_of_committed_write_is_seen_at_once():
    school = SchoolFactory()
    member = MemberFactory(organization=school)
    WelfareVisitFactory(member=member, cash_amount=Decimal("500"))
    assert visits(school)["count"] == 1

    WelfareVisitFactory(member=member, cash_amount=Decimal("300"))  # Model.save
    assert visits(school)["count"] == 2

    WelfareVisit.objects.filter(member=member).update(cash_amount=Decimal("100"))  # QuerySet.update
    assert Decimal(visits(school)["cash"]) == Decimal("200")

    WelfareVisit.objects.bulk_create(  # bulk_create
        [WelfareVisit(member=member, school=school, occasion=occasion("marriage"), visited_on=dt.date(2021, 6, 1),
                      cash_amount=Decimal("50"), gift_value=Decimal("0"))]
    )
    assert visits(school)["count"] == 3

    with connection.cursor() as cursor:  # raw SQL
        cursor.execute("DELETE FROM welfare_welfarevisit WHERE cash_amount = %s", [Decimal("50")])
    assert visits(school)["count"] == 2

    staff = current(school)["members"]["staff"]
    Member.objects.filter(pk=member.pk).update(status="retired")  # another app's table
    assert current(school)["members"]["staff"] == staff - 1

    with transaction.atomic():  # a service's bulk path inside a transaction
        issued = distribution_issue(organization=school, festival="spring", title="春节慰问",
                                    distributed_on=dt.date(2021, 2, 1), item="大礼包",
                                    value_per_person=Decimal("200.00"))
    assert issued.issued >= 1
    assert current(school)["welfare"]["distributions"]["recipients"] == issued.issued


@pytest.mark.django_db(transaction=True)
def test_a_transaction_sees_its_own_writes_and_a_rollback_leaves_no_trace():
    school = SchoolFactory()
    member = MemberFactory(organization=school)
    WelfareVisitFactory(member=member)
    assert visits(school)["count"] == 1

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        WelfareVisitFactory(member=member)
        assert visits(school)["count"] == 2  # its own write
        raise Abandon

    assert visits(school)["count"] == 1  # the rolled-back write is gone from the figures


@pytest.mark.django_db(transaction=True)
def test_figures_are_made_in_the_site_language_whoever_assembles_first():
    from django.utils import translation

    from welfare.models import FundingSource

    school = SchoolFactory()
    WelfareVisitFactory(member=MemberFactory(organization=school), funding_source=FundingSource.UNION_FUNDS)

    def labels():
        welfare = figures.collect(organization=school, start=START, end=END)["current"]["welfare"]
        return [row["label"] for row in welfare["visits_by_funding_source"] if row["count"]]

    with translation.override("en"):
        first = labels()  # assembled while the interface is English
    with translation.override("zh-hans"):
        second = labels()
    assert first == second == [str(FundingSource.UNION_FUNDS.label)] == ["工会经费"]
