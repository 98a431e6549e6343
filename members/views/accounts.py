"""Accounts: Django's own password change and reset views (Chinese templates in ``templates/registration/``)
and the chair's one-time password for a colleague who forgot theirs.

The change and reset-confirm views are Django's, subclassed only to clear the one-time-password
requirement and audit the change (``members.services.user_password_changed``).
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..access import get_member_for_user, has_school_role
from ..models import Role
from ..services import user_one_time_password_issue, user_password_changed


class PasswordChangeView(auth_views.PasswordChangeView):
    """修改密码: Django's view; a successful change ends the one-time-password requirement (audited)."""

    success_url = reverse_lazy("password_change_done")

    def get_context_data(self, **kwargs):
        from ..services import PASSWORD_CHANGE_SESSION_KEY

        return super().get_context_data(**kwargs, must_change=bool(self.request.session.get(PASSWORD_CHANGE_SESSION_KEY)))

    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_changed(user=form.user, request=self.request, how="修改")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """找回密码: sends Django's signed reset link to the account's e-mail address (where e-mail is configured).

    The page answers the same whether or not the address is known (no account enumeration).
    """

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """设置新密码 from the e-mailed link; ends the one-time-password requirement too (audited)."""

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_changed(user=form.user, request=self.request, how="重置")
        return response


@never_cache
@login_required
@require_POST
def one_time_password_issue(request, pk: int):
    """The chair gives a colleague a one-time password, shown once on the answer page (never stored in clear).

    Only a chair whose node covers the member; the member must have a login. Audited by the service.
    """
    member = get_member_for_user(request.user, pk)
    if not has_school_role(request.user, Role.CHAIR, within=member.organization):  # not a district role
        raise PermissionDenied("只有工会主席可以发放一次性密码。")
    if member.user_id is None:
        return render(request, "registration/one_time_password.html", {"member": member, "password": None})
    password = user_one_time_password_issue(user=member.user, acting_user=request.user, request=request)
    return render(request, "registration/one_time_password.html", {"member": member, "password": password})
