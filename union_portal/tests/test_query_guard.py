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
