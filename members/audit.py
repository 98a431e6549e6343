"""Audit trail helpers (PIPL: who read or exported sensitive records, when, from where)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditEntry, Organization


def client_ip(request) -> str | None:
    """The client's address, trusting ``settings.TRUSTED_PROXY_COUNT`` reverse proxies.

    With N trusted proxies the client is the N-th address from the right of
    ``X-Forwarded-For``; with none, ``REMOTE_ADDR``. Returns None if unparsable.
    """
    if request is None:
        return None
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0
    candidate = request.META.get("REMOTE_ADDR", "")
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def audit(
    request,
    action: str,
    obj=None,
    *,
    summary: str = "",
    user=None,
    organization: Organization | None = None,
) -> AuditEntry:
    """Append one audit entry and return it.

    ``action`` is an ``AuditEntry.Action`` code; ``obj`` (optional) names the
    record by model label and pk. ``user`` defaults to ``request.user``.
    """
    user = user if user is not None else getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditEntry.objects.create(
        user=user,
        username=getattr(user, "username", "") if user else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:500],
        ip_address=client_ip(request),
        organization=organization,
    )


def audit_sensitive_read(request, obj, *, member, summary: str) -> AuditEntry | None:
    """Audit a read of a sensitive record about ``member`` (PIPL), unless the reader is that member.

    Returns the entry written, or None for a member reading their own record.
    """
    from .access import member_of

    if member_of(getattr(request, "user", None)) == member:
        return None
    return audit(request, AuditEntry.Action.READ_SENSITIVE, obj, organization=member.school, summary=summary)


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    from .access import primary_node

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
