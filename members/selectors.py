"""Reads of the member registry for pages and the annual report.

Aggregates run in SQL with a fixed number of queries whatever the data size.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from .access import members_visible_to
from .models import Member, MemberStatus, Organization


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


def report_stats(*, organization: Organization, start: dt.date, end: dt.date) -> dict:
    """Membership figures for the annual report over ``organization``'s subtree.

    Returns a dict of counts of persons (人):
    ``staff`` (active staff at ``end``), ``union_members`` (active union members),
    ``women``, ``contract_staff`` (not 在编), ``retirees``, ``joined`` and ``left``
    (union joins/leaves with dates in [start, end]), ``sub_unions`` and ``groups``
    (units in the subtree). Two queries.
    """
    members = Member.objects.within(organization)
    row = members.aggregate(
        staff=Count("pk", filter=Q(status=MemberStatus.ACTIVE)),
        union_members=Count("pk", filter=Q(status=MemberStatus.ACTIVE, is_union_member=True)),
        women=Count("pk", filter=Q(status=MemberStatus.ACTIVE, gender="female")),
        contract_staff=Count("pk", filter=Q(status=MemberStatus.ACTIVE) & ~Q(employment_type="established")),
        retirees=Count("pk", filter=Q(status=MemberStatus.RETIRED)),
        joined=Count("pk", filter=Q(joined_union_on__range=(start, end))),
        left=Count("pk", filter=Q(left_union_on__range=(start, end))),
    )
    units = organization.subtree().aggregate(
        sub_unions=Count("pk", filter=Q(kind=Organization.Kind.SUB_UNION)),
        groups=Count("pk", filter=Q(kind=Organization.Kind.GROUP)),
    )
    return {**row, **units}
