"""意见建议: submitting one, the lists each role sees, forwarding (committee) and answering (handler)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from union_portal.lib.lists import paginate, querystring

from .. import selectors, services
from ..forms import ForwardForm, SuggestionForm, SuggestionReplyForm
from ..models import Suggestion
from ..permissions import handler_department_ids, is_committee
from ._common import fail


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_list(request):
    """意见建议: submit one; see one's own, the department's, or (admins) all."""
    school = selectors.school_or_404(request.user)
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.suggestion_create(
                acting_user=request.user, session=selectors.current_session(school), **form.cleaned_data
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("意见建议已提交，提案工作委员会将转交有关部门。"))
            return redirect("congress:suggestion_list")
    page = paginate(request, selectors.suggestions_for_user(request.user, school))
    return render(
        request, "congress/suggestion_list.html", {"form": form, "page": page, "querystring": querystring(request)}
    )


def _post_action(request, s: Suggestion, forward_form, reply_form):
    """Forward (``action=forward``) or answer ``s``; returns a redirect when done, else the bound forms."""
    if request.POST.get("action") == "forward":
        forward_form = ForwardForm(request.POST, school=s.school)
        if forward_form.is_valid():
            services.suggestion_forward(acting_user=request.user, suggestion=s, **forward_form.cleaned_data)
            messages.success(request, _("已转办。"))
            return redirect("congress:suggestion_detail", pk=s.pk), forward_form, reply_form
    else:
        reply_form = SuggestionReplyForm(request.POST)
        if reply_form.is_valid():
            services.suggestion_reply(acting_user=request.user, suggestion=s, **reply_form.cleaned_data)
            messages.success(request, _("已答复。"))
            return redirect("congress:suggestion_detail", pk=s.pk), forward_form, reply_form
    return None, forward_form, reply_form


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_detail(request, pk: int):
    """A suggestion; the committee forwards it to a department, whose handler answers it."""
    s = selectors.get_suggestion_for_user(request.user, pk)
    committee = is_committee(request.user, s.school)
    handler = bool(s.department_id and s.department_id in handler_department_ids(request.user))
    forward_form = ForwardForm(school=s.school, initial={"department": s.department})
    reply_form = SuggestionReplyForm()
    if request.method == "POST":
        try:
            done, forward_form, reply_form = _post_action(request, s, forward_form, reply_form)
        except (services.TransitionError, ValidationError) as exc:
            fail(request, exc)
            return redirect("congress:suggestion_detail", pk=s.pk)
        if done is not None:
            return done
    return render(
        request,
        "congress/suggestion_detail.html",
        {
            "s": s,
            "forward_form": forward_form if committee and s.status != Suggestion.Status.REPLIED else None,
            "reply_form": reply_form if handler and s.status == Suggestion.Status.FORWARDED else None,
        },
    )
