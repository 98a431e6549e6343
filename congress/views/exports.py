"""Printed and downloaded forms of proposals: 提案表 (print), a session's xlsx, 提案汇编 (PDF)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from members.models import AuditEntry
from union_portal.lib.audit import audit
from union_portal.lib.exports import attachment, xlsx_response
from union_portal.lib.pdf import html_to_pdf

from .. import selectors, services
from ..models import CompilationFile, CoSignature, Proposal
from ..permissions import require_congress_admin
from ..tasks import enqueue_compilation

EXPORT_HEADERS = ["立案号", "案由", "类别", "提案人", "附议人", "状态", "建议承办部门", "主办部门", "协办部门",
                  "答复期限", "首次答复", "评价", "办理轮次", "提交时间"]  # fmt: skip


def _export_line(p: Proposal) -> list:
    """One xlsx row (``EXPORT_HEADERS``); confirmed co-signers by name, submission time in local time."""
    cos = [c.representative.member.name for c in p.cosignatures.all() if c.status == CoSignature.Status.CONFIRMED]
    return [
        p.number,
        p.title,
        p.category.name if p.category else "",
        p.proposer_name,
        "、".join(cos),
        p.get_status_display(),
        p.suggested_department.name if p.suggested_department else "",
        p.lead_department.name if p.lead_department else "",
        "、".join(d.name for d in p.co_departments.all()),
        p.deadline,
        p.first_reply_on,
        p.get_rating_display() if p.rating else "",
        p.round,
        timezone.localtime(p.submitted_at).strftime("%Y-%m-%d %H:%M") if p.submitted_at else "",
    ]


@login_required
@require_GET
def proposal_print(request, pk: int):
    """提案表: the proposal form laid out for printing on A4."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    parts = selectors.proposal_detail_parts(proposal)
    return render(request, "congress/proposal_print.html", {"proposal": proposal, **parts})


@login_required
@require_GET
def session_export(request, pk: int):
    """xlsx of a session's proposals (committee, chair, committee members); audited."""
    session = selectors.get_session_for_user(request.user, pk)
    require_congress_admin(request.user, session.congress.school)
    rows = selectors.export_proposals(session)
    response = xlsx_response(
        EXPORT_HEADERS,
        (_export_line(p) for p in rows),
        title="提案一览",
        filename=f"proposals-session-{session.pk}.xlsx",
    )
    audit(request, AuditEntry.Action.EXPORT, session, summary=f"导出{session.name}提案一览")
    return response


@login_required
@require_GET
def session_compilation(request, pk: int):
    """提案汇编: one PDF of the session's accepted proposals with their replies.

    The page is rendered to HTML here (cheap); the PDF (WeasyPrint, ``union_portal.lib.pdf``) is made
    once per content in the background (``congress.tasks``) and stored, so repeated requests read the
    stored file. While it renders (Redis worker), a page that refreshes itself answers 202; without
    Redis the task runs eagerly and the first request already gets the PDF. Accepted proposals are
    public to the school, so any member may download it.
    """
    session = selectors.get_session_for_user(request.user, pk)
    proposals = selectors.compilation_proposals(session)
    html = render_to_string(
        "congress/compilation.html",
        {"session": session, "proposals": proposals, "stats": selectors.session_stats(session)},
    )
    book, needs_render = services.compilation_request(session=session, html=html)
    if needs_render:
        enqueue_compilation(book.pk)
        book.refresh_from_db()
    if book.status != CompilationFile.Status.DONE or not book.file:
        return render(request, "congress/compilation_pending.html", {"session": session, "book": book}, status=202)
    audit(request, AuditEntry.Action.DOWNLOAD, session, summary=f"下载{session.name}提案汇编")
    with book.file.open("rb") as stored:
        pdf = stored.read()
    return attachment(
        HttpResponse(pdf, content_type="application/pdf"), f"proposal-book-session-{session.pk}.pdf", inline=True
    )


@login_required
@require_GET
def session_roster(request, pk: int):
    """代表名册 of a session (its congress term's representatives) as a printable PDF with a signature
    column, for the session's sign-in (committee, chair, committee members); audited."""
    session = selectors.get_session_for_user(request.user, pk)
    require_congress_admin(request.user, session.congress.school)
    reps = list(selectors.congress_representatives(session.congress))
    html = render_to_string("print/session_roster.html", {"session": session, "reps": reps})
    response = attachment(
        HttpResponse(html_to_pdf(html), content_type="application/pdf"), f"代表名册-{session.pk}.pdf", inline=True
    )
    audit(request, AuditEntry.Action.EXPORT, session, organization=session.congress.school,
          summary=f"打印{session.name}代表名册 {len(reps)} 人")
    return response
