"""Who may do what in the congress area, built on ``members.access`` (the one scoping mechanism).

- 提案工作委员会 (``proposal_committee``): reviews, accepts, hands over, supervises.
- 工会主席/委员 (``chair``, ``committee``): run the congress (terms, sessions,
  representatives, votes) and read every proposal of their school.
- 承办部门负责人 (``handler``): sees and answers what was handed to their department.
- 代表: their own drafts, co-signing invitations, and all published proposals.
- 会员: published proposals and their own suggestions.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from members.access import (
    SCHOOL_MANAGER_ROLES,
    district_scope_q,
    has_role,
    member_of,
    role_assignments,
    school_scope_q,
)
from members.models import Organization, Role

from .models import PUBLIC_STATUSES, Congress, CoSignature, Proposal, Representative

COMMITTEE_ROLES = (Role.PROPOSAL_COMMITTEE,)
CONGRESS_ADMIN_ROLES = (*SCHOOL_MANAGER_ROLES, Role.PROPOSAL_COMMITTEE)
READ_ALL_ROLES = CONGRESS_ADMIN_ROLES


def is_committee(user, school: Organization) -> bool:
    """Member of the proposals committee over ``school``."""
    return has_role(user, *COMMITTEE_ROLES, within=school)


def can_admin_congress(user, school: Organization) -> bool:
    return has_role(user, *CONGRESS_ADMIN_ROLES, within=school)


def require_committee(user, school: Organization) -> None:
    if not is_committee(user, school):
        raise PermissionDenied("只有提案工作委员会可以执行此操作。")


def require_congress_admin(user, school: Organization) -> None:
    if not can_admin_congress(user, school):
        raise PermissionDenied("只有工会主席、工会委员或提案工作委员会可以执行此操作。")


def handler_department_ids(user) -> set[int]:
    """Departments whose proposals the user answers (handler role assignments)."""
    return {ra.department_id for ra in role_assignments(user) if ra.role == Role.HANDLER and ra.department_id}


def user_school(user) -> Organization | None:
    """The school of the user's own member record, or of their outermost role."""
    me = member_of(user)
    if me is not None:
        return me.school
    from members.access import primary_school

    return primary_school(user)


def representative_for(user, congress: Congress) -> Representative | None:
    """The user's seat in ``congress`` (any kind), or None."""
    me = member_of(user)
    if me is None:
        return None
    return Representative.objects.filter(congress=congress, member=me).select_related("delegation").first()


def is_proposer(user, proposal: Proposal) -> bool:
    """The user drafted the proposal or is its named proposer."""
    if not user.is_authenticated:
        return False
    if proposal.created_by_id == user.pk:
        return True
    return bool(proposal.proposer_id and proposal.proposer.member.user_id == user.pk)


def proposals_visible_q(user) -> Q:
    """A ``Q`` over ``Proposal`` for what ``user`` may read.

    Committee, chair and committee members: everything in their school(s); at a district node, only
    published proposals (the district rule, ``members.access``).
    Handlers: proposals handed to their department (lead or co). Proposers and
    invited co-signers: their own. Everybody in the school: published ones.
    """
    q = school_scope_q(user, "session__congress__school", *READ_ALL_ROLES)
    if getattr(user, "is_superuser", False):
        return q
    # District roles: published proposals only, never drafts or attachments under review (members.access).
    q |= district_scope_q(user, "session__congress__school", *READ_ALL_ROLES) & Q(status__in=PUBLIC_STATUSES)
    depts = handler_department_ids(user)
    if depts:
        co = Proposal.co_departments.through.objects.filter(department_id__in=depts).values("proposal_id")
        q |= Q(lead_department__in=depts) | Q(pk__in=co)
    invited = CoSignature.objects.filter(representative__member__user=user).values("proposal_id")
    q |= Q(created_by=user) | Q(proposer__member__user=user) | Q(pk__in=invited)
    me = member_of(user)
    if me is not None:
        q |= Q(session__congress__school=me.school_id, status__in=PUBLIC_STATUSES)
    return q
