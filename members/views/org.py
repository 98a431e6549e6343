"""组织管理: the chair runs the school's union tree (add, rename, move, merge, retire sub-unions and
groups) and its departments. Writes go through ``members.services``; every page is chair-only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import selectors, services
from ..access import nodes_for
from ..forms import DepartmentForm, OrgCreateForm, OrgMergeForm, OrgMoveForm, OrgRenameForm, OrgRetireForm
from ..models import Department, Organization, Role


def chaired_schools(user):
    """The schools ``user`` chairs (every school for a superuser), in path order.

    A chair role held at a district union does not count: a district supervises its schools and
    does not run them (README, "What the district union sees"), so it neither changes a school's
    organisation tree nor grants or revokes its roles.
    """
    qs = Organization.objects.filter(kind=Organization.Kind.SCHOOL).order_by("path")
    if user.is_superuser:
        return qs
    q = Q(pk__in=[])
    for node in nodes_for(user, Role.CHAIR):
        if node.kind != Organization.Kind.DISTRICT:
            q |= Q(path__startswith=node.path)
    return qs.filter(q)


def chair_school(request) -> tuple[Organization, list[Organization]]:
    """The school the page works on (``?school=<pk>`` among those chaired, else the first) and the choices.

    Raises ``PermissionDenied`` for a user who chairs no school.
    """
    schools = list(chaired_schools(request.user))
    if not schools:
        raise PermissionDenied(_("只有工会主席可以使用组织管理。"))
    wanted = request.GET.get("school") or request.POST.get("school")
    school = next((s for s in schools if str(s.pk) == wanted), schools[0])
    return school, schools


def get_unit_for_chair(user, pk) -> tuple[Organization, Organization]:
    """A sub-union or group in a school ``user`` chairs, with that school; ``Http404`` otherwise."""
    unit = Organization.objects.filter(pk=pk, kind__in=services.UNIT_KINDS).select_related("parent").first()
    school = unit.school if unit is not None else None
    if school is None or not chaired_schools(user).filter(pk=school.pk).exists():
        raise Http404(_("没有找到该组织，或您无权管理。"))
    return unit, school


def form_errors(form, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` on ``form`` (on the named field when the form has it)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _school_url(name: str, school: Organization, schools: list) -> str:
    url = reverse(name)
    return f"{url}?school={school.pk}" if len(schools) > 1 else url


def _org_page(request, school, schools, create_form, *, status=200):
    return render(
        request,
        "members/org.html",
        {
            "school": school,
            "schools": schools,
            "nodes": selectors.org_tree(school),
            "form": create_form,
        },
        status=status,
    )


@login_required
@require_GET
def org(request):
    """组织管理: the school's tree with active member counts and the form to add a unit."""
    school, schools = chair_school(request)
    return _org_page(request, school, schools, OrgCreateForm(school=school))


@login_required
@require_POST
def org_create(request):
    """Add a sub-union or group (``OrgCreateForm``); errors re-show the tree with the input kept."""
    school, schools = chair_school(request)
    form = OrgCreateForm(request.POST, school=school)
    if form.is_valid():
        try:
            node = services.organization_create(
                acting_user=request.user, request=request, school=school, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, _("已新增%(kind)s %(name)s。") % {"kind": node.get_kind_display(), "name": node.name}
            )
            return redirect(_school_url("members:org", school, schools))
    return _org_page(request, school, schools, form, status=400)


UNIT_FORMS = {
    "rename": OrgRenameForm,
    "move": OrgMoveForm,
    "merge": OrgMergeForm,
    "retire": OrgRetireForm,
}


def _unit_forms(unit, school, bound=None) -> dict:
    forms = {}
    for name, cls in UNIT_FORMS.items():
        kwargs = {"school": school, "unit": unit} if name in ("move", "merge") else {}
        data = bound[1] if bound and bound[0] == name else None
        initial = {"name": unit.name} if name == "rename" else None
        forms[name] = cls(data, initial=initial, **kwargs)
    return forms


def _unit_page(request, unit, school, bound=None, *, status=200):
    return render(
        request,
        "members/org_unit.html",
        {"unit": unit, "school": school, "forms": _unit_forms(unit, school, bound), "children": unit.children.all()},
        status=status,
    )


@login_required
@require_GET
def org_unit(request, pk: int):
    """One sub-union or group: rename, move, merge and retire forms."""
    unit, school = get_unit_for_chair(request.user, pk)
    return _unit_page(request, unit, school)


def _unit_action(request, pk: int, action: str, call, done: str):
    """Validate ``action``'s form for unit ``pk``, call ``call(unit, school, cleaned_data)``; redirect or re-show."""
    unit, school = get_unit_for_chair(request.user, pk)
    form = _unit_forms(unit, school, (action, request.POST))[action]
    if form.is_valid():
        try:
            call(unit, school, form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, done % {"name": unit.name})
            return redirect(f"{reverse('members:org')}?school={school.pk}")
    unit.refresh_from_db()
    return _unit_page(request, unit, school, (action, request.POST), status=400)


@login_required
@require_POST
def org_rename(request, pk: int):
    def call(unit, school, d):
        services.organization_rename(
            acting_user=request.user, request=request, school=school, organization=unit, name=d["name"]
        )

    return _unit_action(request, pk, "rename", call, _("%(name)s 已更名。"))


@login_required
@require_POST
def org_move(request, pk: int):
    def call(unit, school, d):
        services.organization_move(
            acting_user=request.user, request=request, school=school, organization=unit, parent=d["parent"]
        )

    return _unit_action(request, pk, "move", call, _("%(name)s 已调整上级组织。"))


@login_required
@require_POST
def org_merge(request, pk: int):
    def call(unit, school, d):
        services.organization_merge(
            acting_user=request.user, request=request, school=school, organization=unit, target=d["target"]
        )

    return _unit_action(request, pk, "merge", call, _("%(name)s 已合并并撤销。"))


@login_required
@require_POST
def org_retire(request, pk: int):
    def call(unit, school, d):
        services.organization_retire(acting_user=request.user, request=request, school=school, organization=unit)

    return _unit_action(request, pk, "retire", call, _("%(name)s 已撤销。"))


@login_required
@require_http_methods(["GET", "POST"])
def departments(request):
    """部门: the school's departments and a form to add one or (``?edit=<pk>``) change one."""
    school, schools = chair_school(request)
    edit_id = request.POST.get("id") or request.GET.get("edit")
    instance = (
        get_object_or_404(Department, pk=edit_id, school=school)
        if edit_id and str(edit_id).isdigit()
        else Department(school=school)
    )
    form = DepartmentForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.department_save(
                acting_user=request.user, request=request, school=school,
                department=instance if instance.pk else None, **form.cleaned_data,
            )  # fmt: skip
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("部门已保存。"))
            return redirect(_school_url("members:departments", school, schools))
    return render(
        request,
        "members/org_departments.html",
        {
            "school": school,
            "schools": schools,
            "form": form,
            "editing": instance.pk,
            "rows": Department.objects.filter(school=school),
        },  # fmt: skip
        status=400 if request.method == "POST" else 200,
    )
