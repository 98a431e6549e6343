"""慰问标准 (the spending caps in force, their history, a new rule set) and 标准与合规 (who is over them)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from members.access import has_role
from members.models import Role

from .. import selectors, services
from ..forms import RuleSetForm
from ..models import SpendingCapRuleSet
from .common import _school_of, _scope, _year, _years


@login_required
@require_http_methods(["GET", "POST"])
def caps(request):
    """慰问标准: the rule set in force, its history, and (chair) a form to save a new one."""
    scope = _scope(request.user)
    school = _school_of(scope)
    today = timezone.localdate()
    current = services.rule_set_for(school, today)
    occasions = list(services.occasions_for(school))
    can_edit = school is not None and has_role(request.user, Role.CHAIR, within=school)
    initial = {"effective_from": today, "name": f"{school.name if school else ''}{today.year}年慰问标准"}
    if current:
        initial.update(festival_yearly_cap=current.festival_yearly_cap, birthday_cap=current.birthday_cap)
        initial.update({f"cap_{c.occasion_code}": c.amount for c in current.caps.all()})
    form = RuleSetForm(request.POST or None, occasions=occasions, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有工会主席可以修改慰问标准。"))
        if form.is_valid():
            d = form.cleaned_data
            services.rule_set_save(
                organization=school,
                name=d["name"],
                effective_from=d["effective_from"],
                festival_yearly_cap=d["festival_yearly_cap"],
                birthday_cap=d["birthday_cap"],
                caps=form.caps(),
                source=d["source"],
                acting_user=request.user,
                request=request,
            )
            messages.success(request, _("已保存新的慰问标准。"))
            return redirect("welfare:caps")
    history = SpendingCapRuleSet.objects.filter(Q(organization__isnull=True) | Q(organization=school)).prefetch_related(
        "caps"
    )
    names = {o.code: o.name for o in occasions}
    current_caps = (
        [(names.get(c.occasion_code, c.occasion_code), c.amount) for c in current.caps.all()] if current else []
    )
    return render(
        request,
        "welfare/caps.html",
        {"current": current, "current_caps": current_caps, "history": history, "form": form, "can_edit": can_edit},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def compliance(request):
    """Visits over their occasion's cap and members over the yearly festival cap in ``?year=``."""
    scope = _scope(request.user)
    year = _year(request)
    data = selectors.compliance(scope, year=year)
    return render(
        request,
        "welfare/compliance.html",
        {"data": data, "year": year, "scope": scope, "years": _years()},
    )
