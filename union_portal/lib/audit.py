"""The audit API (PIPL: who read, changed or exported which records, when, from where).

Every service that writes, and every view that renders a sensitive record, calls ``audit`` or
``audit_sensitive_read`` inside its own transaction. The entries are ``members.AuditEntry`` rows,
scoped to an organisation so each union sees its own trail.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings

from members.models import AuditEntry, Organization


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
    from members.access import member_of

    if member_of(getattr(request, "user", None)) == member:
        return None
    return audit(request, AuditEntry.Action.READ_SENSITIVE, obj, organization=member.school, summary=summary)
