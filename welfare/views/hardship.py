"""困难职工: the case list (records only for those allowed to see them), 建档, and one case with 帮扶 and 脱困."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from members.access import import_school, nodes_for
from members.models import Role
from union_portal.lib.audit import audit_sensitive_list, audit_sensitive_read
from union_portal.lib.lists import trace

from .. import selectors, services
from ..access import can_manage, can_see_sensitive, get_hardship_case_for_user
from ..forms import HardshipAidForm, HardshipCaseForm, HardshipCloseForm
from .common import _manageable_members, _scope


@login_required
@require_GET
def hardship_list(request):
    """困难职工: records only for those allowed to see them; others see counts. ``can_import``: the user may
    import past hardship lists (``members.access.import_school``)."""
    scope = _scope(request.user)
    found = trace(request)
    overview = selectors.hardship_overview(request.user, found)
    audit_sensitive_list(request, count=len(overview["rows"]), summary="查看困难职工名单", organization=scope)
    can_export = request.user.is_superuser or bool(nodes_for(request.user, Role.CHAIR))
    return render(
        request, "welfare/hardship_list.html", {"scope": scope, "trace": found, "can_export": can_export,
                                          "can_import": import_school(request.user) is not None, **overview}
    )


@login_required
@require_http_methods(["GET", "POST"])
def hardship_create(request):
    """困难职工建档 for a member whose sensitive records the manager may see; audited."""
    _scope(request.user)
    form = HardshipCaseForm(
        request.POST or None, members=_manageable_members(request.user), initial={"opened_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        if not can_see_sensitive(request.user, form.member):
            raise PermissionDenied(_("您无权为该教职工建立困难档案。"))
        d = form.cleaned_data
        case = services.hardship_case_open(
            member=form.member,
            opened_on=d["opened_on"],
            reason=d["reason"],
            level=d["level"],
            notes=d["notes"],
            acting_user=request.user,
            request=request,
        )
        messages.success(request, _("已为 %(name)s 建立困难职工档案。") % {"name": form.member.name})
        return redirect("welfare:hardship_detail", pk=case.pk)
    return render(
        request,
        "welfare/simple_form.html",
        {"form": form, "title": _("困难职工建档"), "back": "welfare:hardship"},
        status=400 if request.method == "POST" else 200,
    )


def _hardship_post(request, case, aid_form, close_form):
    """Handle a 帮扶 (``action=aid``) or 脱困 POST; a redirect when the form was valid, else None."""
    form = aid_form if request.POST.get("action") == "aid" else close_form
    if not form.is_valid():
        return None
    try:
        if form is aid_form:
            services.hardship_aid_pay(case=case, **form.cleaned_data, acting_user=request.user, request=request)
            messages.success(
                request, _("已发放帮扶金 %(amount)s 元。") % {"amount": f"{form.cleaned_data['amount']:.2f}"}
            )
        else:
            services.hardship_case_close(case=case, **form.cleaned_data, acting_user=request.user, request=request)
            messages.success(request, _("已标记为脱困。"))
    except ValueError as exc:
        messages.error(request, str(exc))
    return redirect("welfare:hardship_detail", pk=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def hardship_detail(request, pk: int):
    """A hardship case (always sensitive, so every read is audited), its aid payments, 帮扶 and 脱困 forms."""
    case = get_hardship_case_for_user(request.user, pk)
    manage = can_manage(request.user, case.member)
    aid_form = HardshipAidForm(
        request.POST if request.POST.get("action") == "aid" else None, initial={"paid_on": timezone.localdate()}
    )
    close_form = HardshipCloseForm(
        request.POST if request.POST.get("action") == "close" else None, initial={"closed_on": timezone.localdate()}
    )
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(_("您不能处理该档案。"))
        done = _hardship_post(request, case, aid_form, close_form)
        if done is not None:
            return done
    else:
        audit_sensitive_read(request, case, member=case.member, summary=f"查看困难职工档案：{case.member.name}")
    aids = list(case.aids.all())
    return render(
        request,
        "welfare/hardship_detail.html",
        {
            "case": case,
            "aids": aids,
            "aid_total": sum((a.amount for a in aids), Decimal(0)),
            "aid_form": aid_form,
            "close_form": close_form,
            "can_manage": manage,
        },
        status=400 if request.method == "POST" else 200,
    )
