"""Project-level pages: the dashboard home, the health check and ``whoami``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from members.access import MANAGER_ROLES, has_role, member_of, primary_node, role_assignments
from members.models import Member
from union_portal.lib import registry


def healthz(request):
    """Liveness and database check for load balancers: ``ok`` with 200, or 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@login_required
@require_GET
def whoami(request):
    """The signed-in user and their roles as JSON (for scripts and session checks).

    Also the "trivial Django view" of ``make bench``: it passes through the same
    session, authentication and role lookup as every page, and renders nothing.
    """
    from django.http import JsonResponse

    return JsonResponse({
        "username": request.user.username,
        "roles": [{"role": ra.role, "organization": ra.organization.code} for ra in role_assignments(request.user)],
    })


@login_required
def home(request):
    """Dashboard: the user's roles, headline counts, and each app's panel."""
    node = primary_node(request.user)
    context = {
        "node": node,
        "roles": role_assignments(request.user),
        "me": member_of(request.user),
        "panels": registry.dashboard_panels(request),
        "today": timezone.localdate(),
    }
    if has_role(request.user, *MANAGER_ROLES) and node is not None:
        visible = Member.objects.within(node)
        context["member_counts"] = {
            "active": visible.active().count(),
            "union": visible.active().union_members().count(),
        }
    return render(request, "home.html", context)
