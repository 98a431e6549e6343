"""Login, logout and failed-login entries in the audit trail."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from union_portal.lib.audit import audit, client_ip

from .models import AuditEntry


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    from members.access import primary_node

    audit(request, AuditEntry.Action.LOGIN, user=user, summary="登录成功", organization=primary_node(user))


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit(request, AuditEntry.Action.LOGOUT, user=user, summary="退出登录")


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    name = str(credentials.get("username", ""))[:150]
    AuditEntry.objects.create(
        action=AuditEntry.Action.LOGIN_FAILED, username=name, summary="登录失败", ip_address=client_ip(request)
    )


@receiver(user_logged_in)
def _flag_one_time_password(sender, request, user, **kwargs):
    """Flag the session when the user logs in with a one-time password still unchanged (see
    ``union_portal.middleware.PasswordChangeRequiredMiddleware``)."""
    from union_portal.middleware import MUST_CHANGE_PASSWORD

    from .models import OneTimePassword

    if request is not None and hasattr(request, "session"):
        if OneTimePassword.objects.filter(user=user, password_hash=user.password).exists():
            request.session[MUST_CHANGE_PASSWORD] = True
