"""Every drill-down matches: each linked figure of the demo report opens a list whose filtered total equals it.

The walk covers every figure a provider declares and every ``{key}`` placeholder of the default
report text (so, every figure the demo report prints with a link), not a sample. A list page states
its totals in elements carrying ``data-total="<name>"``: the name is the figure's key after the
provider's label (``visits.count``), or ``count`` for the number of rows of the filtered list.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest

from reports import figures as F
from reports import providers as P
from reports.document import placeholders
from reports.services import default_sections
from scripts.demo.members import load_demo

START, END = dt.date(2021, 1, 1), dt.date(2021, 12, 31)
TOTAL = re.compile(r'data-total="([^"]+)"[^>]*>([^<]*)<')


def _report_keys(school) -> list[str]:
    keys = set()
    for provider in P.providers():
        keys.update(f"{provider.label}.{k}" for k in provider.figures)
    for _kind, _title, blocks in default_sections():
        for _block_kind, text in blocks:
            keys.update(placeholders(text))
    return sorted(keys)


def _page_totals(html: str) -> dict[str, Decimal]:
    out = {}
    for name, raw in TOTAL.findall(html):
        digits = re.sub(r"[^\d.\-]", "", raw)
        out.setdefault(name, Decimal(digits) if digits else None)
    return out


def walk(client, ctx) -> list[tuple]:
    """(key, url, figure, page total or None) for every linked figure of the demo report."""
    school = ctx.school
    figs = F.collect(organization=school, start=START, end=END)["current"]
    org = {"code": school.code, "kind": school.kind, "pk": school.pk}
    rows = []
    for key in _report_keys(school):
        url = F.figure_url(key, org=org, start=START.isoformat(), end=END.isoformat())
        if not url:
            continue
        value = F.lookup(figs, key)
        response = client.get(url)
        assert response.status_code == 200, (key, url, response.status_code)
        totals = _page_totals(response.content.decode())
        suffix = key.partition(".")[2]
        page = totals.get(suffix, totals.get("count"))
        rows.append((key, url, value, page))
    return rows


@pytest.mark.django_db
def test_every_linked_figure_of_the_demo_report_lands_on_a_list_with_the_same_total(client):
    (ctx,) = load_demo(scale=1)
    client.force_login(ctx.users["chair"])
    rows = walk(client, ctx)
    bad = [r for r in rows if r[3] is None or r[2] is None or Decimal(str(r[2])) != r[3]]
    assert not bad, bad
    assert sum(1 for r in rows if r[2] and Decimal(str(r[2])) > 0) >= 20  # not vacuous
