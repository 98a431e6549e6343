"""What the welfare pages share: the manager's scope, the year selector, records in scope.

Managers (chair, committee, sub-union chair) work within their subtree; a member sees their own
records. Sensitive records follow ``welfare.access``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from members.access import MANAGER_ROLES, nodes_for, primary_school, scope_q
from members.models import Member, Organization

from ..models import PendingVisit

FIRST_YEAR = 2018  # the year selectors run from this year (exclusive) to the current one


def _scope(user) -> Organization:
    """The outermost node the user manages; ``PermissionDenied`` for non-managers."""
    nodes = nodes_for(user, *MANAGER_ROLES)
    if nodes:
        return nodes[0]
    if user.is_superuser:
        school = primary_school(user)
        if school is not None:
            return school
    raise PermissionDenied(_("只有工会主席、工会委员和分工会主席可以使用此功能。"))


def _school_of(node: Organization) -> Organization | None:
    """The school of ``node``; None for a district (it has none)."""
    return node.school if node.kind != Organization.Kind.DISTRICT else None


def _manageable_members(user):
    """Members in the user's manager scope (for the 工号或姓名 fields)."""
    return Member.objects.filter(scope_q(user, "organization", *MANAGER_ROLES))


def _year(request) -> int:
    """``?year=`` clamped to 2000–2100; the current year when missing or not a number."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


def _years() -> range:
    """The years a year selector offers, newest first."""
    return range(timezone.localdate().year, FIRST_YEAR, -1)


def _school_records(user, model):
    """``model`` rows (with an ``organization`` field) within the user's manager scope."""
    return model.objects.filter(scope_q(user, "organization", *MANAGER_ROLES))


def _get_pending_for_user(user, pk) -> PendingVisit:
    """A pending visit in the user's manager scope; ``Http404`` otherwise."""
    pending = (
        PendingVisit.objects.filter(scope_q(user, "member__organization", *MANAGER_ROLES), pk=pk)
        .select_related("member__organization", "member__school", "occasion", "family_member")
        .first()
    )
    if pending is None:
        raise Http404(_("没有找到该待慰问事项。"))
    return pending
