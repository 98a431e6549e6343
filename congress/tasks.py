"""Background work of the congress area (Celery over Redis; eager in-process without REDIS_URL).

The 提案汇编:
``render_compilation`` renders the HTML stored on a ``CompilationFile`` row (never the live records,
so the file matches the content hash it is stored under) and stores it through
``services.compilation_store``. It is idempotent: a row that already has its file is left alone.

Periodic reminders (Celery beat, ``CELERY_BEAT_SCHEDULE`` in settings): each run looks at today's state
and puts reminders in inboxes through ``members.services.reminder_send``, which sends each (kind,
object, step, recipient) once: running a task twice, or on two beats, or after a worker restart,
reminds nobody twice. Steps carry the deadline and round, so a new deadline (重办) starts new reminders.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from members.models import Reminder, Role
from members.services import reminder_send
from union_portal.lib.pdf import html_to_pdf

from .models import CompilationFile, CoSignature, Proposal, ProposalStatus
from .services import handler_users


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.REPORT_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_TASK_TIME_LIMIT,
    name="congress.render_compilation",
)
def render_compilation(book_id: int) -> str:
    """Render one stored 提案汇编 page to PDF; returns "rendered", "cached", "missing" or "timeout"."""
    from . import services

    book = CompilationFile.objects.filter(pk=book_id).first()
    if book is None:
        return "missing"
    if book.status == CompilationFile.Status.DONE and book.file:
        return "cached"
    try:
        pdf = html_to_pdf(book.html)
    except SoftTimeLimitExceeded:
        CompilationFile.objects.filter(pk=book_id).update(status=CompilationFile.Status.FAILED, error="生成超时，请稍后重试。")
        return "timeout"
    except Exception as exc:
        CompilationFile.objects.filter(pk=book_id).update(
            status=CompilationFile.Status.FAILED, error=f"生成失败：{type(exc).__name__}"[:500]
        )
        raise
    return "rendered" if services.compilation_store(book_id=book_id, pdf=pdf) else "cached"


def enqueue_compilation(book_id: int) -> None:
    """Hand a book to the worker; without a reachable broker it stays PENDING and the next request retries.

    Called by the view after ``services.compilation_request`` has returned (its transaction committed;
    the project does not use ATOMIC_REQUESTS), so the worker always finds the row. Eager (no
    REDIS_URL): renders here, before this returns.
    """
    import logging

    from kombu.exceptions import OperationalError

    try:
        render_compilation.apply_async(
            (book_id,),
            ignore_result=True,
            retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
        )
    except OperationalError:
        logging.getLogger(__name__).warning("compilation %s: task broker unreachable", book_id)
        CompilationFile.objects.filter(pk=book_id).exclude(status=CompilationFile.Status.DONE).update(
            status=CompilationFile.Status.FAILED, error="后台生成服务暂时无法连接，请稍后刷新重试。"
        )


# --- periodic reminders -----------------------------------------------------------------------------


def _committee_users(school) -> list:
    """The proposals committee (提案工作委员会) of ``school``: role holders at the school or above."""
    codes = [c for c in school.path.split("/") if c]
    return list(
        get_user_model().objects.filter(
            role_assignments__role=Role.PROPOSAL_COMMITTEE, role_assignments__organization__code__in=codes,
            is_active=True,
        ).distinct()
    )


def _deadline_step(proposal: Proposal, today: dt.date) -> str | None:
    """``near`` (deadline within ``REMINDER_DEADLINE_NEAR_DAYS``), ``past``, ``committee`` (past by
    ``REMINDER_ESCALATE_DAYS`` or more), or None (not due yet)."""
    days_left = (proposal.deadline - today).days
    if days_left < -settings.REMINDER_ESCALATE_DAYS + 1:
        return "committee"
    if days_left < 0:
        return "past"
    if days_left <= settings.REMINDER_DEADLINE_NEAR_DAYS:
        return "near"
    return None


@shared_task(name="congress.remind_proposal_deadlines")
def remind_proposal_deadlines(today: str | None = None) -> int:
    """Proposals handed over and not answered whose reply deadline is near or past.

    Near or past: the lead department's handlers; past by ``REMINDER_ESCALATE_DAYS``: the proposals
    committee as well (the handlers got theirs at the earlier steps). ``today`` (ISO date, for tests)
    defaults to the local date. Returns the number of reminders created.
    """
    today = dt.date.fromisoformat(today) if today else timezone.localdate()
    horizon = today + dt.timedelta(days=settings.REMINDER_DEADLINE_NEAR_DAYS)
    proposals = Proposal.objects.filter(
        status=ProposalStatus.ASSIGNED, deadline__isnull=False, deadline__lte=horizon, lead_department__isnull=False
    ).select_related("session__congress__school")
    sent = 0
    for proposal in proposals:
        step = _deadline_step(proposal, today)
        if step is None:
            continue
        days = (proposal.deadline - today).days
        when = f"还有{days}天到期" if days >= 0 else f"已逾期{-days}天"
        # The handlers get ``near`` and ``past``; at ``committee`` the committee too (and the handlers
        # their ``past`` one, if the first run after the deadline came that late).
        steps = [("near", handler_users(proposal.lead_department_id))] if step == "near" else [
            ("past", handler_users(proposal.lead_department_id))]
        if step == "committee":
            steps.append(("committee", _committee_users(proposal.session.congress.school)))
        for name, recipients in steps:
            sent += len(reminder_send(
                kind=Reminder.Kind.PROPOSAL_DEADLINE, obj=proposal,
                step=f"{name}:{proposal.deadline:%Y-%m-%d}:r{proposal.round}", recipients=recipients,
                title=f"提案“{proposal.title[:80]}”答复期限{when}",
                body=f"立案号 {proposal.number}，答复期限 {proposal.deadline:%Y年%m月%d日}。",
                url=reverse("congress:proposal_detail", args=[proposal.pk]),
            ))
    return sent


@shared_task(name="congress.remind_cosign_invitations")
def remind_cosign_invitations(today: str | None = None) -> int:
    """Co-sign invitations still unanswered when the session's collection window closes within
    ``REMINDER_COSIGN_DAYS`` days (today included): one reminder to the invited representative."""
    today = dt.date.fromisoformat(today) if today else timezone.localdate()
    horizon = today + dt.timedelta(days=settings.REMINDER_COSIGN_DAYS)
    invitations = CoSignature.objects.filter(
        status=CoSignature.Status.INVITED,
        proposal__status__in=(ProposalStatus.DRAFT, ProposalStatus.COLLECTING),
        proposal__session__collection_closes__range=(today, horizon),
        representative__member__user__isnull=False,
    ).select_related("proposal__session", "representative__member__user")
    sent = 0
    for inv in invitations:
        closes = inv.proposal.session.collection_closes
        sent += len(reminder_send(
            kind=Reminder.Kind.COSIGN, obj=inv, step=f"closes:{closes:%Y-%m-%d}",
            recipients=[inv.representative.member.user],
            title=f"请确认是否附议提案“{inv.proposal.title[:80]}”",
            body=f"提案征集将于{closes:%Y年%m月%d日}截止。",
            url=reverse("congress:proposal_detail", args=[inv.proposal_id]),
        ))
    return sent
