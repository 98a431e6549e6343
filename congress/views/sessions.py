"""Congress terms and sessions: a session's page, new and changed sessions (with their collection
windows), new terms and term settings, the roll of representatives, and the proposal categories."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from members.models import Member

from .. import selectors, services
from ..forms import CategoryForm, CongressForm, CongressSettingsForm, RepresentativeForm, SessionForm
from ..models import Congress, CongressSession, ProposalCategory
from ..permissions import can_admin_congress, require_congress_admin


@login_required
@require_GET
def session_detail(request, pk: int):
    """A session: its figures, motions with results, appraisals."""
    session = selectors.get_session_for_user(request.user, pk)
    school = session.congress.school
    return render(
        request,
        "congress/session_detail.html",
        {
            "session": session,
            "stats": selectors.session_stats(session),
            "motions": selectors.session_motions(session),
            "appraisals": selectors.session_appraisals(session),
            "can_admin": can_admin_congress(request.user, school),
            "counters": selectors.department_counters(school, today=timezone.localdate(), session=session),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request, congress_pk: int):
    """A new session of a congress term (its number, date and proposal collection window)."""
    congress = selectors.get_congress_for_user(request.user, congress_pk)
    require_congress_admin(request.user, congress.school)
    form = SessionForm(request.POST or None, instance=CongressSession(congress=congress))
    if request.method == "POST" and form.is_valid():
        session = services.session_create(
            acting_user=request.user, request=request, congress=congress, **form.cleaned_data
        )
        messages.success(request, _("已创建%(name)s。") % {"name": session.name})
        return redirect("congress:session_detail", pk=session.pk)
    return render(
        request,
        "congress/simple_form.html",
        {"form": form, "title": _("%(name)s · 新建会议") % {"name": congress.name}},
    )


def _service_errors(form, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` on ``form`` (on the named field when the form has it)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, pk: int):
    """Change a session's number, date and proposal collection window (open and close dates)."""
    session = selectors.get_session_for_user(request.user, pk)
    require_congress_admin(request.user, session.congress.school)
    form = SessionForm(request.POST or None, instance=CongressSession.objects.get(pk=session.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(acting_user=request.user, request=request, session=session, **form.cleaned_data)
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("已保存%(name)s。") % {"name": session.name})
            return redirect("congress:session_detail", pk=session.pk)
    return render(
        request,
        "congress/simple_form.html",
        {"form": form, "title": _("%(name)s · 修改") % {"name": session.name}},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def term_create(request):
    """A new congress term (届) of the user's school: number, kind, dates and rules."""
    school = selectors.school_or_404(request.user)
    require_congress_admin(request.user, school)
    form = CongressForm(request.POST or None, instance=Congress(school=school))
    if request.method == "POST" and form.is_valid():
        try:
            congress = services.congress_create(
                acting_user=request.user, request=request, school=school, **form.cleaned_data
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("已创建%(name)s。") % {"name": congress.name})
            return redirect("congress:index")
    return render(
        request,
        "congress/simple_form.html",
        {"form": form, "title": _("新建教代会届次")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def congress_settings(request, pk: int):
    """A term's dates and rules (附议人数, vote base, reply deadline)."""
    congress = selectors.get_congress_for_user(request.user, pk)
    require_congress_admin(request.user, congress.school)
    form = CongressSettingsForm(request.POST or None, instance=congress)
    if request.method == "POST" and form.is_valid():
        services.congress_settings_update(
            acting_user=request.user, request=request, congress=congress, **form.cleaned_data
        )
        messages.success(request, _("设置已保存。"))
        return redirect("congress:representatives", pk=congress.pk)
    return render(
        request, "congress/simple_form.html", {"form": form, "title": _("%(name)s · 设置") % {"name": congress.name}}
    )


def _representative_add(request, congress, form) -> bool:
    """Add the representative named by a valid ``form`` (工号 of the school); errors go on the form."""
    member = Member.objects.filter(school=congress.school, staff_no=form.cleaned_data["staff_no"]).first()
    if member is None:
        form.add_error("staff_no", _("本校没有这个工号。"))
        return False
    try:
        services.representative_add(
            acting_user=request.user,
            congress=congress,
            member=member,
            kind=form.cleaned_data["kind"],
            delegation=form.cleaned_data["delegation"],
        )
    except ValidationError as exc:
        form.add_error("staff_no", exc.messages[0])
        return False
    messages.success(request, _("已添加代表 %(name)s。") % {"name": member.name})
    return True


@login_required
@require_http_methods(["GET", "POST"])
def representatives(request, pk: int):
    """The roll of a congress with counts, the teachers' share warning, and (for admins) an add form."""
    congress = selectors.get_congress_for_user(request.user, pk)
    can_admin = can_admin_congress(request.user, congress.school)
    form = RepresentativeForm(request.POST or None, congress=congress)
    if request.method == "POST":
        require_congress_admin(request.user, congress.school)
        if form.is_valid() and _representative_add(request, congress, form):
            return redirect("congress:representatives", pk=congress.pk)
    return render(
        request,
        "congress/representatives.html",
        {
            "congress": congress,
            "reps": selectors.congress_representatives(congress),
            "summary": selectors.representative_summary(congress),
            "form": form if can_admin else None,
            "can_admin": can_admin,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def categories(request):
    """The editable list of proposal categories (``?edit=<pk>`` or a posted ``id`` edits one)."""
    school = selectors.school_or_404(request.user)
    require_congress_admin(request.user, school)
    edit_id = request.POST.get("id") or request.GET.get("edit")
    instance = (
        get_object_or_404(ProposalCategory, pk=edit_id, school=school)
        if edit_id and str(edit_id).isdigit()
        else ProposalCategory(school=school)
    )
    form = CategoryForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_save(
                acting_user=request.user, request=request, school=school, category=instance, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("类别已保存。"))
            return redirect("congress:categories")
    return render(
        request,
        "congress/categories.html",
        {"form": form, "rows": selectors.categories_for(school, active_only=False), "editing": instance.pk},
    )
