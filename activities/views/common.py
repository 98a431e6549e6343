"""Helpers shared by the activities views: the manager's nodes, rendering with the sub-navigation
flag, the manager check and a safe ``next`` redirect."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from members.access import MANAGER_ROLES, nodes_for
from members.models import Organization


def manager_nodes(user) -> list[Organization]:
    """Nodes the user manages (superuser: every top-level node)."""
    nodes = nodes_for(user, *MANAGER_ROLES)
    if not nodes and getattr(user, "is_superuser", False):
        nodes = list(Organization.objects.filter(parent__isnull=True).order_by("path"))
    return nodes


def render_page(request, template: str, context: dict):
    """``render`` plus ``act_manager`` for the app's sub-navigation (roles are cached on the user)."""
    context.setdefault("act_manager", bool(manager_nodes(request.user)))
    return render(request, template, context)


def require_any_manager(user) -> list[Organization]:
    """The nodes the user manages; raises ``PermissionDenied`` when there are none."""
    nodes = manager_nodes(user)
    if not nodes:
        raise PermissionDenied(_("您没有管理文体活动的权限。"))
    return nodes


def safe_next(request, default: str) -> str:
    """``next`` from POST or GET when it points at this host, else ``default``."""
    nxt = request.POST.get("next") or request.GET.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return default
