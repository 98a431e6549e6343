"""Registration pages: register (myself or a family member), cancel, check in, and the phone check-in sheet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from members.access import member_of
from members.models import FamilyMember

from .. import selectors, services
from ..models import Registration
from .common import render_page, safe_next


@login_required
@require_POST
def activity_register(request, pk: int):
    """Register myself, or with ``family`` one of my family members, for the activity."""
    activity = selectors.get_activity_for_user(request.user, pk)
    me = member_of(request.user)
    if me is None:
        raise PermissionDenied(_("您的账号没有关联教职工信息，不能报名。"))
    family = None
    family_id = request.POST.get("family", "")
    if family_id:
        family = FamilyMember.objects.filter(member=me, pk=family_id if family_id.isdigit() else 0).first()
        if family is None:
            messages.error(request, _("请选择您本人登记的直系亲属。"))
            return redirect("activities:detail", pk=pk)
    try:
        reg = services.registration_create(activity=activity, member=me, family_member=family)
    except services.RegistrationError as exc:
        messages.error(request, exc.message)
        return redirect("activities:detail", pk=pk)
    who = family.name if family else _("您")
    if reg.status == Registration.Status.REGISTERED:
        messages.success(request, _("报名成功：%(who)s已报名“%(title)s”。") % {"who": who, "title": activity.title})
    else:
        messages.warning(request, _("名额已满，%(who)s已进入候补名单；有人取消时将按顺序自动递补。") % {"who": who})
    return redirect("activities:detail", pk=pk)


@login_required
@require_POST
def registration_cancel(request, pk: int):
    """Cancel a registration: by its member, or by a manager of the activity (others get 404)."""
    reg = selectors.get_registration_for_user(request.user, pk)
    me = member_of(request.user)
    if not (me is not None and reg.member_id == me.pk) and not selectors.can_manage_activity(
        request.user, reg.activity
    ):
        raise Http404
    try:
        result = services.registration_cancel(registration=reg)
    except services.RegistrationError as exc:
        messages.error(request, exc.message)
    else:
        msg = _("已取消 %(name)s 的报名。") % {"name": reg.person_name}
        if result.promoted:
            msg += _("候补名单中的 %(names)s 已自动递补。") % {
                "names": _("、").join(r.person_name for r in result.promoted)
            }
        messages.success(request, msg)
    return redirect(safe_next(request, reverse("activities:detail", args=[reg.activity_id])))


@login_required
@require_POST
def registration_check_in(request, pk: int):
    """签到: by a manager of the activity, or by the member themself on the day of the activity."""
    reg = selectors.get_registration_for_user(request.user, pk)
    me = member_of(request.user)
    manager = selectors.can_manage_activity(request.user, reg.activity)
    own = me is not None and reg.member_id == me.pk
    if not manager and not (own and reg.activity.is_today):
        raise PermissionDenied(_("只能在活动当天签到。"))
    try:
        services.registration_check_in(registration=reg)
    except services.RegistrationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s 已签到。") % {"name": reg.person_name})
    return redirect(safe_next(request, reverse("activities:detail", args=[reg.activity_id])))


@login_required
@require_GET
def check_in_sheet(request, pk: int):
    """签到表 for a phone: search by name or 工号, one big button per person. Constant queries."""
    activity = selectors.get_activity_for_user(request.user, pk)
    if not selectors.can_manage_activity(request.user, activity):
        raise PermissionDenied(_("只有活动管理人员可以代为签到。"))
    q = request.GET.get("q", "").strip()[:30]
    regs = activity.registrations.filter(status=Registration.Status.REGISTERED).select_related(
        "member__organization__parent", "family_member"
    )
    if q:
        regs = regs.filter(
            Q(member__name__icontains=q)
            | Q(member__staff_no__iexact=q)
            | Q(member__name_initials__iexact=q)
            | Q(family_member__name__icontains=q)
        )
    regs = list(regs.order_by("checked_in_at", "member__name_pinyin", "id"))
    totals = selectors.check_in_totals(activity)
    return render_page(
        request, "activities/check_in.html", {"activity": activity, "regs": regs, "q": q, "totals": totals}
    )
