"""Similar-proposal check: ranking on either back end, and the documented SQLite fallback."""

import pytest

from congress.models import ProposalStatus
from congress.similarity import bigrams, jaccard, similar_proposals

from .factories import ProposalFactory, SessionFactory


def test_bigram_jaccard_is_documented_behaviour():
    assert bigrams("教工 食堂！") == {"教工", "工食", "食堂"}
    assert jaccard("食堂", "食堂") == 1.0
    assert jaccard("食堂", "宿舍") == 0.0
    assert jaccard("", "食堂") == 0.0
    assert 0 < jaccard("关于改善教工食堂的建议", "关于改善教工宿舍的建议") < 1


@pytest.mark.django_db
def test_ranking_puts_the_closest_subject_first_across_sessions(congress):
    old = SessionFactory(congress=congress, number=1)
    new = SessionFactory(congress=congress, number=2)
    s = ProposalStatus
    close = ProposalFactory(session=old, title="关于改善教工食堂伙食质量的建议", status=s.CLOSED)
    mid = ProposalFactory(session=new, title="关于改善教工食堂就餐环境的建议", status=s.SUBMITTED)
    ProposalFactory(session=new, title="关于完善青年教师培养机制的建议", status=s.SUBMITTED)
    ProposalFactory(session=new, title="关于改善教工食堂伙食质量的建议", status=s.DRAFT)  # drafts are private
    found = similar_proposals("关于提高教工食堂伙食质量的建议", school=congress.school)
    assert [p.pk for p in found[:2]] == [close.pk, mid.pk]
    assert found[0].similarity > found[1].similarity > 0
    assert all(p.status != s.DRAFT for p in found)
    assert "青年教师" not in "".join(p.title for p in found)
