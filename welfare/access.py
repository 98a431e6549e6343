"""Who may see which welfare records, built on ``members.access`` (no second scoping mechanism).

Ordinary welfare records follow the manager scope: chair, committee and
sub-union chairs see their subtree; a member sees their own records.

Sensitive records (visits with a sensitive occasion, claims under health
plans, hardship cases) are narrower (issue 3, "Privacy"): the chair and the
committee *of the member's school*, the sub-union chair for their own
sub-union's members, and the member themself. A district chair, for
example, manages the school's subtree but sees only counts of them.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from members.access import MANAGER_ROLES, has_role, member_of, nodes_for, role_assignments, scope_q
from members.models import Member, Organization, Role

from .models import AidClaim, HardshipCase, WelfareVisit


def can_manage(user, member: Member) -> bool:
    """Chair, committee or sub-union chair whose subtree holds the member (may record for them)."""
    return has_role(user, *MANAGER_ROLES, within=member.organization)


def can_see_sensitive(user, member: Member) -> bool:
    """Whether ``user`` may read the member's sensitive welfare records."""
    if getattr(user, "is_superuser", False):
        return True
    me = member_of(user)
    if me is not None and me.pk == member.pk:
        return True
    path = member.organization.path
    for ra in role_assignments(user):
        if ra.role in (Role.CHAIR, Role.COMMITTEE) and ra.organization_id == member.school_id:
            return True
        if (
            ra.role == Role.SUB_UNION_CHAIR
            and ra.organization.kind in (Organization.Kind.SUB_UNION, Organization.Kind.GROUP)
            and path.startswith(ra.organization.path)
        ):
            return True
    return False


def sensitive_q(user, member_field: str = "member") -> Q:
    """A ``Q`` over person-level rows whose sensitive details ``user`` may read (mirror of ``can_see_sensitive``)."""
    if getattr(user, "is_superuser", False):
        return Q()
    q = Q(pk__in=[])
    me = member_of(user)
    if me is not None:
        q |= Q(**{member_field: me.pk})
    for ra in role_assignments(user):
        if ra.role in (Role.CHAIR, Role.COMMITTEE) and ra.organization.kind == Organization.Kind.SCHOOL:
            q |= Q(**{f"{member_field}__school_id": ra.organization_id})
        elif ra.role == Role.SUB_UNION_CHAIR and ra.organization.kind in (
            Organization.Kind.SUB_UNION,
            Organization.Kind.GROUP,
        ):
            q |= Q(**{f"{member_field}__organization__path__startswith": ra.organization.path})
    return q


def person_scope_q(user, member_field: str = "member") -> Q:
    """Rows about members in the user's manager subtree, or about the user themself."""
    q = scope_q(user, f"{member_field}__organization", *MANAGER_ROLES)
    me = member_of(user)
    if me is not None:
        q |= Q(**{member_field: me.pk})
    return q


def _school_pk(node: Organization) -> int | None:
    """The pk of the school at or above ``node`` (cached on the node: one query at most)."""
    if not hasattr(node, "_welfare_school_pk"):
        school = node.school
        node._welfare_school_pk = school.pk if school else None
    return node._welfare_school_pk


def _visit_node_q(node: Organization) -> Q:
    """Visits about members in ``node``'s subtree, on the indexed ``WelfareVisit.school`` column."""
    if node.kind == Organization.Kind.DISTRICT:
        return Q(school__path__startswith=node.path)
    if node.kind == Organization.Kind.SCHOOL:
        return Q(school_id=node.pk)
    return Q(school_id=_school_pk(node), member__organization__path__startswith=node.path)


def _visit_rules(user) -> tuple[Q | None, list[Organization]]:
    """(rows the user sees in full — sensitive or not —, manager nodes where only non-sensitive rows show).

    The same rules as ``person_scope_q & (not sensitive | sensitive_q)``, written so that
    PostgreSQL can use the (school, visited_on) index: a school chair's visits are simply
    ``school_id = S``; the member's own rows are OR-ed in only when no full rule covers them.
    """
    full: list[Organization] = []
    for ra in role_assignments(user):
        org = ra.organization
        if ra.role in (Role.CHAIR, Role.COMMITTEE) and org.kind == Organization.Kind.SCHOOL:
            full.append(org)
        elif ra.role == Role.SUB_UNION_CHAIR and org.kind in (Organization.Kind.SUB_UNION, Organization.Kind.GROUP):
            full.append(org)
    kept: list[Organization] = []
    for node in sorted({n.path: n for n in full}.values(), key=lambda n: n.path):
        if not any(node.path.startswith(k.path) for k in kept):
            kept.append(node)
    full = kept
    q = None
    for node in full:
        q = _visit_node_q(node) if q is None else q | _visit_node_q(node)
    me = member_of(user)
    if me is not None and not any(me.organization.path.startswith(n.path) for n in full):
        q = Q(member_id=me.pk) if q is None else q | Q(member_id=me.pk)
    partial = [n for n in nodes_for(user, *MANAGER_ROLES) if not any(n.path.startswith(f.path) for f in full)]
    return q, partial


def visible_visits_q(user) -> Q:
    """Visits whose record ``user`` may see: in scope and (not sensitive or sensitive-allowed)."""
    if getattr(user, "is_superuser", False):
        return Q()
    full, partial = _visit_rules(user)
    q = full if full is not None else Q(pk__in=[])
    for node in partial:
        q |= _visit_node_q(node) & Q(occasion__is_sensitive=False)
    return q


def hidden_visits_q(user) -> Q | None:
    """Sensitive visits in the user's scope that they may only count; ``None`` when there can be none."""
    if getattr(user, "is_superuser", False):
        return None
    full, partial = _visit_rules(user)
    if not partial:
        return None
    q = Q(pk__in=[])
    for node in partial:
        q |= _visit_node_q(node)
    q &= Q(occasion__is_sensitive=True)
    return q & ~full if full is not None else q


def get_visit_for_user(user, pk) -> WelfareVisit:
    """A visit the user may read, or ``Http404`` (outsiders never learn it exists)."""
    visit = (
        WelfareVisit.objects.filter(visible_visits_q(user), pk=pk)
        .select_related(
            "member__organization__parent", "member__department", "occasion", "family_member", "recorded_by"
        )
        .first()
    )
    if visit is None:
        raise Http404("没有找到该慰问记录，或您无权查看。")
    return visit


def get_claim_for_user(user, pk) -> AidClaim:
    claim = (
        AidClaim.objects.filter(person_scope_q(user) & (Q(plan__is_health=False) | sensitive_q(user)), pk=pk)
        .select_related("member__organization", "plan")
        .first()
    )
    if claim is None:
        raise Http404("没有找到该理赔记录，或您无权查看。")
    return claim


def get_hardship_case_for_user(user, pk) -> HardshipCase:
    case = (
        HardshipCase.objects.filter(person_scope_q(user) & sensitive_q(user), pk=pk)
        .select_related("member__organization", "member__department")
        .first()
    )
    if case is None:
        raise Http404("没有找到该困难职工档案，或您无权查看。")
    return case
