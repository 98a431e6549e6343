import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from members.models import AuditEntry
from members.tests.factories import MemberFactory
from welfare.models import WelfareVisit
from welfare.tests.factories import WelfareVisitFactory, occasion

pytestmark = pytest.mark.django_db
URL = reverse("welfare:ledger")
ALL_YEARS = {"start": "", "end": ""}  # both dates cleared: every year (the page defaults to the current year)


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
    r = login(chair).get(URL, ALL_YEARS)
    t = r.context["totals"]
    assert (t["count"], t["persons"], t["total"]) == (4, 3, Decimal("2000"))


def test_filters_by_period_occasion_sub_union_source_and_member(login, chair, visits, sub_b):
    client = login(chair)
    assert client.get(URL, {"start": "2021-01-01"}).context["totals"]["count"] == 3
    assert client.get(URL, {"occasion": occasion("hospitalisation").pk, **ALL_YEARS}).context["totals"]["count"] == 1
    assert client.get(URL, {"sub_union": sub_b.pk, **ALL_YEARS}).context["totals"]["count"] == 1
    assert client.get(URL, {"funding_source": "school_welfare", **ALL_YEARS}).context["totals"]["count"] == 1
    assert client.get(URL, {"member": visits[0].name, **ALL_YEARS}).context["totals"]["count"] == 2


def test_period_defaults_to_the_current_calendar_year_and_the_form_shows_it(login, chair, visits):
    this_year = timezone.localdate().year
    WelfareVisitFactory(member=visits[0], visited_on=dt.date(this_year, 1, 2), cash_amount=Decimal("800"))
    r = login(chair).get(URL)
    assert (r.context["totals"]["count"], r.context["totals"]["total"]) == (1, Decimal("800"))
    body = r.content.decode()
    assert f'value="{this_year}-01-01"' in body and f'value="{this_year}-12-31"' in body


def test_org_parameter_restricts_to_that_subtree_within_the_users_scope(login, chair, sub_union_chair, visits, sub_b):
    assert login(chair).get(URL, {"org": sub_b.code, **ALL_YEARS}).context["totals"]["count"] == 1
    assert login(chair).get(URL, {"org": "NO-SUCH", **ALL_YEARS}).context["totals"]["count"] == 0
    # The sub-union chair of sub_a asking for sub_b sees nothing: ?org= never widens the scope.
    assert login(sub_union_chair).get(URL, {"org": sub_b.code, **ALL_YEARS}).context["totals"]["count"] == 0


def test_bad_filter_input_does_not_fail(login, chair, visits):
    r = login(chair).get(URL, {"start": "not-a-date", "occasion": "999999", "page": "x"})
    assert r.status_code == 200


def test_sub_union_chair_sees_own_sub_union_only(login, sub_union_chair, visits):
    t = login(sub_union_chair).get(URL, ALL_YEARS).context["totals"]
    assert (t["count"], t["persons"]) == (3, 2)


@pytest.mark.parametrize("per_member", [1, 10])
@pytest.mark.parametrize("params", [{}, ALL_YEARS], ids=["this-year", "all-years"])
def test_ledger_query_budget_holds_at_ten_times_the_data(
    login, chair, sub_a, django_assert_max_num_queries, per_member, params
):
    members = MemberFactory.create_batch(12, organization=sub_a)
    year = timezone.localdate().year
    WelfareVisit.objects.bulk_create(
        WelfareVisit(member=m, occasion=occasion("marriage"), visited_on=dt.date(year, 1 + i % 12, 1 + i % 28),
                     cash_amount=Decimal("500"))
        for i, m in enumerate(members * per_member * 5)
    )
    client = login(chair)
    # Budget 10 at 60 and 600 visits: session, user, roles, member_of, totals (which also gives the
    # paginator its count), occasion and sub-union choices, page rows, visitors prefetch (9 in the view;
    # a school chair has no hidden-sensitive count to query), plus the idle-timeout session save
    # (one UPDATE in production; SAVEPOINT/UPDATE/RELEASE inside the test transaction, so ≤ 12 here).
    with django_assert_max_num_queries(12):
        response = client.get(URL, {**params, "page": 2})
    assert response.status_code == 200 and response.context["page"].object_list


def test_export_is_an_xlsx_with_totals_and_is_audited(login, chair, visits):
    r = login(chair).get(reverse("welfare:ledger_export"), ALL_YEARS)
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
