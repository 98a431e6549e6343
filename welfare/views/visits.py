"""登记慰问 (the quick visit form) and one visit's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from members.access import get_member_for_user, member_of
from union_portal.lib.audit import audit_sensitive_read

from .. import services
from ..access import can_manage, get_visit_for_user
from ..forms import VisitForm
from ..models import PendingVisit
from .common import _get_pending_for_user, _manageable_members, _school_of, _scope


def _visit_initial(user, member, pending) -> dict:
    """The visit form's initial values: today, the user as visitor, and the member and pending item's details."""
    me = member_of(user)
    initial = {
        "visited_on": timezone.localdate(),
        "visitors_text": me.name if me else "",
    }
    if member is not None:
        initial["member_ref"] = f"{member.staff_no} {member.name}"
    if pending is not None:
        initial["occasion"] = pending.occasion_id
        initial["family_member"] = pending.family_member_id
        initial["notes"] = pending.notes
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request):
    """Quick 登记慰问: pre-filled from ``?pending=`` or ``?member=``; keeps every input on error."""
    scope = _scope(request.user)
    school = _school_of(scope)
    source = request.POST if request.method == "POST" else request.GET
    pending = None
    member = None
    if source.get("pending"):
        pending = _get_pending_for_user(request.user, source.get("pending"))
        if pending.status != PendingVisit.Status.OPEN:
            messages.info(request, _("该待慰问事项已处理。"))
            return redirect("welfare:index")
        member = pending.member
    elif source.get("member"):
        member = get_member_for_user(request.user, source.get("member"))
        if not can_manage(request.user, member):
            raise PermissionDenied(_("您不能为该教职工登记慰问。"))
    school = member.school if member is not None else school
    form = VisitForm(
        request.POST or None,
        initial=_visit_initial(request.user, member, pending),
        members=_manageable_members(request.user),
        school=school,
        member=member,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = services.welfare_visit_record(
            member=form.member,
            occasion=data["occasion"],
            visited_on=data["visited_on"],
            cash_amount=data["cash_amount"],
            gift_description=data["gift_description"],
            gift_value=data["gift_value"],
            funding_source=data["funding_source"],
            visitors=form.visitors,
            family_member=data.get("family_member"),
            notes=data["notes"],
            pending=pending,
            acting_user=request.user,
            request=request,
        )
        for w in result.warnings:
            messages.warning(request, w)
        messages.success(
            request,
            (
                _("已登记慰问：%(name)s（%(occasion)s），慰问金 %(cash)s 元，慰问品 %(gift)s。")
                if data["gift_description"]
                else _("已登记慰问：%(name)s（%(occasion)s），慰问金 %(cash)s 元。")
            )
            % {
                "name": form.member.name,
                "occasion": data["occasion"].name,
                "cash": f"{data['cash_amount']:.2f}",
                "gift": data["gift_description"],
            },
        )
        return redirect(reverse("welfare:ledger") + "?" + f"member={form.member.staff_no}")
    rule_set = services.rule_set_for(school, timezone.localdate())
    caps = {c.occasion_code: str(c.amount) for c in rule_set.caps.all()} if rule_set else {}
    occasion_caps = {str(o.pk): caps[o.code] for o in form.fields["occasion"].queryset if o.code in caps}
    return render(
        request,
        "welfare/visit_form.html",
        {"form": form, "pending": pending, "member": member, "occasion_caps": occasion_caps, "rule_set": rule_set},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def visit_detail(request, pk: int):
    """One visit; reading a sensitive one is audited."""
    visit = get_visit_for_user(request.user, pk)
    if visit.occasion.is_sensitive:
        audit_sensitive_read(
            request,
            visit,
            member=visit.member,
            summary=f"查看敏感慰问记录：{visit.member.name}（{visit.occasion.name}）",
        )
    return render(
        request,
        "welfare/visit_detail.html",
        {"visit": visit, "visitors": list(visit.visitors.all()), "can_manage": can_manage(request.user, visit.member)},
    )
