"""The picker search endpoint: name, pinyin initials or 工号, scoped to the user's members, at most 20."""

import pytest

from members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _names(resp):
    assert resp.status_code == 200
    return [r["text"] for r in resp.json()["results"]]


@pytest.fixture
def people(sub_a, sub_b, other_school):
    return {
        "a": MemberFactory(organization=sub_a, name="欧阳振华", staff_no="T1001"),
        "b": MemberFactory(organization=sub_b, name="欧阳娜", staff_no="T2002"),
        "other": MemberFactory(organization=other_school, name="欧阳振国", staff_no="T1009"),
    }


def test_finds_by_initials_pinyin_name_and_staff_no(login, chair, people):
    c = login(chair)
    assert _names(c.get("/members/search/", {"q": "oyzh"})) == ["欧阳振华（T1001）"]
    assert _names(c.get("/members/search/", {"q": "ouyangna"})) == ["欧阳娜（T2002）"]
    assert set(_names(c.get("/members/search/", {"q": "欧阳"}))) == {"欧阳振华（T1001）", "欧阳娜（T2002）"}
    assert _names(c.get("/members/search/", {"q": "T100"})) == ["欧阳振华（T1001）"]
    assert _names(c.get("/members/search/", {"q": ""})) == []


def test_value_staff_no_and_org_filter(login, chair, people, sub_b):
    c = login(chair)
    res = c.get("/members/search/", {"q": "oy", "value": "staff_no", "org": sub_b.pk}).json()["results"]
    assert [r["value"] for r in res] == ["T2002"]
    assert c.get("/members/search/", {"q": "oy", "org": "x"}).json()["results"] == []


def test_sub_union_chair_sees_only_their_sub_union(login, sub_union_chair, people):
    assert _names(login(sub_union_chair).get("/members/search/", {"q": "oy"})) == ["欧阳振华（T1001）"]


def test_other_school_gets_no_results(login, outsider, people, school):
    c = login(outsider)
    assert _names(c.get("/members/search/", {"q": "oy"})) == ["欧阳振国（T1009）"]
    assert _names(c.get("/members/search/", {"q": "oy", "org": school.pk})) == []


def test_plain_member_refused(login, member, people):
    assert login(member).get("/members/search/", {"q": "oy"}).status_code == 403


def test_at_most_twenty(login, chair, sub_a):
    for i in range(25):
        MemberFactory(organization=sub_a, name=f"王{i}", staff_no=f"W{i:03d}")
    assert len(_names(login(chair).get("/members/search/", {"q": "W0"}))) == 20


def test_anonymous_redirected_and_post_refused(client, login, chair):
    assert client.get("/members/search/", {"q": "a"}).status_code == 302
    assert login(chair).post("/members/search/").status_code == 405
