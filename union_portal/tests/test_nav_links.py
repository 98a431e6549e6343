"""No link leads to a refusal: for each role, crawl every page it can reach from the home page and
check that no link (navigation, buttons, back links) answers 403 or 404.

The world is the shared fixtures' school plus one record of each main kind (a member's own visit,
a congress term and session, an activity) and a district union with its chair and committee.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from urllib.parse import urldefrag, urlsplit

import pytest

from conftest import make_role_user
from members.models import Member, Organization, Role
from members.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="(/[^"]*)"')
SKIP = ("/static/", "/media/", "/admin/", "/accounts/logout", "/i18n/")
SKIP_ENDINGS = (".xlsx", ".pdf", ".csv", ".zip")
MAX_PAGES = 120  # per role; the crawl stops there (list pages link to every row)


def _links(html: str) -> set[str]:
    out = set()
    for raw in HREF.findall(html):
        url = urldefrag(raw.replace("&amp;", "&"))[0]
        path = urlsplit(url).path
        if not url or url.startswith(SKIP) or path.endswith(SKIP_ENDINGS):
            continue
        out.add(url)
    return out


def _crawl(client) -> dict[str, tuple[int, str]]:
    """Every reachable URL → (status, the page that linked it), breadth first from ``/``."""
    seen: dict[str, tuple[int, str]] = {}
    queue = [("/", "")]
    while queue and len(seen) < MAX_PAGES:
        url, origin = queue.pop(0)
        if url in seen:
            continue
        resp = client.get(url)
        seen[url] = (resp.status_code, origin)
        if resp.status_code == 200 and "text/html" in resp.get("Content-Type", ""):
            queue.extend((link, url) for link in sorted(_links(resp.content.decode())) if link not in seen)
    return seen


@pytest.fixture
def world(school, sub_a, sub_b, department, chair):
    from activities.tests.factories import ActivityFactory
    from congress.tests.factories import CongressFactory, SessionFactory
    from welfare import services as welfare

    member = make_role_user("member", Role.MEMBER, sub_a, sub_a)
    me = Member.objects.get(user=member)
    welfare.welfare_visit_record(
        member=me, occasion=welfare.occasion_by_code(None, "marriage"), visited_on=dt.date(2025, 5, 1),
        cash_amount=Decimal("500"), acting_user=chair,
    )  # fmt: skip
    SessionFactory(congress=CongressFactory(school=school), number=1)
    ActivityFactory(organizer=school)
    district = OrganizationFactory(kind=Organization.Kind.DISTRICT, code="DST", name="区教育工会")
    Organization.objects.filter(pk=school.pk).update(parent=district)
    for node in Organization.objects.filter(path__startswith=school.path):
        node.save()  # rewrite the paths under the district
    return {"member": member, "district": district}


@pytest.mark.parametrize(
    "role", ["chair", "committee", "sub_union_chair", "proposal_committee", "handler", "representative", "member",
             "district_chair", "district_committee"],
)  # fmt: skip
def test_no_link_answers_403_or_404(request, client, world, role):
    if role.startswith("district_"):
        user = make_role_user(role, Role.CHAIR if role == "district_chair" else Role.COMMITTEE, world["district"],
                              Organization.objects.get(code="SCH"))  # fmt: skip
        Member.objects.filter(user=user).delete()  # district staff are not on a school's roster
    else:
        user = world["member"] if role == "member" else request.getfixturevalue(role)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    seen = _crawl(client)
    broken = {url: hit for url, hit in seen.items() if hit[0] in (403, 404, 500)}
    assert not broken, f"{role}: links answering 403/404: {broken}"
    assert len(seen) > 3
