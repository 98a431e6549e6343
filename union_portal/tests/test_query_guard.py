"""Query strings with NUL, other control characters or overlong values answer 400, never 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

LIST_PAGES = ("members:list", "welfare:ledger", "congress:proposal_list", "activities:index", "members:audit")


@pytest.mark.django_db
@pytest.mark.parametrize("name", LIST_PAGES)
@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "%00=1", "q=%1b", "org=" + "x" * 1001])
def test_bad_query_string_answers_400_in_chinese(client, chair, name, query):
    client.force_login(chair)
    response = client.get(f"{reverse(name)}?{query}")
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["q=%E5%BC%A0%09", "q=" + "张" * 1000, "page=abc", "start=2021-13-45"])
def test_ordinary_odd_values_still_answer(client, chair, query):
    """Tab, 1000 characters, a wrong page number or date: the page answers (no 400, no 500)."""
    client.force_login(chair)
    assert client.get(f"{reverse('members:list')}?{query}").status_code == 200


def _plain_routes() -> list[str]:
    """Every named URL without path parameters (the list and form pages a query string can reach)."""
    from .matrix_runner import all_routes

    return [r.name for r in all_routes() if not r.params]


@pytest.mark.django_db
def test_every_page_refuses_nul_and_survives_wrong_types(client, chair):
    """NUL or an overlong value → 400 on every parameterless page; wrong types (a word for a page
    number, year, date or id) never answer 500 on any of them."""
    client.force_login(chair)
    odd = {"page": "abc", "year": "x", "start": "2021-13-45", "end": "no", "org": "nope", "q": "<b>",
           "status": "??", "session": "abc", "school": "x", "drive": "y", "on": "z", "sub_union": "q"}
    names = _plain_routes()
    assert len(names) > 60, names  # the walk sees the whole site
    for name in names:
        url = reverse(name)
        assert client.get(url, {"q": "a\x00b"}).status_code == 400, name
        assert client.get(url, {"x": "y" * 1001}).status_code == 400, name
        assert client.get(url, odd).status_code < 500, name
