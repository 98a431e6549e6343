"""节日慰问发放: distributions by year, a new distribution, and one distribution's 签领 list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from members.access import import_school
from union_portal.lib.lists import apply_trace, paginate, querystring, trace

from .. import selectors, services
from ..forms import DistributionForm
from ..models import FestivalDistribution
from .common import _school_records, _scope, _year, _years


@login_required
@require_GET
def distribution_list(request):
    """节日慰问发放 by year (or the report's traced period and unit) with 人次 and yuan per distribution and in total."""
    scope = _scope(request.user)
    year = _year(request)
    found = trace(request)
    qs = apply_trace(
        _school_records(request.user, FestivalDistribution),
        found,
        org_field="organization",
        date_field="distributed_on",
    )
    rows, totals = selectors.distributions_with_totals(qs if found.has_period else qs.filter(distributed_on__year=year))
    return render(
        request,
        "welfare/distribution_list.html",
        {
            "scope": scope,
            "rows": rows,
            "totals": totals,
            "year": year,
            "years": _years(),
            # The "导入" button: only the school's chair and committee import past 签领表.
            "can_import": import_school(request.user) is not None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def distribution_create(request):
    """New distribution: one recipient row per member the form's rule picks (``services.distribution_issue``)."""
    scope = _scope(request.user)
    form = DistributionForm(request.POST or None, scope=scope, initial={"distributed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        result = services.distribution_issue(
            organization=d["sub_union"] or scope,
            festival=d["festival"],
            title=d["title"],
            distributed_on=d["distributed_on"],
            item=d["item"],
            value_per_person=d["value_per_person"],
            funding_source=d["funding_source"],
            include_retirees=d["include_retirees"],
            include_contract=d["include_contract"],
            union_members_only=d["union_members_only"],
            acting_user=request.user,
            request=request,
        )
        for w in result.warnings:
            messages.warning(request, w)
        messages.success(
            request,
            _("已发放“%(title)s”：%(n)s 人次。") % {"title": result.distribution.title, "n": result.issued},
        )
        return redirect("welfare:distribution_detail", pk=result.distribution.pk)
    return render(
        request,
        "welfare/simple_form.html",
        {"form": form, "title": _("新建节日慰问发放"), "back": "welfare:distributions"},
        status=400 if request.method == "POST" else 200,
    )


def _get_distribution_for_user(user, pk) -> FestivalDistribution:
    """A distribution in the user's manager scope; ``Http404`` otherwise."""
    dist = _school_records(user, FestivalDistribution).filter(pk=pk).select_related("organization").first()
    if dist is None:
        raise Http404(_("没有找到该发放记录。"))
    return dist


@login_required
@require_http_methods(["GET", "POST"])
def distribution_detail(request, pk: int):
    """Recipients of one distribution with 签领 marks; POST marks the ticked rows as signed."""
    dist = _get_distribution_for_user(request.user, pk)
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("member") if i.isdigit()]
        n = services.recipients_sign(distribution=dist, member_ids=ids, signed=request.POST.get("action") != "unsign")
        messages.success(request, _("已更新 %(n)s 人的签领状态。") % {"n": n})
        return redirect(reverse("welfare:distribution_detail", args=[dist.pk]) + "?" + querystring(request))
    q = request.GET.get("q", "").strip()[:30]
    recipients = selectors.distribution_recipients(dist, q=q)
    return render(
        request,
        "welfare/distribution_detail.html",
        {
            "dist": dist,
            "page": paginate(request, recipients),
            "totals": selectors.distribution_totals(dist),
            "q": q,
            "querystring": querystring(request),
        },
    )
