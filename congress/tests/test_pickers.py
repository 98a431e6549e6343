"""Co-signer search, similar proposals while typing, and the 并案 list ranked by similarity."""

import pytest

from congress.forms import DecisionForm
from members.tests.factories import MemberFactory

from .factories import RepresentativeFactory
from .helpers import accepted, drafted, submitted

pytestmark = pytest.mark.django_db


def test_cosigner_search_by_initials_excludes_proposer_and_invited(
    login, representative, rep_seat, cosigners, session, congress, sub_a
):
    p = drafted(representative, session)
    target = RepresentativeFactory(congress=congress, member=MemberFactory(organization=sub_a, name="欧阳振华"))
    RepresentativeFactory(congress=congress, member=MemberFactory(organization=sub_a, name="欧阳观察"), kind="observer")
    c = login(representative)
    res = c.get(f"/congress/proposals/{p.pk}/cosigners/search/", {"q": "oy"}).json()["results"]
    assert [r["value"] for r in res] == [target.pk]
    assert c.get(f"/congress/proposals/{p.pk}/cosigners/search/", {"q": "rep"}).json()["results"] == []


def test_cosigner_search_refused_to_others(login, representative, rep_seat, session, proposal_committee, outsider):
    p = drafted(representative, session)
    assert login(proposal_committee).get(f"/congress/proposals/{p.pk}/cosigners/search/?q=a").status_code == 403
    assert login(outsider).get(f"/congress/proposals/{p.pk}/cosigners/search/?q=a").status_code == 404


def test_similar_while_typing(login, representative, rep_seat, cosigners, session, member):
    p = submitted(representative, session, cosigners, title="关于增设教工停车位的建议")
    c = login(representative)
    res = c.get("/congress/proposals/similar/", {"title": "关于增设停车位"}).json()["results"]
    assert [r["title"] for r in res] == ["关于增设教工停车位的建议"] and 0 < res[0]["score"] <= 100
    assert c.get("/congress/proposals/similar/", {"title": "关于"}).json()["results"] == []
    excluded = c.get("/congress/proposals/similar/", {"title": p.title, "exclude": p.pk}).json()["results"]
    assert excluded == []
    assert login(member).get("/congress/proposals/similar/", {"title": "关于增设停车位"}).status_code == 403


def test_merge_targets_ranked_by_similarity(representative, rep_seat, cosigners, session, proposal_committee):
    a = accepted(representative, session, cosigners, proposal_committee, title="关于规范教师课后服务补贴的建议")
    b = accepted(representative, session, cosigners, proposal_committee, title="关于增设教工停车位的建议")
    new = submitted(representative, session, cosigners, title="关于增加教工停车位数量的建议")
    choices = list(DecisionForm(proposal=new).fields["merge_into"].widget.choices)
    values = [str(v) for v, _label in choices if v != ""]
    assert values == [str(b.pk), str(a.pk)]
    assert "相似度" in choices[1][1]
