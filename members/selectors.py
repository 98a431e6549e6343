"""Reads of the member registry for pages (the annual report's figures are in ``members.report``).

Aggregates run in SQL with a fixed number of queries whatever the data size.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .access import members_visible_to, scope_q
from .models import AuditEntry, Member, Role


def member_list(user, *, search: str = "") -> QuerySet[Member]:
    """Members visible to ``user``, searched by name, pinyin, initials or 工号.

    ``search`` in Latin letters also matches pinyin initials (``zs`` → 张三) and
    full pinyin prefixes; everything else matches name or 工号 substrings.
    The queryset selects the organisation, its parent and the department so a
    page of rows costs no further queries.
    """
    qs = members_visible_to(user).select_related("organization__parent", "department")
    term = "".join((search or "").split())
    if term:
        q = Q(name__icontains=term) | Q(staff_no__icontains=term)
        if term.isascii() and term.isalpha():
            low = term.lower()
            q |= Q(name_initials__startswith=low) | Q(name_pinyin__startswith=low)
        qs = qs.filter(q)
    return qs



def audit_entries(user, *, action: str = "", who: str = "") -> QuerySet[AuditEntry]:
    """Audit entries of the subtrees where ``user`` is chair (all of them for a superuser), newest first.

    ``action`` (an ``AuditEntry.Action`` code; anything else is ignored) and ``who`` (a part of
    the username) narrow the list. The organisation is selected with each entry.
    """
    qs = AuditEntry.objects.select_related("organization")
    if not getattr(user, "is_superuser", False):
        qs = qs.filter(scope_q(user, "organization", Role.CHAIR))
    if action in AuditEntry.Action.values:
        qs = qs.filter(action=action)
    if who:
        qs = qs.filter(username__icontains=who)
    return qs


def org_tree(school) -> list:
    """The units of ``school`` (itself first) in tree order, each with ``member_count`` (active
    members whose own unit it is) and ``indent`` (0 for the school). Two queries whatever the size."""
    from django.db.models import Count

    from .models import MemberStatus, Organization

    nodes = list(
        Organization.objects.filter(path__startswith=school.path)
        .annotate(member_count=Count("members", filter=Q(members__status=MemberStatus.ACTIVE)))
        .order_by("path")
    )
    base = school.depth
    for node in nodes:
        node.indent = node.depth - base
    return nodes


def school_role_assignments(school) -> QuerySet:
    """Role assignments at ``school`` or below, with user, member record, unit and department selected."""
    from .models import RoleAssignment

    return (
        RoleAssignment.objects.filter(organization__path__startswith=school.path)
        .select_related("user__member", "organization", "department")
        .order_by("role", "organization__path", "user__username")
    )
