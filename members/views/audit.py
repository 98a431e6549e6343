"""The audit log page (PIPL trail of reads, changes and exports), for chairs; read-only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from union_portal.lib.lists import clean_param, paginate, querystring

from ..access import nodes_for
from ..models import AuditEntry, Role
from ..selectors import audit_entries


@login_required
@require_GET
def audit_list(request):
    """The audit log of the chair's subtree, filterable by action and user; read-only."""
    if not nodes_for(request.user, Role.CHAIR) and not request.user.is_superuser:
        raise PermissionDenied("只有工会主席可以查看审计日志。")
    action = clean_param(request, "action")
    who = clean_param(request, "user", max_length=150)
    page = paginate(request, audit_entries(request.user, action=action, who=who))
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
