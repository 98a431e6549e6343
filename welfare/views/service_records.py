"""服务事项: the year's records by kind, and a new record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from union_portal.lib.lists import apply_trace, trace

from .. import selectors, services
from ..access import person_scope_q
from ..forms import ServiceForm
from ..models import ServiceRecord
from .common import _manageable_members, _scope, _year, _years


@login_required
@require_GET
def service_list(request):
    """Records of ``?year=`` (or the report's traced period and unit): 人次 and 人 by kind, up to 300 rows."""
    scope = _scope(request.user)
    year = _year(request)
    found = trace(request)
    qs = apply_trace(
        ServiceRecord.objects.filter(person_scope_q(request.user)),
        found,
        org_field="member__organization",
        date_field="served_on",
    )
    if not found.has_period:
        qs = qs.filter(served_on__year=year)
    by_kind = selectors.services_by_kind(qs)
    return render(
        request,
        "welfare/service_list.html",
        {
            "scope": scope,
            "rows": qs.select_related("member__organization__parent")[:300],
            "by_kind": by_kind,
            "total": sum(r["n"] for r in by_kind),
            "year": year,
            "years": _years(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_create(request):
    """登记服务事项 for a member in the manager's scope; audited."""
    _scope(request.user)
    form = ServiceForm(
        request.POST or None, members=_manageable_members(request.user), initial={"served_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        record = services.service_record_create(
            member=form.member,
            kind=d["kind"],
            served_on=d["served_on"],
            description=d["description"],
            outcome=d["outcome"],
            acting_user=request.user,
            request=request,
        )
        messages.success(
            request,
            _("已登记服务事项：%(name)s %(kind)s。") % {"name": form.member.name, "kind": record.get_kind_display()},
        )
        return redirect("welfare:services")
    return render(
        request,
        "welfare/simple_form.html",
        {"form": form, "title": _("登记服务事项"), "back": "welfare:services"},
        status=400 if request.method == "POST" else 200,
    )
