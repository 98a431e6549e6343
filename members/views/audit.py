"""The audit log page (PIPL trail of reads, changes and exports), for chairs; read-only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from union_portal.lib.audit import audit
from union_portal.lib.exports import xlsx_response
from union_portal.lib.lists import clean_param, paginate, querystring

from ..access import nodes_for, primary_school
from ..models import AuditEntry, Role
from ..selectors import audit_entries


def _filtered_entries(request):
    """(entries, action, who): the chair's audit entries narrowed by ``action`` and ``user``; 403 for others."""
    if not nodes_for(request.user, Role.CHAIR) and not request.user.is_superuser:
        raise PermissionDenied("只有工会主席可以查看审计日志。")
    action = clean_param(request, "action")
    who = clean_param(request, "user", max_length=150)
    return audit_entries(request.user, action=action, who=who), action, who


@login_required
@require_GET
def audit_list(request):
    """The audit log of the chair's subtree, filterable by action and user; read-only."""
    entries, action, who = _filtered_entries(request)
    page = paginate(request, entries)
    return render(
        request,
        "members/audit_list.html",
        {
            "page": page,
            "actions": AuditEntry.Action.choices,
            "action": action,
            "who": who,
            "querystring": querystring(request),
        },
    )


AUDIT_HEADERS = ["时间", "用户", "操作", "对象类型", "对象编号", "摘要", "IP 地址", "组织"]
AUDIT_EXPORT_LIMIT = 50_000  # rows per file: a year of a large school's trail; narrow the filter for more


@login_required
@require_GET
def audit_export(request):
    """The audit log with the page's filters (``action``, ``user``) as .xlsx, newest first; itself audited."""
    entries, _action, _who = _filtered_entries(request)
    rows = [
        [timezone.localtime(e.at).replace(tzinfo=None), e.username, e.get_action_display(), e.object_type,
         e.object_id, e.summary, e.ip_address or "", e.organization.name if e.organization else ""]
        for e in entries[:AUDIT_EXPORT_LIMIT]
    ]
    response = xlsx_response(AUDIT_HEADERS, rows, title="审计日志", filename=f"审计日志-{timezone.localdate():%Y%m%d}.xlsx")
    audit(request, AuditEntry.Action.EXPORT, organization=(nodes_for(request.user, Role.CHAIR) or [primary_school(request.user)])[0],
          summary=f"导出审计日志 {len(rows)} 条（{request.GET.urlencode()[:200]}）")
    return response
