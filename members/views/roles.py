"""角色分配: the chair grants and revokes the portal roles of the school's staff (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import selectors, services
from ..forms import RoleGrantForm
from ..models import RoleAssignment
from .org import chair_school, chaired_schools, form_errors


def _back(school, schools) -> str:
    url = reverse("members:roles")
    return f"{url}?school={school.pk}" if len(schools) > 1 else url


@login_required
@require_http_methods(["GET", "POST"])
def roles(request):
    """角色分配: who holds which role where, with a revoke button each, and the grant form (工号 → role)."""
    school, schools = chair_school(request)
    form = RoleGrantForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ra = services.role_grant(
                acting_user=request.user, request=request, school=school, member=d["member"], role=d["role"],
                organization=d["organization"], department=d["department"],
            )  # fmt: skip
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, _("已授予 %(who)s %(role)s。") % {"who": d["member"].name, "role": ra.get_role_display()}
            )
            return redirect(_back(school, schools))
    return render(
        request,
        "members/roles.html",
        {"school": school, "schools": schools, "form": form, "rows": selectors.school_role_assignments(school)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def role_revoke(request, pk: int):
    """Revoke one role assignment of a school the user chairs (``Http404`` for any other)."""
    ra = RoleAssignment.objects.select_related("organization", "user").filter(pk=pk).first()
    school = ra.organization.school if ra is not None else None
    schools = list(chaired_schools(request.user))
    if school is None or school not in schools:
        raise Http404(_("没有找到该角色分配。"))
    try:
        services.role_revoke(acting_user=request.user, request=request, school=school, assignment=ra)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已撤销该角色。"))
    return redirect(_back(school, schools))
