"""Traceability: a figure's link opens the list of the records it counts, and that list shows the same total."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from reports import figures as F
from scripts.demo.members import load_demo

TODAY = dt.date(2026, 11, 28)  # the demo's anchor date
START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)  # its last full calendar year


def _total(response, key: str) -> int:
    """The total the linked page shows, read from its context and checked against its HTML."""
    html = response.content.decode()
    if key.startswith("welfare.visits"):
        n = response.context["totals"]["count"]
        assert re.search(rf'id="total-count">{n:,}<', html), "ledger totals row"
        return n
    if key.startswith("welfare.distributions"):
        return response.context["totals"]["n"]
    n = response.context["page"].paginator.count
    if key.startswith("congress."):
        assert f"共 {n} 件" in html
    else:
        assert f"共 {n} 项活动" in html
    return n


@pytest.mark.django_db
def test_figure_links_open_lists_showing_the_same_totals_on_the_demo(client):
    (ctx,) = load_demo(scale=1, today=TODAY)
    assert (START.year, END.year) == (ctx.year, ctx.year)
    school = ctx.school
    figs = F.collect(organization=school, start=START, end=END)["current"]
    client.force_login(ctx.users["chair"])
    org = {"code": school.code, "kind": school.kind, "pk": school.pk}
    keys = [
        "welfare.visits.count",  # 人次 on the ledger
        "welfare.distributions.recipients",
        "congress.collected",
        "congress.accepted",
        "congress.replied",
        "congress.satisfied",
        "activities.activities.total",
        "activities.activities.by_organizer_kind.sub_union",
    ]
    checked = 0
    for key in keys:
        url = F.figure_url(key, org=org, start=START.isoformat(), end=END.isoformat())
        query = parse_qs(urlsplit(url).query)
        assert query["org"] == [school.code], url
        response = client.get(url)
        assert response.status_code == 200, url
        expected = F.lookup(figs, key)
        assert _total(response, key) == expected, (key, url)
        checked += expected > 0
    assert checked >= 6  # the demo has records behind these figures: the comparison is not vacuous


@pytest.mark.django_db
def test_org_parameter_never_widens_what_a_user_may_see(client):
    (ctx,) = load_demo(scale=1, today=TODAY)
    figs = F.collect(organization=ctx.school, start=START, end=END)["current"]
    client.force_login(ctx.users["member"])  # a plain member: the ledger is for managers only
    url = F.figure_url("welfare.visits.count", org={"code": ctx.school.code}, start=str(START), end=str(END))
    assert F.lookup(figs, "welfare.visits.count") > 0
    assert client.get(url).status_code == 403
    url = F.figure_url("congress.collected", org={"code": ctx.school.code}, start=str(START), end=str(END))
    assert client.get(url).status_code == 403  # the full list (all statuses) is the committee's
