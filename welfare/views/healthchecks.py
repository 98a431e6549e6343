"""体检: campaigns with participant counts, and a new campaign."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from union_portal.lib.lists import apply_trace, trace

from .. import selectors, services
from ..forms import CampaignForm
from ..models import HealthCheckCampaign
from .common import _school_of, _school_records, _scope


@login_required
@require_GET
def healthcheck_list(request):
    """Campaigns in scope (narrowed by the report's ``org``/``start``/``end``) with 人 per campaign and in total."""
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
