"""The audit API (PIPL: who read, changed or exported which records, when, from where).

Every service that writes, and every view that renders a sensitive record, calls ``audit`` or
``audit_sensitive_read`` inside its own transaction. The entries are ``members.AuditEntry`` rows,
scoped to an organisation so each union sees its own trail.

**What a sensitive read is** (PIPL art. 28: health, financial accounts and identity numbers are
sensitive personal information). A page renders sensitive data when it shows, to anyone but the
member concerned:

1. a member's *full* ID number or bank account (in text or in a form's inputs; masked ones are not);
2. a welfare record of a sensitive occasion (``Occasion.is_sensitive``: illness, hospitalisation,
   death …), a mutual-aid claim, or a hardship case (困难职工档案: its reason, level and aid).

Such a page writes exactly one ``READ_SENSITIVE`` entry per request, whatever it shows and however
many of its parts are sensitive: ``audit_sensitive_read`` for one member's record (detail and edit
pages, the member page with its timeline), ``audit_sensitive_list`` for a list (the ledger rows of
sensitive occasions on the page, the hardship list). A page showing none of it writes none. Exports
are audited by their own ``EXPORT`` entry.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.utils.translation import gettext_noop

from members.models import AuditEntry, Organization

from .messages import BoundMessage, message, split

SENSITIVE_LIST = message("audit.sensitive_list", gettext_noop("%(list_t)s（%(count)s 条敏感记录）"))


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
    summary: str | BoundMessage = "",
    user=None,
    organization: Organization | None = None,
) -> AuditEntry:
    """Append one audit entry and return it.

    ``action`` is an ``AuditEntry.Action`` code; ``obj`` (optional) names the
    record by model label and pk. ``user`` defaults to ``request.user``. ``summary`` is a
    ``union_portal.lib.messages`` message with its parameters (stored as code + params, shown in
    the reader's language) or, as before, plain Chinese text (shown translated when it is a msgid).
    """
    text, code, params = split(summary)
    user = user if user is not None else getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditEntry.objects.create(
        user=user,
        username=getattr(user, "username", "") if user else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=text[:500],
        summary_code=code,
        summary_params=params,
        ip_address=client_ip(request),
        organization=organization,
    )


def _first_sensitive_read(request) -> bool:
    """True the first time in a request (later calls in the same request write nothing)."""
    if request is None:
        return True
    if getattr(request, "_sensitive_read_audited", False):
        return False
    request._sensitive_read_audited = True
    return True


def audit_sensitive_read(request, obj, *, member, summary: str | BoundMessage) -> AuditEntry | None:
    """Audit a page rendering a sensitive record about ``member`` (see the module docstring).

    Returns the entry written, or None for a member reading their own record, or when this request
    already wrote its sensitive-read entry (one per request).
    """
    from members.access import member_of

    if member_of(getattr(request, "user", None)) == member or not _first_sensitive_read(request):
        return None
    return audit(request, AuditEntry.Action.READ_SENSITIVE, obj, organization=member.school, summary=summary)


def audit_sensitive_list(request, *, count: int, summary: str, organization: Organization | None) -> AuditEntry | None:
    """Audit a list page that rendered ``count`` sensitive rows (see the module docstring).

    ``summary`` names the list (a Chinese msgid, the count is appended); ``organization`` is the list's scope (the
    union whose trail shows it). Writes nothing when ``count`` is 0 or the request already wrote
    its sensitive-read entry. Returns the entry written or None.
    """
    if count <= 0 or not _first_sensitive_read(request):
        return None
    return audit(request, AuditEntry.Action.READ_SENSITIVE, organization=organization,
                 summary=SENSITIVE_LIST.bind(list_t=summary, count=count))
