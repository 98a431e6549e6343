"""Interest groups (兴趣小组): list, create or edit, detail with sessions, join or leave."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.access import MANAGER_ROLES, has_role, member_of, require_manager

from .. import selectors, services
from ..forms import GroupSessionForm, InterestGroupForm
from ..models import InterestGroup
from .common import manager_nodes, render_page, require_any_manager


@login_required
@require_GET
def group_list(request):
    """兴趣小组: every group visible to the user with member and session counts (one query)."""
    me = member_of(request.user)
    mine = set(me.interest_groups.values_list("pk", flat=True)) if me else set()
    return render_page(
        request,
        "activities/group_list.html",
        {
            "groups": selectors.interest_groups_with_counts(request.user),
            "mine": mine,
            "is_manager": bool(manager_nodes(request.user)),
        },
    )


def _can_manage_group(user, group: InterestGroup) -> bool:
    me = member_of(user)
    return has_role(user, *MANAGER_ROLES, within=group.organization) or (me is not None and group.leader_id == me.pk)


@login_required
@require_http_methods(["GET", "POST"])
def group_form(request, pk: int | None = None):
    """Create (no ``pk``) or edit an interest group, for managers of its organisation."""
    nodes = require_any_manager(request.user)
    group = selectors.get_interest_group_for_user(request.user, pk) if pk else None
    if group is not None:
        require_manager(request.user, group.organization)
    form = InterestGroupForm(request.POST or None, instance=group, nodes=nodes)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        require_manager(request.user, obj.organization)
        services.interest_group_save(group=obj, acting_user=request.user, request=request)
        messages.success(request, _("已保存兴趣小组“%(name)s”。") % {"name": obj.name})
        return redirect("activities:group_detail", pk=obj.pk)
    return render_page(request, "activities/group_form.html", {"form": form, "group": group})


@login_required
@require_http_methods(["GET", "POST"])
def group_detail(request, pk: int):
    """A group's members, sessions with attendance; the leader or a manager records a session."""
    group = selectors.get_interest_group_for_user(request.user, pk)
    can_manage = _can_manage_group(request.user, group)
    form = GroupSessionForm(request.POST or None, group=group) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("只有小组负责人或工会管理人员可以登记活动。"))
        if form.is_valid():
            session = services.group_session_record(
                group=group, session=form.save(commit=False), attendees=form.cleaned_data["attendees"]
            )
            messages.success(
                request,
                _("已登记 %(date)s 的活动，出勤 %(n)s 人。")
                % {"date": f"{session.held_on:%Y-%m-%d}", "n": session.attendees.count()},
            )
            return redirect("activities:group_detail", pk=pk)
    members = list(group.members.select_related("organization__parent").order_by("staff_no"))
    me = member_of(request.user)
    return render_page(
        request,
        "activities/group_detail.html",
        {
            "group": group,
            "members": members,
            "sessions": selectors.recent_sessions(group, limit=20),
            "form": form,
            "can_manage": can_manage,
            "is_member": me is not None and any(m.pk == me.pk for m in members),
            "me": me,
        },
    )


@login_required
@require_POST
def group_join(request, pk: int):
    """Join an active group, or leave it with ``leave``."""
    group = selectors.get_interest_group_for_user(request.user, pk)
    me = member_of(request.user)
    if me is None:
        raise PermissionDenied(_("您的账号没有关联教职工信息。"))
    if not group.is_active:
        messages.error(request, _("该兴趣小组已停止活动。"))
    elif request.POST.get("leave"):
        services.interest_group_leave(group=group, member=me)
        messages.success(request, _("已退出“%(name)s”。") % {"name": group.name})
    else:
        services.interest_group_join(group=group, member=me)
        messages.success(request, _("已加入“%(name)s”。") % {"name": group.name})
    return redirect("activities:group_detail", pk=pk)
