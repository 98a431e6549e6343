"""提案汇编: the cover carries the session's date; one render per content, then the stored file is served."""

import io
import re

import pytest
from pypdf import PdfReader

from congress import tasks
from congress.models import CompilationFile

from .helpers import replied

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """Counts the PDF renders of the 提案汇编 task."""
    calls = []
    real = tasks.html_to_pdf

    def counting(html, **kwargs):
        calls.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(tasks, "html_to_pdf", counting)
    return calls


def _url(session):
    return f"/congress/sessions/{session.pk}/compilation.pdf"


def test_cover_shows_the_session_date_not_the_printing_date(
    login, representative, rep_seat, session, cosigners, proposal_committee, department, handler, member, renders
):
    replied(representative, session, cosigners, proposal_committee, department, handler)
    resp = login(member).get(_url(session))
    assert resp.status_code == 200
    cover = re.sub(r"\s+", "", PdfReader(io.BytesIO(resp.content)).pages[0].extract_text())
    d = session.date
    assert f"{d.year}年{d.month}月{d.day}日" in cover


def test_second_request_reads_the_stored_file_and_a_change_renders_again(
    login, representative, rep_seat, session, cosigners, proposal_committee, department, handler, member, renders
):
    p = replied(representative, session, cosigners, proposal_committee, department, handler)
    client = login(member)
    first = client.get(_url(session))
    second = client.get(_url(session))
    assert first.status_code == second.status_code == 200
    assert len(renders) == 1 and first.content == second.content
    book = CompilationFile.objects.get(session=session)
    assert book.status == CompilationFile.Status.DONE and book.renders == 1 and book.html == ""
    old_name = book.file.name

    p.title = "关于改善教工食堂伙食质量和排队时间的建议"
    p.save(update_fields=["title"])
    third = client.get(_url(session))
    assert third.status_code == 200 and len(renders) == 2
    assert "排队时间" in "".join(PdfReader(io.BytesIO(third.content)).pages[2].extract_text().split())
    (current,) = CompilationFile.objects.filter(session=session)  # the older book and its file are gone
    assert current.file.name != old_name


def test_while_the_worker_renders_a_self_refreshing_page_answers(login, session, member, monkeypatch):
    monkeypatch.setattr(tasks.render_compilation, "apply_async", lambda *a, **k: None)  # queued, not yet run
    resp = login(member).get(_url(session))
    assert resp.status_code == 202
    assert "正在后台生成" in resp.content.decode()
    assert CompilationFile.objects.get(session=session).status == CompilationFile.Status.PENDING
