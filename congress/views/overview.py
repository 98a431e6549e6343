"""教代会 home, 督办 (supervision) and the handler's desk."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from members.models import AuditEntry
from union_portal.lib.audit import audit
from union_portal.lib.exports import xlsx_response
from union_portal.lib.lists import trace

from .. import selectors
from ..permissions import (
    can_admin_congress,
    handler_department_ids,
    is_committee,
    representative_for,
    require_congress_admin,
)


@login_required
@require_GET
def index(request):
    """教代会 home: the congress terms and sessions, the latest session's figures, what awaits the user."""
    school = selectors.school_or_404(request.user)
    session = selectors.current_session(school)
    today = timezone.localdate()
    rep = representative_for(request.user, session.congress) if session else None
    return render(
        request,
        "congress/index.html",
        {
            "school": school,
            "congresses": selectors.congresses_for_school(school),
            "traced_sessions": selectors.sessions_traced(school, trace(request)),
            "session": session,
            "stats": selectors.session_stats(session) if session else None,
            "rep": rep,
            "window_open": bool(session and session.window_open(today)),
            "counts": selectors.dashboard_counts(request.user, school, today=today),
            "is_committee": is_committee(request.user, school),
            "can_admin": can_admin_congress(request.user, school),
            "is_handler": bool(handler_department_ids(request.user)),
        },
    )


@login_required
@require_GET
def supervision(request):
    """督办: overdue proposals and per-department counters (committee, chair, committee members)."""
    school = selectors.school_or_404(request.user)
    require_congress_admin(request.user, school)
    today = timezone.localdate()
    return render(
        request,
        "congress/supervision.html",
        {
            "overdue": list(selectors.overdue_proposals(school, today=today)),
            "counters": selectors.department_counters(school, today=today),
            "today": today,
            "is_committee": is_committee(request.user, school),
        },
    )


@login_required
@require_GET
def department_desk(request):
    """A handler's desk: only what was handed to their department(s)."""
    if not handler_department_ids(request.user):
        raise PermissionDenied(_("您不是承办部门负责人。"))
    return redirect(reverse("congress:proposal_list") + "?view=department")


SUPERVISION_HEADERS = ["立案号", "案由", "提案人", "主办部门", "签收", "答复期限", "逾期（天）", "办理轮次"]


@login_required
@require_GET
def supervision_export(request):
    """督办: the overdue proposals of the supervision page as .xlsx (same selector, same day); audited."""
    school = selectors.school_or_404(request.user)
    require_congress_admin(request.user, school)
    today = timezone.localdate()
    rows = [
        [p.number, p.title, p.proposer_name, p.lead_department.name if p.lead_department else "",
         "已签收" if p.acknowledged_at else "未签收", p.deadline, (today - p.deadline).days, p.round]
        for p in selectors.overdue_proposals(school, today=today)
    ]
    response = xlsx_response(SUPERVISION_HEADERS, rows, title="督办", filename=f"督办-{today:%Y%m%d}.xlsx")
    audit(request, AuditEntry.Action.EXPORT, organization=school, summary=f"导出督办逾期提案 {len(rows)} 条")
    return response
