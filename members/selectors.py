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
# --- notices (通知公告) and the inbox -------------------------------------------------------------------


def _notice_audience_q(user) -> Q:
    """A ``Q`` over ``Notice`` for the notices addressed to ``user`` (whatever their window).

    The whole school of the user's member record; the sub-union above their unit (matched by the codes
    of their organisation path); and notices to roles the user holds at a node of that school.
    """
    from .access import member_of, role_assignments
    from .models import Notice

    me = member_of(user)
    q = Q(pk__in=[])
    if me is not None:
        codes = [c for c in me.organization.path.split("/") if c]
        q |= Q(school_id=me.school_id, audience=Notice.Audience.SCHOOL)
        q |= Q(school_id=me.school_id, audience=Notice.Audience.SUB_UNION, sub_union__code__in=codes)
    for ra in role_assignments(user):
        codes = [c for c in ra.organization.path.split("/") if c]
        q |= Q(audience=Notice.Audience.ROLES, school__code__in=codes, roles__contains=f",{ra.role},")
    return q


def notices_for(user, *, now=None) -> QuerySet:
    """Live notices addressed to ``user`` (in their publish window, not withdrawn), newest first.

    Each row carries ``is_read`` (the user confirmed it) and its school and sub-union are selected.
    Superusers get every live notice.
    """
    from django.db.models import Exists, OuterRef

    from .models import Notice, NoticeRead

    qs = Notice.objects.live(now)
    if not getattr(user, "is_superuser", False):
        qs = qs.filter(_notice_audience_q(user))
    return qs.select_related("school", "sub_union").annotate(
        is_read=Exists(NoticeRead.objects.filter(notice=OuterRef("pk"), user=user))
    )


def unread_notices_for(user, *, now=None) -> QuerySet:
    """Live notices addressed to ``user`` that they have not confirmed yet, newest first."""
    return notices_for(user, now=now).filter(is_read=False)


def notices_managed_by(user) -> QuerySet:
    """Every notice (scheduled, live, expired, withdrawn) the user may manage, with ``read_count``.

    The chair and committee see their school's notices; anyone sees the notices they sent.
    """
    from django.db.models import Count

    from .access import SCHOOL_MANAGER_ROLES
    from .models import Notice

    q = scope_q(user, "school", *SCHOOL_MANAGER_ROLES) | Q(created_by=user)
    return (
        Notice.objects.filter(q)
        .select_related("school", "sub_union", "created_by")
        .annotate(read_count=Count("reads", distinct=True))
    )


def get_notice_for_user(user, pk):
    """A notice the user may open: addressed to them and live, or one they manage. Else ``Http404``.

    The row carries ``is_read`` and ``can_manage``.
    """
    from django.http import Http404

    notice = notices_for(user).filter(pk=pk).first()
    managed = notices_managed_by(user).filter(pk=pk).first()
    if notice is None and managed is None:
        raise Http404("没有找到该通知，或您无权查看。")
    row = notice or managed
    row.is_read = bool(getattr(notice, "is_read", False))
    row.can_manage = managed is not None
    row.read_count = getattr(managed, "read_count", None)
    return row


def notice_audience_users(notice) -> QuerySet:
    """The user accounts a notice is addressed to (for its read receipts), by username.

    School: users linked to a member of the school; sub-union: to a member within it; roles: users
    holding one of the roles at a node of the school. Each row has ``read_at`` (None: not read).
    """
    from django.contrib.auth import get_user_model
    from django.db.models import OuterRef, Subquery

    from .models import Notice, NoticeRead

    User = get_user_model()
    if notice.audience == Notice.Audience.SUB_UNION:
        q = Q(member__organization__path__startswith=notice.sub_union.path)
    elif notice.audience == Notice.Audience.ROLES:
        q = Q(role_assignments__role__in=notice.role_codes,
              role_assignments__organization__path__startswith=notice.school.path)
    else:
        q = Q(member__school=notice.school)
    reads = NoticeRead.objects.filter(notice=notice, user=OuterRef("pk")).values("read_at")[:1]
    return (
        User.objects.filter(q, is_active=True)
        .distinct()
        .select_related("member__organization")
        .annotate(read_at=Subquery(reads))
        .order_by("username")
    )


def inbox_for(user, *, unread_only: bool = False) -> QuerySet:
    """The user's reminders, newest first (only the unread ones with ``unread_only``)."""
    from .models import Reminder

    qs = Reminder.objects.filter(recipient=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_reminder_count(user) -> int:
    """Unread reminders of ``user`` for the bell in the navigation (one indexed COUNT); 0 for anonymous."""
    from .models import Reminder

    if not getattr(user, "is_authenticated", False):
        return 0
    return Reminder.objects.filter(recipient=user, read_at__isnull=True).count()
