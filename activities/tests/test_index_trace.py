"""The activity list's trace parameters (the annual report's figure links): ``org``, ``start``/``end``
by local start date, ``live`` and ``organizer_kind``; they only narrow the list."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from .factories import ActivityFactory

pytestmark = pytest.mark.django_db


def _titles(client, **params) -> set[str]:
    page = client.get(reverse("activities:index"), params).context["page"]
    return {a.title for a in page}


@pytest.fixture
def acts(school, sub_a, sub_b):
    local = timezone.get_current_timezone()
    return {
        # 00:30 local on 1 January is still 31 December in UTC: counted by the local date
        "new_year": ActivityFactory(
            organizer=school, title="元旦", starts_at=dt.datetime(2021, 1, 1, 0, 30, tzinfo=local)
        ),
        "spring": ActivityFactory(organizer=sub_a, title="春游", starts_at=dt.datetime(2021, 4, 1, 9, tzinfo=local)),
        "cancelled": ActivityFactory(
            organizer=sub_b, title="取消", status="cancelled", starts_at=dt.datetime(2021, 5, 1, 9, tzinfo=local)
        ),
        "old": ActivityFactory(organizer=sub_a, title="旧", starts_at=dt.datetime(2020, 12, 31, 22, tzinfo=local)),
    }


def test_period_counts_by_local_start_date(login, chair, acts):
    c = login(chair)
    assert _titles(c, start="2021-01-01", end="2021-12-31") == {"元旦", "春游", "取消"}
    assert _titles(c, end="2020-12-31") == {"旧"}


def test_org_narrows_to_the_subtree_and_an_unknown_code_gives_nothing(login, chair, acts, sub_a):
    c = login(chair)
    assert _titles(c, org=sub_a.code) == {"春游", "旧"}
    assert _titles(c, org="NO-SUCH-CODE") == set()


def test_live_and_organizer_kind(login, chair, acts):
    c = login(chair)
    assert _titles(c, live="1", organizer_kind="sub_union") == {"春游", "旧"}
    assert _titles(c, organizer_kind="school") == {"元旦"}
    resp = c.get(reverse("activities:index"), {"live": "1"})
    assert resp.context["traced"] and "取消" not in {a.title for a in resp.context["page"]}
    assert not c.get(reverse("activities:index"), {"organizer_kind": "bogus"}).context["traced"]
