"""体检: campaigns with participant counts, a new campaign, and one campaign's participants with attendance."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from members.access import MANAGER_ROLES, has_school_role, import_school
from union_portal.lib.lists import apply_trace, clean_param, paginate, querystring, trace

from .. import selectors, services
from ..forms import CampaignForm
from ..models import HealthCheckCampaign
from .common import _school_of, _school_records, _scope


@login_required
@require_GET
def healthcheck_list(request):
    """Campaigns in scope (narrowed by the report's ``org``/``start``/``end``) with 人 per campaign and in total;
    ``can_import``: the user may import past health-check lists (``members.access.import_school``)."""
    scope = _scope(request.user)
    campaigns = apply_trace(
        _school_records(request.user, HealthCheckCampaign),
        trace(request),
        org_field="organization",
        date_field="held_on",
    )
    rows = selectors.campaigns_with_counts(campaigns)
    return render(
        request, "welfare/healthcheck_list.html", {
            "scope": scope,
            "rows": rows,
            "total": sum(r.n for r in rows),
            "women": sum(r.women for r in rows),
            "contract": sum(r.contract for r in rows),
            "can_import": import_school(request.user) is not None,
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
def healthcheck_create(request):
    """A campaign with every active member (contract staff included) as participant; women get the special check."""
    scope = _scope(request.user)
    form = CampaignForm(
        request.POST or None,
        initial={"held_on": timezone.localdate(), "name": f"{timezone.localdate().year}年教职工健康体检"},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        camp = services.healthcheck_campaign_create(
            organization=_school_of(scope) or scope,
            members_of=scope,
            name=d["name"],
            held_on=d["held_on"],
            provider=d["provider"],
            cost_per_person=d["cost_per_person"],
            include_retirees=d["include_retirees"],
            acting_user=request.user,
            request=request,
        )
        messages.success(request, _("已建立体检“%(name)s”。") % {"name": camp.name})
        return redirect("welfare:healthchecks")
    return render(
        request,
        "welfare/simple_form.html",
        {"form": form, "title": _("新建体检"), "back": "welfare:healthchecks"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def healthcheck_detail(request, pk: int):
    """参检名单 of one campaign (managers in scope) with attendance; POST ticks ``member`` ids as attended
    (``action=absent``: not attended). Filter by ``q`` (name or 工号) and ``attended`` (yes/no)."""
    campaign = _school_records(request.user, HealthCheckCampaign).filter(pk=pk).first()
    if campaign is None:
        raise Http404(_("没有找到该体检。"))
    if request.method == "POST":
        if not has_school_role(request.user, *MANAGER_ROLES, within=campaign.organization):
            raise PermissionDenied(_("区教育工会不登记学校的参检情况。"))
        ids = [int(i) for i in request.POST.getlist("member") if i.isdigit()]
        n = services.healthcheck_attendance_set(
            campaign=campaign,
            member_ids=ids,
            attended=request.POST.get("action") != "absent",
            acting_user=request.user,
            request=request,
        )
        messages.success(request, _("已更新 %(n)s 人的参检情况。") % {"n": n})
        return redirect(reverse("welfare:healthcheck_detail", args=[campaign.pk]) + "?" + querystring(request))
    participants = campaign.participants.select_related("member__organization").order_by("member__staff_no")
    q = clean_param(request, "q", max_length=30)
    if q:
        participants = participants.filter(Q(member__name__icontains=q) | Q(member__staff_no=q))
    attended = request.GET.get("attended", "")
    if attended in ("yes", "no"):
        participants = participants.filter(attended=attended == "yes")
    return render(
        request,
        "welfare/healthcheck_detail.html",
        {
            "campaign": campaign,
            "page": paginate(request, participants),
            "counts": selectors.healthcheck_attendance(campaign),
            "q": q,
            "attended": attended,
            "querystring": querystring(request),
        },
    )
