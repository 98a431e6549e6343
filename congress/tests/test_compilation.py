"""提案汇编 PDF through the shared WeasyPrint service (union_portal.lib.pdf)."""

import io
import subprocess

import pytest
from pypdf import PdfReader

from congress import services
from congress.models import Rating

from .helpers import replied, submitted

pytestmark = pytest.mark.django_db


def test_compilation_holds_accepted_proposals_with_replies_only(
    login, representative, rep_seat, session, cosigners, proposal_committee, department, handler, member, tmp_path
):
    p = replied(representative, session, cosigners, proposal_committee, department, handler)
    services.proposal_rate(acting_user=representative, proposal=p, rating=Rating.BASIC)
    p.refresh_from_db()
    hidden = submitted(representative, session, cosigners, title="关于尚未审查事项的建议")
    resp = login(member).get(f"/congress/sessions/{session.pk}/compilation.pdf")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(resp.content))
    text = "".join(page.extract_text() for page in reader.pages)
    compact = "".join(text.split())
    assert p.number in compact and "已增设两个窗口" in compact and "基本满意" in compact
    assert hidden.title not in compact
    pdf = tmp_path / "book.pdf"
    pdf.write_bytes(resp.content)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "3", "-l", "3", str(pdf), str(tmp_path / "p")], check=True)
    assert list(tmp_path.glob("p-*.png"))


def test_compilation_is_scoped_to_the_school(login, session, outsider):
    assert login(outsider).get(f"/congress/sessions/{session.pk}/compilation.pdf").status_code == 404
