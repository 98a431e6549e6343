"""Login, logout and failed-login entries in the audit trail; the one-time-password flag at login."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver

from union_portal.lib.audit import audit, client_ip

from .models import AuditEntry

# Sent by ``members.services.member_transfer`` inside its transaction, with ``member`` (already at the
# new school) and ``transfer`` (the ``MemberTransfer``). Apps whose records carry a school move the
# records dated on or after ``transfer.on``; earlier records stay where they happened.
member_transferred = Signal()


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    from members.access import primary_node
    from members.services import PASSWORD_CHANGE_SESSION_KEY, requires_password_change

    audit(request, AuditEntry.Action.LOGIN, user=user, summary="登录成功", organization=primary_node(user))
    session = getattr(request, "session", None)
    if session is not None and requires_password_change(user):
        session[PASSWORD_CHANGE_SESSION_KEY] = True  # PasswordChangeRequiredMiddleware reads this, not the table
    _apply_language(request, user)


def _apply_language(request, user) -> None:
    """Put the user's remembered language into the session (SiteLanguageMiddleware reads it there).

    A user with no remembered choice who picked a language on the login page keeps it as their choice.
    """
    from django.conf import settings

    from members.services import user_language, user_language_set
    from union_portal.middleware import USER_LANGUAGE_SESSION_KEY

    session = getattr(request, "session", None)
    if session is None:
        return
    language = user_language(user)
    if not language:
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) if hasattr(request, "COOKIES") else None
        if cookie in dict(settings.LANGUAGES):
            language = cookie
            user_language_set(user=user, language=language)
    if language:
        session[USER_LANGUAGE_SESSION_KEY] = language


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
