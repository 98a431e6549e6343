"""Records kept by managers: honours (荣誉), awards (获奖) and the sub-unions' yearly activity funds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members.access import MANAGER_ROLES, import_school, require_manager, scope_q
from union_portal.lib.lists import apply_trace, clean_param, paginate, querystring, trace
from union_portal.lib.record_imports import imported_ids

from .. import selectors, services
from ..forms import AwardForm, HonorForm, SubUnionFundForm
from ..models import Award, Honor, Level
from .common import render_page, require_any_manager


def _record_page(request, *, model, form_class, record, template, order, related):
    """A list of ``model`` rows in the user's subtree (filters ``year``, ``level``, ``kind`` and the
    report's ``org``/``start``/``end``; paginated) with a
    form whose valid POST is saved through the service ``record(<name>=obj, ...)``.

    The page also gets ``can_import`` (the user may import this kind's past lists: chair or committee of a
    school) and ``imported``: the ids of the page's rows that came in with an import (one query)."""
    nodes = require_any_manager(request.user)
    form = form_class(request.POST or None, nodes=nodes)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        require_manager(request.user, obj.organization)
        record(obj, acting_user=request.user, request=request)
        messages.success(request, _("已登记：%(obj)s") % {"obj": obj})
        return redirect(request.path)
    page = paginate(request, record_rows(request, model=model, related=related).order_by(*order))
    return render_page(
        request,
        template,
        {
            "form": form,
            "page": page,
            "can_import": import_school(request.user) is not None,
            "imported": imported_ids(model, [obj.pk for obj in page]),
            "querystring": querystring(request),
            "year": request.GET.get("year", ""),
            "level": request.GET.get("level", ""),
            "levels": Level.choices,
        },
    )


def record_rows(request, *, model, related):
    """``model`` rows (Honor or Award) in the user's subtree, narrowed by the list's ``year``, ``level``,
    ``kind`` and the report's ``org``/``start``/``end``: the rows of the list page and of its export."""
    rows = model.objects.filter(scope_q(request.user, "organization", *MANAGER_ROLES)).select_related(*related)
    year = request.GET.get("year", "")
    if year.isdigit():
        rows = rows.filter(awarded_on__year=int(year))
    level = request.GET.get("level", "")
    if level:
        rows = rows.filter(level=level)
    kind = clean_param(request, "kind", max_length=16)
    if kind:
        rows = rows.filter(kind=kind)
    # The report's links: the unit's subtree and the period, counted by ``awarded_on`` as the figures are.
    return apply_trace(rows, trace(request), org_field="organization", date_field="awarded_on")


@login_required
@require_http_methods(["GET", "POST"])
def honor_list(request):
    """荣誉: individual and collective honours in the user's subtree, and a form to record one."""
    return _record_page(
        request,
        model=Honor,
        form_class=HonorForm,
        record=lambda obj, **kw: services.honor_record(honor=obj, **kw),
        template="activities/honor_list.html",
        order=["-awarded_on", "id"],
        related=["member", "organization"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def award_list(request):
    """获奖: prizes in internal and external competitions, and a form to record one."""
    return _record_page(
        request,
        model=Award,
        form_class=AwardForm,
        record=lambda obj, **kw: services.award_record(award=obj, **kw),
        template="activities/award_list.html",
        order=["-awarded_on", "id"],
        related=["member", "team", "organization", "activity"],
    )


@login_required
@require_POST
def honor_delete(request, pk: int):
    """Delete an honour in the user's subtree."""
    honor = selectors.get_honor_for_user(request.user, pk)
    services.honor_delete(honor=honor, acting_user=request.user, request=request)
    messages.success(request, _("已删除该荣誉记录。"))
    return redirect("activities:honors")


@login_required
@require_POST
def award_delete(request, pk: int):
    """Delete an award in the user's subtree."""
    award = selectors.get_award_for_user(request.user, pk)
    services.award_delete(award=award, acting_user=request.user, request=request)
    messages.success(request, _("已删除该获奖记录。"))
    return redirect("activities:awards")


@login_required
@require_http_methods(["GET", "POST"])
def fund_list(request):
    """分工会活动经费: yearly allocation per sub-union against the spending of its activities.

    ``year`` defaults to the latest year with an allocation, else this year. Money in yuan.
    """
    nodes = require_any_manager(request.user)
    today = timezone.localdate()
    year_s = request.GET.get("year", "")
    year = int(year_s) if year_s.isdigit() and 2000 <= int(year_s) <= 2100 else None
    if year is None:
        year = selectors.latest_fund_year(request.user) or today.year
    form = SubUnionFundForm(request.POST or None, nodes=nodes, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        fund = form.save(commit=False)
        require_manager(request.user, fund.organization)
        services.sub_union_fund_allocate(fund=fund, acting_user=request.user, request=request)
        messages.success(
            request, _("已登记 %(org)s %(year)s 年活动经费。") % {"org": fund.organization, "year": fund.year}
        )
        return redirect(f"{request.path}?year={fund.year}")
    funds = selectors.funds_with_spending(request.user, year)
    return render_page(
        request,
        "activities/fund_list.html",
        {
            "form": form,
            "funds": funds,
            "year": year,
            "years": list(range(today.year + 1, 2019, -1)),
            "total_alloc": sum((f.allocation for f in funds), start=0),
            "total_spent": sum((f.spent_total or 0 for f in funds), start=0),
        },
    )
