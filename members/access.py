"""Roles and scoping: one mechanism for every app.

A ``RoleAssignment`` gives a user a role at an organisation node; the user then
sees that node's subtree (DOMAIN.md, "Scoping is by organisation subtree").
Every other app builds its querysets with :func:`scope_q` and fetches single
objects through a ``get_<model>_for_user`` helper that raises ``Http404``
outside the user's scope, never a bare ``.get(pk=…)`` in a view.

Role sets used across the portal:

- ``MANAGER_ROLES`` (chair, committee, sub-union chair): manage records in their subtree.
- ``SCHOOL_MANAGER_ROLES`` (chair, committee): whole-school management.
Superusers see everything.

**District roles** (any role held at a ``district`` node, e.g. the 区教育工会主席) are a deliberate,
narrower rule (README, "What the district union sees"): a district union needs counts and finished
reports, not the schools' personal records. Over the schools below it a district role:

- reads counts, lists and each school's main figures (the pages its manager role opens), and
  finished (定稿) reports with their versions and files;
- never sees a full ID number or bank account (``can_see_sensitive_identity``), nor sensitive
  welfare details (``welfare.access.can_see_sensitive`` counts school-level roles only);
- never reads a proposal that is not yet published (drafts, co-signing, awaiting review) nor its
  attachments (``congress.permissions.proposals_visible_q``), nor a school's draft report;
- never changes a school's report (``reports.selectors.can_edit``): only the district's own.

``has_school_role`` and ``school_scope_q`` are ``has_role`` and ``scope_q`` with district-level
assignments left out; ``district_scope_q`` is the subtree below the user's district nodes.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from .models import Member, Organization, Role, RoleAssignment

MANAGER_ROLES = (Role.CHAIR, Role.COMMITTEE, Role.SUB_UNION_CHAIR)
SCHOOL_MANAGER_ROLES = (Role.CHAIR, Role.COMMITTEE)
ALL_ROLES = tuple(Role)


def role_assignments(user) -> list[RoleAssignment]:
    """The user's role assignments with their organisations, cached on the user object.

    One query per request at most; anonymous users have none.
    """
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return []
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("organization", "department"))
        user._portal_roles = cached
    return cached


def has_role(user, *roles: str, within: Organization | None = None) -> bool:
    """True if the user holds any of ``roles`` (all roles when none given).

    With ``within``, the role's node must be ``within`` itself or one of its
    ancestors, i.e. the role covers that node. Superusers always pass.
    """
    if getattr(user, "is_superuser", False):
        return True
    wanted = set(roles or ALL_ROLES)
    for ra in role_assignments(user):
        if ra.role in wanted and (within is None or within.path.startswith(ra.organization.path)):
            return True
    return False


def is_district(node: Organization | None) -> bool:
    """True for a district node (区教育工会), whose roles follow the district rule (module docstring)."""
    return node is not None and node.kind == Organization.Kind.DISTRICT


def has_school_role(user, *roles: str, within: Organization | None = None) -> bool:
    """``has_role`` counting only assignments at a school or below: a district role never qualifies.

    Used where the district rule withholds something (full ID and bank numbers, changes to a
    school's records). Superusers always pass.
    """
    if getattr(user, "is_superuser", False):
        return True
    wanted = set(roles or ALL_ROLES)
    return any(
        ra.role in wanted and not is_district(ra.organization)
        and (within is None or within.path.startswith(ra.organization.path))
        for ra in role_assignments(user)
    )


def school_scope_q(user, field: str, *roles: str) -> Q:
    """``scope_q`` over the user's school-level (non-district) nodes only; superusers get everything."""
    if getattr(user, "is_superuser", False):
        return Q()
    q = Q(pk__in=[])
    for node in nodes_for(user, *roles):
        if not is_district(node):
            q |= Q(**{f"{field}__path__startswith": node.path})
    return q


def district_scope_q(user, field: str, *roles: str) -> Q:
    """Rows whose ``field`` (an ``Organization`` FK path) lies below a district node where the user holds
    ``roles``; matches nothing for users without a district role."""
    q = Q(pk__in=[])
    for node in nodes_for(user, *roles):
        if is_district(node):
            q |= Q(**{f"{field}__path__startswith": node.path})
    return q


def nodes_for(user, *roles: str) -> list[Organization]:
    """Organisation nodes at which the user holds any of ``roles``, outermost first, deduplicated.

    A node inside another returned node is dropped (its subtree is already covered).
    """
    wanted = set(roles or ALL_ROLES)
    nodes = sorted(
        {ra.organization.path: ra.organization for ra in role_assignments(user) if ra.role in wanted}.values(),
        key=lambda n: n.path,
    )
    kept: list[Organization] = []
    for node in nodes:
        if not any(node.path.startswith(k.path) for k in kept):
            kept.append(node)
    return kept


def scope_q(user, field: str, *roles: str) -> Q:
    """A ``Q`` limiting rows to the subtrees where the user holds ``roles``.

    ``field`` is the lookup path to an ``Organization`` FK (``"organization"``,
    ``"member__organization"``, ``"organizer"``). Superusers get an empty ``Q``
    (everything); a user with none of the roles gets a ``Q`` matching nothing.
    """
    if getattr(user, "is_superuser", False):
        return Q()
    q = Q(pk__in=[])
    for node in nodes_for(user, *roles):
        q |= Q(**{f"{field}__path__startswith": node.path})
    return q


def primary_node(user) -> Organization | None:
    """The outermost node of the user's roles, used as the default scope of pages."""
    nodes = nodes_for(user)
    if nodes:
        return nodes[0]
    member = member_of(user)
    return member.organization if member else None


def primary_school(user) -> Organization | None:
    """The school of the user's outermost role node, or of their own member record."""
    node = primary_node(user)
    if node is None:
        if getattr(user, "is_superuser", False):
            return Organization.objects.filter(kind=Organization.Kind.SCHOOL).order_by("path").first()
        return None
    if node.kind == Organization.Kind.DISTRICT:
        return None
    return node.school


def import_school(user) -> Organization | None:
    """The school whose spreadsheets ``user`` may import (rosters, ledgers), or None.

    The school of the user's chair or committee role at (or below) a school; a superuser
    without such a role gets ``primary_school``. District roles import nothing.
    """
    nodes = nodes_for(user, *SCHOOL_MANAGER_ROLES)
    school = next((n.school for n in nodes if n.kind != Organization.Kind.DISTRICT), None)
    if school is None and getattr(user, "is_superuser", False):
        school = primary_school(user)
    return school


def member_of(user) -> Member | None:
    """The member record linked to the user, or None (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_portal_member"):
        user._portal_member = Member.objects.filter(user=user).select_related("organization", "school").first()
    return user._portal_member


def members_visible_to(user):
    """Members the user may see in the registry: managers see their subtree, others only themselves.

    Nodes at or below a school also filter on the indexed ``school`` column (same rows, but
    PostgreSQL can then walk the (school, staff_no) index instead of scanning every school's
    members). The member's own row is OR-ed in only when it lies outside the managed subtrees.
    """
    if getattr(user, "is_superuser", False):
        return Member.objects.all()
    nodes = nodes_for(user, *MANAGER_ROLES)
    q = Q(pk__in=[])
    for node in nodes:
        if node.kind == Organization.Kind.DISTRICT:
            q |= Q(school__path__startswith=node.path)
        else:
            school_id = node.pk if node.kind == Organization.Kind.SCHOOL else _school_id(node)
            q |= Q(school_id=school_id, organization__path__startswith=node.path)
    me = member_of(user)
    if me is not None and not any(me.organization.path.startswith(n.path) for n in nodes):
        q |= Q(pk=me.pk)
    return Member.objects.filter(q)


def _school_id(node: Organization) -> int | None:
    """The pk of the school above ``node``, from its path (no query when cached on the node)."""
    if not hasattr(node, "_school_id"):
        school = node.school
        node._school_id = school.pk if school else None
    return node._school_id


def get_member_for_user(user, pk) -> Member:
    """Fetch a member the user may see, or raise ``Http404`` (never reveal existence)."""
    member = (
        members_visible_to(user).select_related("organization__parent", "department", "school").filter(pk=pk).first()
    )
    if member is None:
        raise Http404("没有找到该教职工，或您无权查看。")
    return member


def can_manage_member(user, member: Member) -> bool:
    """Chair, committee, or the sub-union chair whose subtree holds the member."""
    return has_role(user, *MANAGER_ROLES, within=member.organization)


def require_manager(user, node: Organization | None = None, roles: Iterable[str] = MANAGER_ROLES) -> None:
    """Raise ``PermissionDenied`` unless the user manages ``node`` (or anything, when None)."""
    if not has_role(user, *roles, within=node):
        raise PermissionDenied("您没有执行此操作的权限。")


def can_see_sensitive_identity(user, member: Member) -> bool:
    """Whether the full ID number and bank account may be shown (PIPL: necessity).

    Allowed: the member themself, and the roles named in ``settings.SENSITIVE_ID_ROLES``
    (default: the chair) held at the member's school or below (never a district role).
    """
    me = member_of(user)
    if me is not None and me.pk == member.pk:
        return True
    return has_school_role(user, *settings.SENSITIVE_ID_ROLES, within=member.organization)
