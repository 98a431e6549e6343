"""互助保障: plans with the year's enrolment and claims, a new plan, claims (登记, 查看, 状态变更), and one
member's enrolments (参保记录)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.access import (
    MANAGER_ROLES,
    SCHOOL_MANAGER_ROLES,
    get_member_for_user,
    has_role,
    has_school_role,
    import_school,
)
from union_portal.lib.audit import audit_sensitive_read
from union_portal.lib.record_imports import imported_ids

from .. import selectors, services
from ..access import can_manage, get_claim_for_user
from ..forms import ClaimForm, EnrollmentForm, PlanForm
from ..models import AidClaim, MutualAidPlan, PlanEnrollment
from .common import _manageable_members, _school_of, _school_records, _scope, _year, _years


@login_required
@require_GET
def plan_list(request):
    """互助保障: plans with the year's enrolment and claims totals; claims listed only where visible.
    The school's chair and committee also get the 导入 buttons (参保名单, 理赔名单: ``can_import``)."""
    scope = _scope(request.user)
    year = _year(request)
    overview = selectors.plan_year_overview(request.user, _school_records(request.user, MutualAidPlan), year=year)
    return render(
        request,
        "welfare/plan_list.html",
        {
            "scope": scope,
            **overview,
            "year": year,
            "years": _years(),
            "statuses": AidClaim.Status,
            "can_import": import_school(request.user) is not None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    """New plan (school managers); with a 参保年度 every active member (or every woman) is enrolled."""
    scope = _scope(request.user)
    school = _school_of(scope)
    if school is None or not has_role(request.user, *SCHOOL_MANAGER_ROLES, within=school):
        raise PermissionDenied(_("只有学校工会主席和工会委员可以新建互助保障计划。"))
    form = PlanForm(request.POST or None, initial={"enroll_year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        result = services.plan_create(
            organization=school,
            kind=d["kind"],
            name=d["name"],
            premium=d["premium"],
            is_health=d["is_health"],
            description=d["description"],
            enroll_year=d.get("enroll_year"),
            enroll_women_only=bool(d.get("enroll_women_only")),
            acting_user=request.user,
            request=request,
        )
        messages.success(request, _("已新建互助保障计划“%(name)s”。") % {"name": result.plan.name})
        return redirect("welfare:plans")
    return render(
        request,
        "welfare/simple_form.html",
        {"form": form, "title": _("新建互助保障计划"), "back": "welfare:plans"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_create(request):
    """登记理赔申请 for a member in the manager's scope; audited."""
    _scope(request.user)  # managers only: raises PermissionDenied for anyone else
    form = ClaimForm(
        request.POST or None,
        members=_manageable_members(request.user),
        plans=_school_records(request.user, MutualAidPlan),
        initial={"claimed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        services.claim_record(
            member=form.member,
            plan=form.cleaned_data["plan"],
            claimed_on=form.cleaned_data["claimed_on"],
            claimed_amount=form.cleaned_data["claimed_amount"],
            notes=form.cleaned_data["notes"],
            acting_user=request.user,
            request=request,
        )
        messages.success(request, _("已登记 %(name)s 的理赔申请。") % {"name": form.member.name})
        return redirect("welfare:plans")
    return render(
        request,
        "welfare/simple_form.html",
        {"form": form, "title": _("登记理赔申请"), "back": "welfare:plans"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def claim_detail(request, pk: int):
    """One claim; reading a health-plan claim (sensitive) is audited."""
    claim = get_claim_for_user(request.user, pk)
    if claim.plan.is_health:
        audit_sensitive_read(
            request, claim, member=claim.member, summary=f"查看理赔记录：{claim.member.name}（{claim.plan.name}）"
        )
    return render(
        request,
        "welfare/claim_detail.html",
        {
            "claim": claim,
            "can_manage": can_manage(request.user, claim.member),
            "next_statuses": services.CLAIM_NEXT.get(claim.status, set()),
            "statuses": AidClaim.Status,
        },
    )


@login_required
@require_POST
def claim_advance(request, pk: int):
    """Move a claim to its next status (``services.CLAIM_NEXT``), with the paid amount in yuan when paid."""
    claim = get_claim_for_user(request.user, pk)
    if not can_manage(request.user, claim.member):
        raise PermissionDenied(_("您不能处理该理赔。"))
    paid = None
    if request.POST.get("paid_amount"):
        try:
            paid = Decimal(request.POST["paid_amount"]).quantize(Decimal("0.01"))
            if paid < 0:
                raise ValueError
        except (ArithmeticError, ValueError):
            messages.error(request, _("赔付金额不是有效的数字。"))
            return redirect("welfare:claim_detail", pk=claim.pk)
    try:
        services.claim_advance(
            claim=claim,
            status=request.POST.get("status", ""),
            paid_amount=paid,
            on=timezone.localdate(),
            acting_user=request.user,
            request=request,
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("理赔状态已更新为“%(status)s”。") % {"status": claim.get_status_display()})
    return redirect("welfare:claim_detail", pk=claim.pk)


@login_required
@require_http_methods(["GET", "POST"])
def member_enrollments(request, pk: int):
    """参保记录 of one member (managers whose subtree holds them): every plan and year, with a form to
    enrol or change an enrolment (same plan and year → updated) and a remove button each (audited)."""
    member = get_member_for_user(request.user, pk)
    if not has_school_role(request.user, *MANAGER_ROLES, within=member.organization):  # a district never edits
        raise PermissionDenied(_("您不能管理该教职工的参保记录。"))
    plans = MutualAidPlan.objects.filter(organization__path__startswith=member.school.path)
    form = EnrollmentForm(
        request.POST if request.method == "POST" and "remove" not in request.POST else None,
        plans=plans,
        initial={"year": timezone.localdate().year},
    )
    if request.method == "POST" and "remove" in request.POST:
        enrollment = PlanEnrollment.objects.filter(member=member, pk=request.POST["remove"]).first()
        if enrollment is None:
            raise Http404(_("没有找到该参保记录。"))
        try:
            services.plan_enrollment_remove(enrollment=enrollment, acting_user=request.user, request=request)
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已删除参保记录。"))
        return redirect("welfare:member_enrollments", pk=member.pk)
    if request.method == "POST" and form.is_valid():
        services.plan_enrollment_save(member=member, **form.cleaned_data, acting_user=request.user, request=request)
        messages.success(request, _("已保存 %(name)s 的参保记录。") % {"name": member.name})
        return redirect("welfare:member_enrollments", pk=member.pk)
    enrollments = list(
        PlanEnrollment.objects.filter(member=member).select_related("plan").order_by("-year", "plan__pk")
    )
    imported = imported_ids(PlanEnrollment, [e.pk for e in enrollments])
    return render(
        request,
        "welfare/member_enrollments.html",
        {"member": member, "enrollments": enrollments, "form": form, "imported": imported},
        status=400 if request.method == "POST" else 200,
    )
