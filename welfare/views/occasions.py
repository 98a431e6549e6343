"""慰问事由: the shared list (read-only) and the school's own occasions, which the chair adds, edits
and deactivates. Styled on the caps page (慰问标准)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members.access import has_role
from members.models import Role

from .. import services
from ..forms import OccasionForm
from ..models import VisitOccasion
from .common import _school_of, _scope


def _chair_school(user):
    """The school of the user's manager scope, when they chair it; ``PermissionDenied`` otherwise."""
    school = _school_of(_scope(user))
    if school is None or not has_role(user, Role.CHAIR, within=school):
        raise PermissionDenied(_("只有学校工会主席可以维护慰问事由。"))
    return school


def _form_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
@require_http_methods(["GET", "POST"])
def occasions(request):
    """慰问事由: every occasion the school uses, and a form to add one or (``?edit=<pk>``) change its own."""
    school = _chair_school(request.user)
    edit_id = request.POST.get("id") or request.GET.get("edit")
    instance = VisitOccasion(school=school)
    if edit_id and str(edit_id).isdigit():
        instance = VisitOccasion.objects.filter(pk=edit_id, school=school).first()
        if instance is None:
            raise Http404(_("没有找到该慰问事由。"))
    form = OccasionForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.occasion_save(
                acting_user=request.user, request=request, school=school,
                occasion=instance if instance.pk else None, **form.cleaned_data,
            )  # fmt: skip
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("慰问事由已保存。"))
            return redirect("welfare:occasions")
    rows = VisitOccasion.objects.filter(Q(school__isnull=True) | Q(school=school)).order_by("sort_order", "pk")
    return render(
        request,
        "welfare/occasions.html",
        {"rows": rows, "form": form, "editing": instance.pk, "school": school},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def occasion_toggle(request, pk: int):
    """Deactivate an active occasion of the school, or reactivate an inactive one."""
    school = _chair_school(request.user)
    occasion = VisitOccasion.objects.filter(pk=pk, school=school).first()
    if occasion is None:
        raise Http404(_("没有找到该慰问事由。"))
    services.occasion_set_active(
        acting_user=request.user, request=request, school=school, occasion=occasion, active=not occasion.is_active
    )
    done = _("已启用 %(name)s。") if occasion.is_active else _("已停用 %(name)s。")
    messages.success(request, done % {"name": occasion.name})
    return redirect("welfare:occasions")
