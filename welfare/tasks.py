"""Periodic reminders of 送温暖 (Celery beat, ``CELERY_BEAT_SCHEDULE`` in settings): pending visits
near or past due, and the weekly digest of birthdays and upcoming retirements.

Sent through ``members.services.reminder_send``: once per (kind, object, step, recipient).
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from members.models import Member, MemberStatus, Organization, Reminder, Role
from members.services import reminder_send

from .models import PendingVisit


def _role_users(role: str, node: Organization | None) -> list:
    """Active users holding ``role`` exactly at ``node``."""
    if node is None:
        return []
    return list(
        get_user_model().objects.filter(
            role_assignments__role=role, role_assignments__organization=node, is_active=True
        ).distinct()
    )


@shared_task(name="welfare.remind_pending_visits")
def remind_pending_visits(today: str | None = None) -> int:
    """Open 必访 visits due within ``REMINDER_VISIT_DAYS`` days (``near``) or overdue (``past``): to the
    school's chair and the member's sub-union chair. Returns the number of reminders created."""
    today = dt.date.fromisoformat(today) if today else timezone.localdate()
    horizon = today + dt.timedelta(days=settings.REMINDER_VISIT_DAYS)
    pending = PendingVisit.objects.filter(status=PendingVisit.Status.OPEN, due_on__lte=horizon).select_related(
        "member__organization__parent", "member__school", "occasion"
    )
    sent = 0
    for visit in pending:
        member = visit.member
        step = "past" if visit.due_on < today else "near"
        recipients = _role_users(Role.CHAIR, member.school) + _role_users(Role.SUB_UNION_CHAIR, member.sub_union)
        when = "已逾期" if step == "past" else "即将到期"
        sent += len(reminder_send(
            kind=Reminder.Kind.VISIT_DUE, obj=visit, step=f"{step}:{visit.due_on:%Y-%m-%d}", recipients=recipients,
            title=f"待慰问{when}：{member.name}（{visit.get_event_display()}）",
            body=f"应慰问日期 {visit.due_on:%Y年%m月%d日}。",
            url=reverse("welfare:index"),
        ))
    return sent


def _birthdays(node: Organization, start: dt.date, days: int) -> list[Member]:
    """Active members of ``node``'s subtree with a birthday in [start, start + days), by date."""
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    from django.db.models import Q

    q = Q(pk__in=[])
    for d in dates:
        q |= Q(birth_date__month=d.month, birth_date__day=d.day)
    rows = list(Member.objects.within(node).filter(q, status=MemberStatus.ACTIVE))
    order = {(d.month, d.day): i for i, d in enumerate(dates)}
    return sorted(rows, key=lambda m: order[(m.birth_date.month, m.birth_date.day)])


@shared_task(name="welfare.weekly_digest")
def weekly_digest(today: str | None = None) -> int:
    """Each school chair and sub-union chair: birthdays in the coming 7 days and retirements within
    ``REMINDER_RETIREMENT_DAYS`` days in their subtree, once per ISO week. Nothing is sent to a node
    with neither."""
    from .selectors import upcoming_retirements

    today = dt.date.fromisoformat(today) if today else timezone.localdate()
    year, week, _ = today.isocalendar()
    sent = 0
    nodes = Organization.objects.filter(
        kind__in=(Organization.Kind.SCHOOL, Organization.Kind.SUB_UNION),
        role_assignments__role__in=(Role.CHAIR, Role.SUB_UNION_CHAIR),
    ).distinct()
    for node in nodes:
        birthdays = _birthdays(node, today, 7)
        retirements = upcoming_retirements(node, today=today, days=settings.REMINDER_RETIREMENT_DAYS)
        if not birthdays and not retirements:
            continue
        lines = [f"{m.birth_date:%m月%d日} 生日：{m.name}" for m in birthdays]
        lines += [f"{on:%Y年%m月%d日} 退休：{m.name}" for m, on in retirements]
        role = Role.CHAIR if node.kind == Organization.Kind.SCHOOL else Role.SUB_UNION_CHAIR
        sent += len(reminder_send(
            kind=Reminder.Kind.DIGEST, object_type="members.organization", object_id=str(node.pk),
            step=f"week:{year}-W{week:02d}", recipients=_role_users(role, node),
            title=f"本周提醒（{node.name}）：{len(birthdays)}人生日，{len(retirements)}人即将退休",
            body="\n".join(lines), url=reverse("welfare:index"),
        ))
    return sent
