"""Proposal history notes are stored as a code and parameters and shown in the reader's language (issue 17)."""

import pytest
from django.urls import reverse
from django.utils import translation

from congress import services
from congress.models import ProposalTransition, Rating

from .helpers import replied

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(representative, rep_seat, cosigners, proposal_committee, handler, department, session):
    p = replied(representative, session, cosigners, proposal_committee, department, handler)
    services.proposal_rate(acting_user=representative, proposal=p, rating=Rating.DISSATISFIED, comment="窗口仍不够")
    return p


def test_generated_notes_store_a_code_params_and_the_chinese_text(closed):
    rows = {t.note_code: t for t in ProposalTransition.objects.filter(proposal=closed) if t.note_code}
    assert {"congress.note.cosigned", "congress.note.accepted", "congress.note.assigned", "congress.note.replied",
            "congress.note.rated_comment", "congress.note.rehandle"} <= set(rows)
    accepted = rows["congress.note.accepted"]
    assert accepted.note_params == {"number": closed.number}
    assert accepted.note == f"立案，编号 {closed.number}"  # the Chinese text stays, for old readers and exports
    rated = rows["congress.note.rated_comment"]
    assert rated.note_params == {"rating_t": "不满意", "comment": "窗口仍不够"}
    assert rated.note == "不满意：窗口仍不够"


def test_notes_render_in_english_and_chinese(closed):
    rows = {t.note_code: t for t in ProposalTransition.objects.filter(proposal=closed) if t.note_code}
    with translation.override("en"):
        assert rows["congress.note.accepted"].note_display == f"Accepted as No. {closed.number}"
        assert rows["congress.note.rated_comment"].note_display == "Dissatisfied: 窗口仍不够"  # the comment is data
        assert rows["congress.note.replied"].note_display == "Reply, round 1"
    with translation.override("zh-hans"):
        assert rows["congress.note.accepted"].note_display == f"立案，编号 {closed.number}"


def test_a_persons_own_note_is_shown_as_written_and_old_rows_fall_back(closed):
    t = ProposalTransition.objects.filter(proposal=closed).first()
    t.note, t.note_code, t.note_params = "提案人自己写的话", "", {}
    with translation.override("en"):
        assert t.note_display == "提案人自己写的话"
    t.note, t.note_code, t.note_params = "旧的说明", "congress.note.no_such_code", {}
    with translation.override("en"):
        assert t.note_display == "旧的说明"
    t.note, t.note_code, t.note_params = "立案，编号 X", "congress.note.accepted", {}  # params missing
    with translation.override("en"):
        assert t.note_display == "立案，编号 X"


def test_proposal_page_shows_english_notes(client, closed, representative):
    client.force_login(representative)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("congress:proposal_detail", args=[closed.pk])).content.decode()
    assert f"Accepted as No. {closed.number}" in html
    assert "立案，编号" not in html
