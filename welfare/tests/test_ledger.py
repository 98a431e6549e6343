import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.models import AuditEntry
from members.tests.factories import MemberFactory
from welfare.tests.factories import WelfareVisitFactory, occasion

pytestmark = pytest.mark.django_db
URL = reverse("welfare:ledger")


@pytest.fixture
def visits(sub_a, sub_b):
    a1, a2, b1 = (
        MemberFactory(organization=sub_a),
        MemberFactory(organization=sub_a),
        MemberFactory(organization=sub_b),
    )
    WelfareVisitFactory(member=a1, cash_amount=Decimal("500"), gift_value=Decimal("100"), gift_description="水果")
    WelfareVisitFactory(member=a1, occasion=occasion("hospitalisation"), cash_amount=Decimal("300"))
    WelfareVisitFactory(member=a2, funding_source="school_welfare", visited_on=dt.date(2020, 1, 5))
    WelfareVisitFactory(member=b1, occasion=occasion("childbirth"), cash_amount=Decimal("600"))
    return a1, a2, b1


def test_totals_row_counts_person_times_persons_and_yuan(login, chair, visits):
    r = login(chair).get(URL)
    t = r.context["totals"]
    assert (t["count"], t["persons"], t["total"]) == (4, 3, Decimal("2000"))


def test_filters_by_period_occasion_sub_union_source_and_member(login, chair, visits, sub_b):
    client = login(chair)
    assert client.get(URL, {"start": "2021-01-01"}).context["totals"]["count"] == 3
    assert client.get(URL, {"occasion": occasion("hospitalisation").pk}).context["totals"]["count"] == 1
    assert client.get(URL, {"sub_union": sub_b.pk}).context["totals"]["count"] == 1
    assert client.get(URL, {"funding_source": "school_welfare"}).context["totals"]["count"] == 1
    assert client.get(URL, {"member": visits[0].name}).context["totals"]["count"] == 2


def test_bad_filter_input_does_not_fail(login, chair, visits):
    r = login(chair).get(URL, {"start": "not-a-date", "occasion": "999999", "page": "x"})
    assert r.status_code == 200


def test_sub_union_chair_sees_own_sub_union_only(login, sub_union_chair, visits):
    t = login(sub_union_chair).get(URL).context["totals"]
    assert (t["count"], t["persons"]) == (3, 2)


def test_ledger_query_budget_holds_at_ten_times_the_data(login, chair, sub_a, django_assert_max_num_queries):
    members = MemberFactory.create_batch(10, organization=sub_a)
    for m in members * 10:
        WelfareVisitFactory(member=m)
    client = login(chair)
    # Budget: session, user, roles, member_of, filter choices rendered (2), totals (1), hidden count (1),
    # page count (1), page rows (1), visitors prefetch (1): constant in the number of visits.
    with django_assert_max_num_queries(14):
        assert client.get(URL).status_code == 200


def test_export_is_an_xlsx_with_totals_and_is_audited(login, chair, visits):
    r = login(chair).get(reverse("welfare:ledger_export"))
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "日期" and len(rows) == 6 and rows[-1][0] == "合计" and rows[-1][1] == "4人次"
    assert AuditEntry.objects.filter(action="export", username="chair").exists()


def test_member_sees_only_their_own_records(login, member):
    WelfareVisitFactory(member=member.member, gift_description="贺礼")
    WelfareVisitFactory(member=MemberFactory(organization=member.member.organization))
    r = login(member).get(reverse("welfare:index"))
    assert len(r.context["visits"]) == 1
    assert login(member).get(URL).status_code == 403
