"""Writes of the congress area: every proposal transition, suggestions, votes and appraisals.

Each service is keyword-only, typed and atomic, checks that ``acting_user``
holds the role its transition belongs to (``PermissionDenied`` otherwise),
records the transition (who, when, note) and queues e-mail to the proposer and
the handlers through ``transaction.on_commit``. Review and hand-over lock the
proposal row (``select_for_update``) so two committee members acting on the
same proposal end in one consistent state: the second gets a clear message.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from members.access import member_of
from members.models import AuditEntry, Department, Role, RoleAssignment
from union_portal.lib.audit import audit
from union_portal.lib.messages import BoundMessage, source_text, split

from .models import (
    ACTION_LABELS,
    NOTE_ACCEPTED,
    NOTE_ASSIGNED,
    NOTE_ASSIGNED_CO,
    NOTE_COSIGNED,
    NOTE_LATE,
    NOTE_MERGED,
    NOTE_MERGED_FROM,
    NOTE_RATED,
    NOTE_RATED_COMMENT,
    NOTE_REHANDLE,
    NOTE_REPLIED,
    NOTE_TO_SUGGESTION,
    Appraisal,
    AppraisalResult,
    CoDepartmentReply,
    CompilationFile,
    Congress,
    CongressSession,
    CoSignature,
    Delegation,
    Feedback,
    Motion,
    MotionClause,
    Proposal,
    ProposalAttachment,
    ProposalCategory,
    ProposalReply,
    ProposalStatus,
    ProposalTransition,
    Rating,
    Representative,
    Suggestion,
    VoteTally,
    check_tally,
)
from .permissions import (
    handler_department_ids,
    is_committee,
    is_proposer,
    representative_for,
    require_committee,
    require_congress_admin,
)

log = logging.getLogger(__name__)
S = ProposalStatus

ALLOWED_ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
# Leading bytes of each allowed type (a renamed .exe is refused).
_MAGIC = {
    ".pdf": (b"%PDF",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG",),
}


def attachment_max_bytes() -> int:
    """``CONGRESS_ATTACHMENT_MAX_BYTES`` (default 5 MB)."""
    return getattr(settings, "CONGRESS_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)


def attachment_max_count() -> int:
    """``CONGRESS_ATTACHMENT_MAX_COUNT`` per proposal (default 5)."""
    return getattr(settings, "CONGRESS_ATTACHMENT_MAX_COUNT", 5)


class TransitionError(Exception):
    """A transition that the proposal's current state does not allow (message in Chinese)."""


# --- helpers ------------------------------------------------------------------


def _now():
    return timezone.now()


def _lock(proposal: Proposal | int) -> Proposal:
    pk = proposal.pk if isinstance(proposal, Proposal) else proposal
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("session__congress__school", "proposer__member", "created_by")
        .get(pk=pk)
    )


def _expect(proposal: Proposal, *statuses: str) -> None:
    if proposal.status not in statuses:
        wanted = _("、").join(str(S(s).label) for s in statuses)
        raise TransitionError(
            _("该提案当前状态为“%(status)s”，只有“%(wanted)s”的提案可以执行此操作。")
            % {"status": proposal.get_status_display(), "wanted": wanted}
        )


def _transition(
    proposal: Proposal, *, to: str, action: str, actor, note: str | BoundMessage = "", fields: Iterable[str] = (), at=None
) -> ProposalTransition:
    """Set ``proposal.status`` to ``to`` (saving ``fields`` too), log it and queue the e-mails.

    ``note`` is a person's words (kept as typed) or a generated note (a ``BoundMessage``: its code and
    parameters are stored, with the Chinese text in ``note``, and shown in the reader's language).
    """
    note, note_code, note_params = split(note)
    frm = proposal.status
    proposal.status = to
    proposal.save(update_fields=["status", "updated_at", *fields])
    entry = ProposalTransition.objects.create(
        proposal=proposal,
        from_status=frm,
        to_status=to,
        action=action,
        actor=actor,
        at=at or _now(),
        note=note,
        note_code=note_code,
        note_params=note_params,
        round=proposal.round,
    )
    _notify(proposal, entry)
    return entry


def _notify(proposal: Proposal, entry: ProposalTransition) -> None:
    """After commit, e-mail the proposer and the lead department's handlers about ``entry``."""
    emails: set[str] = set()
    if proposal.created_by_id and proposal.created_by.email:
        emails.add(proposal.created_by.email)
    if proposal.proposer_id and proposal.proposer.member.user_id:
        user = proposal.proposer.member.user
        if user.email:
            emails.add(user.email)
    if proposal.lead_department_id and proposal.status in (S.ASSIGNED, S.REPLIED, S.CLOSED):
        emails.update(
            e
            for e in RoleAssignment.objects.filter(
                role=Role.HANDLER, department_id=proposal.lead_department_id
            ).values_list("user__email", flat=True)
            if e
        )
    if not emails:
        return
    label = ACTION_LABELS.get(entry.action, entry.action)
    subject = f"【提案{label}】{proposal.number + ' ' if proposal.number else ''}{proposal.title}"[:150]
    body = (
        f"提案“{proposal.title}”当前状态：{proposal.get_status_display()}。\n"
        f"操作：{label}\n"
        + (f"说明：{entry.note}\n" if entry.note else "")
        + (
            f"答复期限：{proposal.deadline:%Y年%m月%d日}\n"
            if proposal.deadline and proposal.status == S.ASSIGNED
            else ""
        )
        + "\n请登录学校工会工作平台查看。"
    )
    messages = [(subject, body, None, [e]) for e in sorted(emails)]

    def send():
        try:
            send_mass_mail(messages, fail_silently=False)
        except Exception:  # a mail outage must not undo a committed transition
            log.exception("sending proposal notification failed")

    transaction.on_commit(send)


def _formal_rep(user, session: CongressSession) -> Representative:
    rep = representative_for(user, session.congress)
    if rep is None or not rep.is_formal:
        raise PermissionDenied(_("只有本届正式代表可以提出提案。"))
    return rep


# --- drafting and co-signing --------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    acting_user,
    session: CongressSession,
    title: str,
    reasons: str,
    measures: str,
    category: ProposalCategory | None = None,
    suggested_department: Department | None = None,
    delegation: Delegation | None = None,
) -> Proposal:
    """Draft a proposal for a 正式 representative, or for their delegation (集体提案)."""
    rep = _formal_rep(acting_user, session)
    if delegation is not None and delegation.pk != rep.delegation_id:
        raise PermissionDenied(_("只能以本人所在代表团的名义提出集体提案。"))
    proposal = Proposal.objects.create(
        session=session,
        title=title.strip(),
        reasons=reasons,
        measures=measures,
        category=category,
        suggested_department=suggested_department,
        proposer=None if delegation else rep,
        delegation=delegation,
        created_by=acting_user,
    )
    ProposalTransition.objects.create(
        proposal=proposal, from_status="", to_status=S.DRAFT, action="create", actor=acting_user, at=_now()
    )
    return proposal


@transaction.atomic
def proposal_update(*, acting_user, proposal: Proposal, **fields) -> Proposal:
    """Edit a draft (or one still collecting co-signers) as its proposer."""
    proposal = _lock(proposal)
    if not is_proposer(acting_user, proposal):
        raise PermissionDenied(_("只有提案人可以修改提案。"))
    _expect(proposal, S.DRAFT, S.COLLECTING)
    allowed = {"title", "reasons", "measures", "category", "suggested_department"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(name)
        setattr(proposal, name, value)
    proposal.save(update_fields=[*fields, "updated_at"])
    return proposal


@transaction.atomic
def attachment_add(*, acting_user, proposal: Proposal, upload) -> ProposalAttachment:
    """Attach a file (type and size limited, contents sniffed) to a draft or collecting proposal."""
    proposal = _lock(proposal)
    if not is_proposer(acting_user, proposal):
        raise PermissionDenied(_("只有提案人可以上传附件。"))
    _expect(proposal, S.DRAFT, S.COLLECTING)
    name, content_type = attachment_check(upload)
    if proposal.attachments.count() >= attachment_max_count():
        raise ValidationError(_("每个提案最多 %(n)s 个附件。") % {"n": attachment_max_count()})
    return ProposalAttachment.objects.create(
        proposal=proposal,
        file=upload,
        original_name=name,
        size=upload.size,
        content_type=content_type,
        uploaded_by=acting_user,
    )


def attachment_check(upload) -> tuple[str, str]:
    """Check an uploaded file the way every attachment of the portal is checked; return (name, MIME type).

    The type must be one of ``ALLOWED_ATTACHMENT_TYPES`` (PDF, Word, Excel, JPG/PNG) by extension, the
    size at most ``attachment_max_bytes()``, and the first bytes must match the extension (a renamed
    .exe is refused). ``name`` is the file's base name cut to 200 characters. Used by proposal, notice
    and 校务公开 attachments. Raises ``ValidationError`` with a Chinese message.
    """
    import os

    name = os.path.basename(upload.name or "")[:200]
    ext = os.path.splitext(name)[1].lower()
    if ext not in ALLOWED_ATTACHMENT_TYPES:
        raise ValidationError(_("附件只能是 PDF、Word、Excel 或 JPG/PNG 图片。"))
    if upload.size > attachment_max_bytes():
        raise ValidationError(_("附件不能超过 %(n)s MB。") % {"n": attachment_max_bytes() // (1024 * 1024)})
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(m) for m in _MAGIC[ext]):
        raise ValidationError(_("附件内容与扩展名不符，请上传真实的文件。"))
    return name, ALLOWED_ATTACHMENT_TYPES[ext]


@transaction.atomic
def cosigners_invite(*, acting_user, proposal: Proposal, representatives: Iterable[Representative]) -> int:
    """Invite 正式 representatives of the same congress as co-signers; return how many were new.

    Refuses 列席/特邀 representatives and the proposer; repeats are ignored
    (the pair is unique in the database).
    """
    proposal = _lock(proposal)
    if not is_proposer(acting_user, proposal):
        raise PermissionDenied(_("只有提案人可以邀请附议人。"))
    _expect(proposal, S.DRAFT, S.COLLECTING)
    new = 0
    for rep in representatives:
        if rep.congress_id != proposal.session.congress_id or not rep.is_formal:
            raise ValidationError(_("%(name)s 不是本届正式代表，不能附议。") % {"name": rep.member.name})
        if rep.pk == proposal.proposer_id:
            raise ValidationError(_("提案人不能为自己的提案附议。"))
        try:
            with transaction.atomic():
                CoSignature.objects.create(proposal=proposal, representative=rep)
            new += 1
        except IntegrityError:
            continue
    return new


def _confirmed_count(proposal: Proposal) -> int:
    return proposal.cosignatures.filter(status=CoSignature.Status.CONFIRMED, role=CoSignature.Role.COSIGNER).count()


def _late(proposal: Proposal, today: dt.date) -> bool:
    return today > proposal.session.collection_closes


@transaction.atomic
def proposal_submit(*, acting_user, proposal: Proposal, today: dt.date | None = None) -> Proposal:
    """Proposer sends the draft out for co-signing (draft → collecting).

    With enough confirmed co-signers already it goes straight on to review
    (→ submitted). After the collection window closes it becomes a suggestion.
    """
    today = today or timezone.localdate()
    proposal = _lock(proposal)
    if not is_proposer(acting_user, proposal):
        raise PermissionDenied(_("只有提案人可以提交提案。"))
    _expect(proposal, S.DRAFT)
    if today < proposal.session.collection_opens:
        raise TransitionError(
            _("提案征集将于 %(date)s 开始，请届时再提交。")
            % {"date": date_format(proposal.session.collection_opens, _("Y年m月d日"))}
        )
    if _late(proposal, today):
        return _make_suggestion(proposal, actor=acting_user, action="late", note=NOTE_LATE.bind())
    _transition(proposal, to=S.COLLECTING, action="submit", actor=acting_user)
    return _maybe_submitted(proposal, actor=acting_user)


def _maybe_submitted(proposal: Proposal, *, actor) -> Proposal:
    needed = proposal.session.congress.min_cosigners
    if proposal.status == S.COLLECTING and _confirmed_count(proposal) >= needed:
        proposal.submitted_at = _now()
        _transition(
            proposal,
            to=S.SUBMITTED,
            action="cosigned",
            actor=actor,
            note=NOTE_COSIGNED.bind(count=_confirmed_count(proposal)),
            fields=["submitted_at"],
        )
    return proposal


def _cosignature_for(user, cosignature_pk: int) -> CoSignature:
    cs = (
        CoSignature.objects.select_related("representative__member", "proposal")
        .filter(pk=cosignature_pk, representative__member__user=user)
        .first()
    )
    if cs is None:
        raise PermissionDenied(_("这不是邀请您的附议。"))
    return cs


@transaction.atomic
def cosignature_confirm(*, acting_user, cosignature: CoSignature) -> CoSignature:
    """The invited 正式 representative confirms; enough confirmations move the proposal to review."""
    cs = _cosignature_for(acting_user, cosignature.pk)
    if not cs.representative.is_formal:
        raise PermissionDenied(_("只有正式代表可以附议。"))
    proposal = _lock(cs.proposal_id)
    _expect(proposal, S.DRAFT, S.COLLECTING)
    cs = CoSignature.objects.select_for_update().get(pk=cs.pk)
    if cs.status == CoSignature.Status.CONFIRMED:
        return cs
    cs.status = CoSignature.Status.CONFIRMED
    cs.confirmed_at = _now()
    cs.save(update_fields=["status", "confirmed_at"])
    _maybe_submitted(proposal, actor=acting_user)
    return cs


@transaction.atomic
def cosignature_decline(*, acting_user, cosignature: CoSignature) -> CoSignature:
    cs = _cosignature_for(acting_user, cosignature.pk)
    proposal = _lock(cs.proposal_id)
    _expect(proposal, S.DRAFT, S.COLLECTING)
    cs.status = CoSignature.Status.DECLINED
    cs.confirmed_at = None
    cs.save(update_fields=["status", "confirmed_at"])
    return cs


# --- committee review ---------------------------------------------------------


def _committee_lock(acting_user, proposal) -> Proposal:
    proposal = _lock(proposal)
    require_committee(acting_user, proposal.session.congress.school)
    return proposal


def next_number(session: CongressSession) -> str:
    """The next 立案号 of the session: ``<year>-<seq:03>`` (e.g. 2021-015).

    Callers hold the session row lock, so two acceptances never draw the same number.
    """
    prefix = f"{session.date.year}-"
    taken = Proposal.objects.filter(session=session, number__startswith=prefix).values_list("number", flat=True)
    seq = max((int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()), default=0) + 1
    return f"{prefix}{seq:03d}"


@transaction.atomic
def proposal_accept(*, acting_user, proposal: Proposal, note: str = "") -> Proposal:
    """立案 (submitted → accepted) with the next number of the session."""
    proposal = _committee_lock(acting_user, proposal)
    _expect(proposal, S.SUBMITTED)
    CongressSession.objects.select_for_update().filter(pk=proposal.session_id).first()
    proposal.number = next_number(proposal.session)
    proposal.reviewed_at = _now()
    proposal.decision_note = note
    _transition(
        proposal,
        to=S.ACCEPTED,
        action="accept",
        actor=acting_user,
        note=note or NOTE_ACCEPTED.bind(number=proposal.number),
        fields=["number", "reviewed_at", "decision_note"],
    )
    return proposal


@transaction.atomic
def proposal_reject(*, acting_user, proposal: Proposal, reason: str) -> Proposal:
    """不立案 (submitted → rejected); the reason is returned to the proposer."""
    if not reason.strip():
        raise ValidationError(_("不立案须写明理由。"))
    proposal = _committee_lock(acting_user, proposal)
    _expect(proposal, S.SUBMITTED)
    proposal.reviewed_at = _now()
    proposal.decision_note = reason
    _transition(
        proposal,
        to=S.REJECTED,
        action="reject",
        actor=acting_user,
        note=reason,
        fields=["reviewed_at", "decision_note"],
    )
    return proposal


@transaction.atomic
def proposal_merge(*, acting_user, proposal: Proposal, into: Proposal, note: str = "") -> Proposal:
    """并案 (submitted → merged) into an accepted proposal of the same session.

    The merged proposal's proposer and confirmed co-signers become co-proposers of ``into``.
    """
    proposal = _committee_lock(acting_user, proposal)
    _expect(proposal, S.SUBMITTED)
    target = _lock(into)
    if target.pk == proposal.pk or target.session_id != proposal.session_id:
        raise TransitionError(_("只能并入同一次会议的另一件提案。"))
    if target.status not in (S.ACCEPTED, S.ASSIGNED, S.REPLIED):
        raise TransitionError(_("只能并入已立案、尚未办结的提案。"))
    reps = [proposal.proposer_id] if proposal.proposer_id else []
    reps += list(
        proposal.cosignatures.filter(status=CoSignature.Status.CONFIRMED).values_list("representative_id", flat=True)
    )
    existing = set(target.cosignatures.values_list("representative_id", flat=True))
    now = _now()
    CoSignature.objects.bulk_create(
        [
            CoSignature(
                proposal=target,
                representative_id=r,
                role=CoSignature.Role.CO_PROPOSER,
                status=CoSignature.Status.CONFIRMED,
                confirmed_at=now,
            )
            for r in dict.fromkeys(reps)
            if r not in existing and r != target.proposer_id
        ]
    )
    proposal.merged_into = target
    proposal.reviewed_at = now
    proposal.decision_note = note
    _transition(
        proposal,
        to=S.MERGED,
        action="merge",
        actor=acting_user,
        note=note or NOTE_MERGED.bind(number=target.number, title=target.title),
        fields=["merged_into", "reviewed_at", "decision_note"],
    )
    merged_note = NOTE_MERGED_FROM.bind(title=proposal.title)
    ProposalTransition.objects.create(
        proposal=target,
        from_status=target.status,
        to_status=target.status,
        action="merge",
        actor=acting_user,
        at=now,
        note=merged_note.chinese,
        note_code=merged_note.code,
        note_params=merged_note.params,
        round=target.round,
    )
    return proposal


def _make_suggestion(proposal: Proposal, *, actor, action: str, note: str | BoundMessage) -> Proposal:
    proposer_member = proposal.proposer.member if proposal.proposer_id else member_of(proposal.created_by)
    Suggestion.objects.create(
        school=proposal.session.congress.school,
        session=proposal.session,
        submitted_by=proposer_member,
        title=proposal.title,
        content=f"{proposal.reasons}\n\n建议：{proposal.measures}",
        from_proposal=proposal,
        submitted_on=timezone.localdate(),
    )
    proposal.reviewed_at = _now()
    proposal.decision_note = split(note)[0]
    _transition(
        proposal, to=S.TO_SUGGESTION, action=action, actor=actor, note=note, fields=["reviewed_at", "decision_note"]
    )
    return proposal


@transaction.atomic
def proposal_to_suggestion(*, acting_user, proposal: Proposal, note: str = "") -> Proposal:
    """转为意见建议 (submitted → to_suggestion); a Suggestion is created from it."""
    proposal = _committee_lock(acting_user, proposal)
    _expect(proposal, S.SUBMITTED)
    return _make_suggestion(
        proposal, actor=acting_user, action="to_suggestion", note=note or NOTE_TO_SUGGESTION.bind()
    )


# --- hand-over, reply, feedback ---------------------------------------------------


@transaction.atomic
def proposal_assign(
    *,
    acting_user,
    proposal: Proposal,
    lead_department: Department,
    co_departments: Iterable[Department] = (),
    deadline: dt.date | None = None,
    note: str = "",
) -> Proposal:
    """交办 (accepted → assigned) to a lead department, optional co-departments and a deadline.

    The deadline defaults to today + the congress's reply deadline in days.
    """
    proposal = _committee_lock(acting_user, proposal)
    _expect(proposal, S.ACCEPTED)
    school = proposal.session.congress.school
    co = [d for d in co_departments if d.pk != lead_department.pk]
    if lead_department.school_id != school.pk or any(d.school_id != school.pk for d in co):
        raise ValidationError(_("承办部门必须是本校部门。"))
    today = timezone.localdate()
    deadline = deadline or today + dt.timedelta(days=proposal.session.congress.reply_deadline_days)
    if deadline < today:
        raise ValidationError(_("答复期限不能早于今天。"))
    proposal.lead_department = lead_department
    proposal.deadline = deadline
    proposal.assigned_at = _now()
    proposal.acknowledged_at = None
    names = "、".join(d.name for d in co)
    _transition(
        proposal,
        to=S.ASSIGNED,
        action="assign",
        actor=acting_user,
        note=note
        or (
            NOTE_ASSIGNED_CO.bind(lead=lead_department.name, co=names, deadline=f"{deadline:%Y-%m-%d}")
            if names
            else NOTE_ASSIGNED.bind(lead=lead_department.name, deadline=f"{deadline:%Y-%m-%d}")
        ),
        fields=["lead_department", "deadline", "assigned_at", "acknowledged_at"],
    )
    proposal.co_departments.set(co)
    return proposal


def _handler_lock(acting_user, proposal) -> Proposal:
    proposal = _lock(proposal)
    if proposal.lead_department_id not in handler_department_ids(acting_user) and not acting_user.is_superuser:
        raise PermissionDenied(_("只有主办部门负责人可以办理该提案。"))
    return proposal


@transaction.atomic
def proposal_acknowledge(*, acting_user, proposal: Proposal) -> Proposal:
    """签收: the lead department starts handling (待办 → 在办); no status change, logged."""
    proposal = _handler_lock(acting_user, proposal)
    _expect(proposal, S.ASSIGNED)
    if proposal.acknowledged_at is None:
        proposal.acknowledged_at = _now()
        _transition(proposal, to=S.ASSIGNED, action="acknowledge", actor=acting_user, fields=["acknowledged_at"])
    return proposal


@transaction.atomic
def proposal_return(*, acting_user, proposal: Proposal, reason: str) -> Proposal:
    """退回 (assigned → accepted): the lead department says it is not theirs; the committee re-assigns."""
    if not reason.strip():
        raise ValidationError(_("退回须写明理由。"))
    proposal = _handler_lock(acting_user, proposal)
    _expect(proposal, S.ASSIGNED)
    proposal.lead_department = None
    proposal.deadline = None
    proposal.acknowledged_at = None
    _transition(
        proposal,
        to=S.ACCEPTED,
        action="return",
        actor=acting_user,
        note=reason,
        fields=["lead_department", "deadline", "acknowledged_at"],
    )
    proposal.co_departments.clear()
    return proposal


@transaction.atomic
def proposal_reply(
    *,
    acting_user,
    proposal: Proposal,
    text: str,
    measures: str = "",
    planned_completion: dt.date | None = None,
) -> ProposalReply:
    """答复 (assigned → replied) by the lead department, for the current round."""
    if not text.strip():
        raise ValidationError(_("请填写答复内容。"))
    proposal = _handler_lock(acting_user, proposal)
    _expect(proposal, S.ASSIGNED)
    now = _now()
    reply = ProposalReply.objects.create(
        proposal=proposal,
        round=proposal.round,
        department=proposal.lead_department,
        text=text,
        measures=measures,
        planned_completion=planned_completion,
        replied_by=acting_user,
        replied_at=now,
    )
    proposal.replied_at = now
    if proposal.first_reply_on is None:
        proposal.first_reply_on = timezone.localdate(now)
    if proposal.acknowledged_at is None:
        proposal.acknowledged_at = now
    _transition(
        proposal,
        to=S.REPLIED,
        action="reply",
        actor=acting_user,
        note=NOTE_REPLIED.bind(round=proposal.round),
        fields=["replied_at", "first_reply_on", "acknowledged_at"],
        at=now,
    )
    return reply


@transaction.atomic
def proposal_rate(*, acting_user, proposal: Proposal, rating: str, comment: str = "") -> Proposal:
    """The proposer rates the reply: 满意/基本满意 → closed (办结); 不满意 → assigned again (重办, next round)."""
    proposal = _lock(proposal)
    if not is_proposer(acting_user, proposal):
        raise PermissionDenied(_("只有提案人可以评价答复。"))
    _expect(proposal, S.REPLIED)
    if rating not in Rating.values:
        raise ValidationError(_("请选择满意、基本满意或不满意。"))
    if rating == Rating.DISSATISFIED and not comment.strip():
        raise ValidationError(_("选择“不满意”时请写明意见，便于承办部门重办。"))
    now = _now()
    Feedback.objects.create(
        proposal=proposal, round=proposal.round, rating=rating, comment=comment, rated_by=acting_user, rated_at=now
    )
    proposal.rating = rating
    label = source_text(Rating(rating).label)  # the msgid: translated when shown
    if rating == Rating.DISSATISFIED:
        _transition(
            proposal,
            to=S.REPLIED,
            action="rate",
            actor=acting_user,
            note=NOTE_RATED_COMMENT.bind(rating_t=label, comment=comment),
            fields=["rating"],
            at=now,
        )
        proposal.round += 1
        proposal.deadline = timezone.localdate(now) + dt.timedelta(days=proposal.session.congress.reply_deadline_days)
        _transition(
            proposal,
            to=S.ASSIGNED,
            action="rehandle",
            actor=acting_user,
            note=NOTE_REHANDLE.bind(round=proposal.round, deadline=f"{proposal.deadline:%Y-%m-%d}"),
            fields=["round", "deadline"],
            at=now,
        )
    else:
        proposal.closed_at = now
        _transition(
            proposal,
            to=S.CLOSED,
            action="rate",
            actor=acting_user,
            note=NOTE_RATED_COMMENT.bind(rating_t=label, comment=comment) if comment else NOTE_RATED.bind(rating_t=label),
            fields=["rating", "closed_at"],
            at=now,
        )
    return proposal


@transaction.atomic
def proposal_close(*, acting_user, proposal: Proposal, note: str) -> Proposal:
    """办结 by the committee of a replied proposal the proposer has not rated (note required)."""
    if not note.strip():
        raise ValidationError(_("请写明办结说明。"))
    proposal = _committee_lock(acting_user, proposal)
    _expect(proposal, S.REPLIED)
    proposal.closed_at = _now()
    _transition(proposal, to=S.CLOSED, action="close", actor=acting_user, note=note, fields=["closed_at"])
    return proposal


# --- suggestions ------------------------------------------------------------------


@transaction.atomic
def suggestion_create(*, acting_user, title: str, content: str, session: CongressSession | None = None) -> Suggestion:
    """Any staff member with a record submits a suggestion."""
    me = member_of(acting_user)
    if me is None:
        raise PermissionDenied(_("只有本校教职工可以提出意见建议。"))
    return Suggestion.objects.create(
        school=me.school,
        session=session,
        submitted_by=me,
        title=title.strip(),
        content=content,
        submitted_on=timezone.localdate(),
    )


@transaction.atomic
def suggestion_forward(*, acting_user, suggestion: Suggestion, department: Department) -> Suggestion:
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    require_committee(acting_user, suggestion.school)
    if suggestion.status == Suggestion.Status.REPLIED:
        raise TransitionError(_("该意见建议已答复，不能再转办。"))
    if department.school_id != suggestion.school_id:
        raise ValidationError(_("转办部门必须是本校部门。"))
    suggestion.department = department
    suggestion.status = Suggestion.Status.FORWARDED
    suggestion.forwarded_at = _now()
    suggestion.save(update_fields=["department", "status", "forwarded_at"])
    return suggestion


@transaction.atomic
def suggestion_reply(*, acting_user, suggestion: Suggestion, reply: str) -> Suggestion:
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.department_id not in handler_department_ids(acting_user) and not acting_user.is_superuser:
        raise PermissionDenied(_("只有转办部门负责人可以答复。"))
    if suggestion.status != Suggestion.Status.FORWARDED:
        raise TransitionError(_("只有已转办的意见建议可以答复。"))
    if not reply.strip():
        raise ValidationError(_("请填写答复内容。"))
    suggestion.reply = reply
    suggestion.status = Suggestion.Status.REPLIED
    suggestion.replied_at = _now()
    suggestion.save(update_fields=["reply", "status", "replied_at"])
    return suggestion


# --- motions, votes, appraisals -------------------------------------------------------


@transaction.atomic
def motion_create(
    *, acting_user, session: CongressSession, title: str, clauses: list[str], description: str = "", voted_on=None
) -> Motion:
    """A motion with its clauses (one vote each); a motion voted as a whole has one clause, 全文."""
    require_congress_admin(acting_user, session.congress.school)
    motion = Motion.objects.create(session=session, title=title, description=description, voted_on=voted_on)
    clauses = [c.strip() for c in clauses if c.strip()] or ["全文"]
    MotionClause.objects.bulk_create(
        [MotionClause(motion=motion, number=i, title=c[:300]) for i, c in enumerate(clauses, start=1)]
    )
    return motion


def formal_roll(congress) -> int:
    return Representative.objects.filter(congress=congress, kind=Representative.Kind.FORMAL).count()


@transaction.atomic
def tally_record(
    *, acting_user, clause: MotionClause, expected: int, present: int, yes: int, no: int, abstain: int
) -> VoteTally:
    """Enter (or correct) a clause's paper-vote result; impossible tallies raise ``ValidationError``."""
    congress = clause.motion.session.congress
    require_congress_admin(acting_user, congress.school)
    roll = formal_roll(congress)
    check_tally(roll=roll, expected=expected, present=present, yes=yes, no=no, abstain=abstain)
    tally = VoteTally.objects.select_for_update().filter(clause=clause).first() or VoteTally(clause=clause)
    tally.roll, tally.expected, tally.present = roll, expected, present
    tally.yes, tally.no, tally.abstain = yes, no, abstain
    tally.entered_by = acting_user
    tally.compute(congress.pass_base)
    tally.save()
    return tally


@transaction.atomic
def appraisal_create(*, acting_user, session: CongressSession, title: str, ballots: int) -> Appraisal:
    require_congress_admin(acting_user, session.congress.school)
    return Appraisal.objects.create(session=session, title=title, ballots=ballots)


@transaction.atomic
def appraisal_result_add(
    *,
    acting_user,
    appraisal: Appraisal,
    leader_name: str,
    position: str = "",
    excellent: int,
    competent: int,
    basically_competent: int,
    incompetent: int,
) -> AppraisalResult:
    """Counts for one appraised leader; their sum may not exceed the valid ballots."""
    require_congress_admin(acting_user, appraisal.session.congress.school)
    total = excellent + competent + basically_competent + incompetent
    if total > appraisal.ballots:
        raise ValidationError(
            _("四档票数合计（%(total)s）超过了有效票数（%(ballots)s）。")
            % {"total": total, "ballots": appraisal.ballots}
        )
    return AppraisalResult.objects.create(
        appraisal=appraisal,
        leader_name=leader_name,
        position=position,
        excellent=excellent,
        competent=competent,
        basically_competent=basically_competent,
        incompetent=incompetent,
    )


# --- representatives ----------------------------------------------------------------


@transaction.atomic
def representative_add(
    *, acting_user, congress, member, kind: str, delegation: Delegation | None = None
) -> Representative:
    require_congress_admin(acting_user, congress.school)
    if member.school_id != congress.school_id:
        raise ValidationError(_("代表必须是本校教职工。"))
    if Representative.objects.filter(congress=congress, member=member).exists():
        raise ValidationError(_("%(name)s 已是本届代表。") % {"name": member.name})
    return Representative.objects.create(congress=congress, member=member, kind=kind, delegation=delegation)


# --- congress terms, sessions and categories ------------------------------------------


@transaction.atomic
def session_create(
    *,
    acting_user,
    request=None,
    congress: Congress,
    number: int,
    date: dt.date,
    collection_opens: dt.date,
    collection_closes: dt.date,
) -> CongressSession:
    """Open a new session (第N次会议) of ``congress`` with its proposal collection window; audited.

    Raises ``PermissionDenied`` unless ``acting_user`` may run the school's congress.
    ``request`` (optional) gives the audit entry its client address.
    """
    require_congress_admin(acting_user, congress.school)
    session = CongressSession.objects.create(
        congress=congress,
        number=number,
        date=date,
        collection_opens=collection_opens,
        collection_closes=collection_closes,
    )
    audit(
        request,
        AuditEntry.Action.CREATE,
        session,
        user=acting_user,
        organization=congress.school,
        summary=f"新建{session.name}",
    )
    return session


@transaction.atomic
def session_update(
    *,
    acting_user,
    request=None,
    session: CongressSession,
    number: int,
    date: dt.date,
    collection_opens: dt.date,
    collection_closes: dt.date,
) -> CongressSession:
    """Change a session's number, date or proposal collection window (opens/closes, inclusive); audited
    with the old and new window.

    Raises ``ValidationError`` (on ``number``) when the term has another session of that number or
    (on ``collection_closes``) for a window that closes before it opens; ``PermissionDenied`` unless
    ``acting_user`` may run the school's congress.
    """
    congress = session.congress
    require_congress_admin(acting_user, congress.school)
    if collection_closes < collection_opens:
        raise ValidationError({"collection_closes": _("征集截止不能早于开始。")})
    if CongressSession.objects.filter(congress=congress, number=number).exclude(pk=session.pk).exists():
        raise ValidationError({"number": _("本届已有该会次。")})
    old = f"{session.collection_opens:%Y-%m-%d}—{session.collection_closes:%Y-%m-%d}"
    session.number, session.date = number, date
    session.collection_opens, session.collection_closes = collection_opens, collection_closes
    session.save(update_fields=["number", "date", "collection_opens", "collection_closes"])
    audit(
        request,
        AuditEntry.Action.UPDATE,
        session,
        user=acting_user,
        organization=congress.school,
        summary=f"修改{session.name}：征集 {old} → {collection_opens:%Y-%m-%d}—{collection_closes:%Y-%m-%d}",
    )
    return session


@transaction.atomic
def congress_create(
    *,
    acting_user,
    request=None,
    school,
    number: int,
    kind: str,
    start_date: dt.date,
    end_date: dt.date,
    min_cosigners: int,
    pass_base: str,
    reply_deadline_days: int,
) -> Congress:
    """Open a new congress term (届) of ``school`` with its dates and rules; audited.

    Raises ``ValidationError`` (on ``number``) when the school has that term of that kind already,
    (on ``end_date``) for a term ending before it starts, and ``PermissionDenied`` unless
    ``acting_user`` may run the school's congress. Later changes go through :func:`congress_settings_update`.
    """
    require_congress_admin(acting_user, school)
    if end_date < start_date:
        raise ValidationError({"end_date": _("任期结束不能早于开始。")})
    if Congress.objects.filter(school=school, kind=kind, number=number).exists():
        raise ValidationError({"number": _("本校已有这一届。")})
    congress = Congress(
        school=school, number=number, kind=kind, start_date=start_date, end_date=end_date,
        min_cosigners=min_cosigners, pass_base=pass_base, reply_deadline_days=reply_deadline_days,
    )  # fmt: skip
    congress.save()
    audit(
        request,
        AuditEntry.Action.CREATE,
        congress,
        user=acting_user,
        organization=school,
        summary=f"新建{congress.name}",
    )
    return congress


CONGRESS_SETTINGS_FIELDS = ("start_date", "end_date", "min_cosigners", "pass_base", "reply_deadline_days")


@transaction.atomic
def congress_settings_update(
    *,
    acting_user,
    request=None,
    congress: Congress,
    start_date: dt.date,
    end_date: dt.date,
    min_cosigners: int,
    pass_base: str,
    reply_deadline_days: int,
) -> Congress:
    """Save a term's dates and rules: 附议人数 (``min_cosigners``), the base a vote passes on
    (``pass_base``) and the reply deadline in days after hand-over; audited.

    Raises ``PermissionDenied`` unless ``acting_user`` may run the school's congress.
    """
    require_congress_admin(acting_user, congress.school)
    congress.start_date, congress.end_date = start_date, end_date
    congress.min_cosigners, congress.pass_base = min_cosigners, pass_base
    congress.reply_deadline_days = reply_deadline_days
    congress.save(update_fields=list(CONGRESS_SETTINGS_FIELDS))
    audit(
        request,
        AuditEntry.Action.UPDATE,
        congress,
        user=acting_user,
        organization=congress.school,
        summary=f"修改{congress.name}设置",
    )
    return congress


@transaction.atomic
def category_save(
    *,
    acting_user,
    request=None,
    school,
    category: ProposalCategory | None = None,
    name: str,
    sort_order: int,
    is_active: bool,
) -> ProposalCategory:
    """Add a proposal category to ``school`` (``category`` None) or change ``category``; audited.

    Raises ``ValidationError`` (on ``name``) when the school already has another category of that
    name, and ``PermissionDenied`` unless ``acting_user`` may run the school's congress.
    """
    require_congress_admin(acting_user, school)
    if category is not None and category.school_id != school.pk:
        raise PermissionDenied(_("该类别不属于本校。"))
    taken = ProposalCategory.objects.filter(school=school, name=name)
    if category is not None and category.pk:
        taken = taken.exclude(pk=category.pk)
    if taken.exists():
        raise ValidationError({"name": _("已有同名类别。")})
    creating = category is None or category.pk is None
    category = category or ProposalCategory(school=school)
    category.name, category.sort_order, category.is_active = name, sort_order, is_active
    category.save()
    audit(
        request,
        AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
        category,
        user=acting_user,
        organization=school,
        summary=f"{'新增' if creating else '修改'}提案类别 {name}",
    )
    return category


def can_act(user, proposal: Proposal) -> dict[str, bool]:
    """Which buttons the user sees on a proposal page (the services still check)."""
    school = proposal.session.congress.school
    committee = is_committee(user, school)
    proposer = is_proposer(user, proposal)
    handler = bool(proposal.lead_department_id) and (
        proposal.lead_department_id in handler_department_ids(user) or user.is_superuser
    )
    st = proposal.status
    return {
        "edit": proposer and st in (S.DRAFT, S.COLLECTING),
        "submit": proposer and st == S.DRAFT,
        "invite": proposer and st in (S.DRAFT, S.COLLECTING),
        "review": committee and st == S.SUBMITTED,
        "assign": committee and st == S.ACCEPTED,
        "acknowledge": handler and st == S.ASSIGNED and proposal.acknowledged_at is None,
        "reply": handler and st == S.ASSIGNED,
        "return": handler and st == S.ASSIGNED,
        "co_reply": st in (S.ASSIGNED, S.REPLIED) and co_department_for(user, proposal) is not None,
        "rate": proposer and st == S.REPLIED,
        "close": committee and st == S.REPLIED,
        "committee": committee,
    }


# --- 提案汇编: one stored PDF per content --------------------------------------------------------------


@transaction.atomic
def compilation_request(*, session: CongressSession, html: str) -> tuple[CompilationFile, bool]:
    """The stored 提案汇编 for this exact page (``html``), created when new.

    Returns ``(book, needs_render)``: ``needs_render`` is True when the row is new, failed before,
    or lost its file; the caller then hands ``book.pk`` to ``congress.tasks.render_compilation`` once
    this transaction has committed. Identical content (same SHA-256 of the HTML) never renders twice.
    """
    import hashlib

    content_hash = hashlib.sha256(html.encode("utf-8")).hexdigest()
    book, created = CompilationFile.objects.get_or_create(
        session=session, content_hash=content_hash, defaults={"html": html}
    )
    if created:
        return book, True
    if book.status == CompilationFile.Status.FAILED or (book.status == CompilationFile.Status.DONE and not book.file):
        book.status, book.error, book.html = CompilationFile.Status.PENDING, "", html
        book.save(update_fields=["status", "error", "html"])
        return book, True
    return book, False


@transaction.atomic
def compilation_store(*, book_id: int, pdf: bytes) -> bool:
    """Save the rendered PDF on its row (DONE, HTML emptied) and drop the session's older books.

    Returns False when the row is gone or another worker stored it first. Older books' files are
    deleted after the commit, once their rows are gone.
    """
    from django.core.files.base import ContentFile
    from django.db.models import F

    book = CompilationFile.objects.select_for_update().filter(pk=book_id).first()
    if book is None or (book.status == CompilationFile.Status.DONE and book.file):
        return False
    book.file.save(f"proposal-book-{book.session_id}-{book.content_hash[:12]}.pdf", ContentFile(pdf), save=False)
    book.status, book.html, book.error, book.finished_at = CompilationFile.Status.DONE, "", "", timezone.now()
    book.save(update_fields=["file", "status", "html", "error", "finished_at"])
    CompilationFile.objects.filter(pk=book.pk).update(renders=F("renders") + 1)
    older = CompilationFile.objects.filter(session_id=book.session_id, status=CompilationFile.Status.DONE).exclude(
        pk=book.pk
    )
    files = [old.file for old in older if old.file]
    older.delete()
    for stale in files:
        transaction.on_commit(lambda f=stale: f.storage.delete(f.name))
    return True


# --- 协办: a co-department replies on its part (issue 16) ----------------------------------------------------


def co_department_for(user, proposal: Proposal):
    """The co-department (协办部门) of ``proposal`` whose handler ``user`` is, or None."""
    mine = handler_department_ids(user)
    if not mine:
        return None
    return next((d for d in proposal.co_departments.all() if d.pk in mine), None)


@transaction.atomic
def proposal_co_reply(*, acting_user, proposal: Proposal, text: str, request=None) -> CoDepartmentReply:
    """A co-department's reply on the part handed to it, for the current round, while the proposal is
    handed over (交办) or answered (已答复). A second reply in the same round replaces the first. Logged in the
    proposal's history (no status change) and audited.

    Raises ``PermissionDenied`` unless the user handles one of the proposal's co-departments,
    ``TransitionError`` in another status, ``ValidationError`` for an empty text."""
    if not text.strip():
        raise ValidationError(_("请填写协办意见。"))
    proposal = _lock(proposal)
    department = co_department_for(acting_user, proposal)
    if department is None:
        raise PermissionDenied(_("只有协办部门负责人可以答复协办部分。"))
    _expect(proposal, S.ASSIGNED, S.REPLIED)
    now = _now()
    reply, _created = CoDepartmentReply.objects.update_or_create(
        proposal=proposal,
        round=proposal.round,
        department=department,
        defaults={"text": text, "replied_by": acting_user, "replied_at": now},
    )
    ProposalTransition.objects.create(
        proposal=proposal,
        from_status=proposal.status,
        to_status=proposal.status,
        action="co_reply",
        actor=acting_user,
        at=now,
        note=f"{department.name}（协办）",
        round=proposal.round,
    )
    audit(
        request,
        AuditEntry.Action.CREATE,
        reply,
        user=acting_user,
        organization=proposal.session.congress.school,
        summary=f"协办答复 {department.name}：{proposal.title}"[:200],
    )
    return reply


# --- 催办 (urging an overdue proposal) --------------------------------------------------------------


def handler_users(department_id: int) -> list:
    """The users holding the handler role (承办部门负责人) of a department."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model().objects.filter(
            role_assignments__role=Role.HANDLER, role_assignments__department_id=department_id, is_active=True
        ).distinct()
    )


@transaction.atomic
def proposal_urge(*, acting_user, proposal: Proposal, note: str = "", request=None) -> ProposalTransition:
    """催办: the proposals committee urges the lead department on an overdue proposal.

    The proposal must be handed over (已交办) and past its reply deadline; one 催办 per proposal and
    day. Logged in the proposal's history (``ProposalTransition`` with action ``urge``, the status
    unchanged), audited, and sent to the department's handlers' inboxes (and e-mail). Raises
    ``PermissionDenied`` for anyone but the committee, ``TransitionError`` when not overdue or
    already urged today.
    """
    from members.models import Reminder
    from members.services import reminder_send

    proposal = _lock(proposal)
    school = proposal.session.congress.school
    require_committee(acting_user, school)
    _expect(proposal, S.ASSIGNED)
    today = timezone.localdate()
    if proposal.deadline is None or proposal.deadline >= today:
        raise TransitionError(_("该提案尚未超过答复期限，不需要催办。"))
    if proposal.transitions.filter(action="urge", at__date=today).exists():
        raise TransitionError(_("该提案今天已经催办过了。"))
    entry = ProposalTransition.objects.create(
        proposal=proposal, from_status=proposal.status, to_status=proposal.status, action="urge",
        actor=acting_user, at=_now(), note=note.strip(), round=proposal.round,
    )
    days = (today - proposal.deadline).days
    reminder_send(
        kind=Reminder.Kind.PROPOSAL_URGE, obj=proposal, step=f"urge:{entry.pk}",
        recipients=handler_users(proposal.lead_department_id),
        title=f"催办：提案“{proposal.title[:80]}”已逾期{days}天",
        body=(f"答复期限为{proposal.deadline:%Y年%m月%d日}，请尽快答复。" + (f"\n说明：{entry.note}" if entry.note else "")),
        url=reverse("congress:proposal_detail", args=[proposal.pk]),
    )
    audit(request, AuditEntry.Action.UPDATE, proposal, user=acting_user, organization=school,
          summary=f"催办提案 {proposal.number} {proposal.title[:80]}")
    return entry


# --- 校务公开 ------------------------------------------------------------------------------------------


@transaction.atomic
def disclosure_publish(
    *,
    acting_user,
    school,
    category: str,
    title: str,
    body: str,
    period_start: dt.date,
    period_end: dt.date,
    session: CongressSession | None = None,
    upload=None,
    request=None,
):
    """Publish a 校务公开 item now (``published_at``); return the ``DisclosureItem``.

    Who: chair, committee member or proposals committee of ``school`` (``require_congress_admin``).
    ``upload`` (optional) is checked like every attachment (``attachment_check``). ``session``, when
    given, must be one of the school's sessions. Raises ``PermissionDenied``, or ``ValidationError``
    (Chinese) for an unknown category, a reversed period or a bad file. Audited.
    """
    from .models import DisclosureItem

    require_congress_admin(acting_user, school)
    if category not in DisclosureItem.Category.values:
        raise ValidationError(_("请选择公开类别。"))
    if period_end < period_start:
        raise ValidationError(_("公开期间的结束日期不能早于开始日期。"))
    if session is not None and session.congress.school_id != school.pk:
        raise ValidationError(_("只能关联本校的教代会会议。"))
    item = DisclosureItem(
        school=school, category=category, title=title.strip(), body=body, period_start=period_start,
        period_end=period_end, session=session, published_by=acting_user,
    )
    if upload is not None:
        item.original_name, item.content_type = attachment_check(upload)
        item.file = upload
    item.save()
    audit(request, AuditEntry.Action.CREATE, item, user=acting_user, organization=school,
          summary=f"发布校务公开（{item.get_category_display()}）{item.title[:100]}")
    return item


@transaction.atomic
def disclosure_withdraw(*, acting_user, item, reason: str, request=None):
    """Withdraw a 校务公开 item (``withdrawn_at`` now, with a reason); it moves to the archive.

    Same roles as publishing. Withdrawing twice changes nothing. Raises ``PermissionDenied``. Audited.
    """
    from .models import DisclosureItem

    item = DisclosureItem.objects.select_for_update().select_related("school").get(pk=item.pk)
    require_congress_admin(acting_user, item.school)
    if item.withdrawn_at is None:
        item.withdrawn_at = _now()
        item.withdrawn_by = acting_user
        item.withdraw_reason = reason.strip()[:200]
        item.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
        audit(request, AuditEntry.Action.UPDATE, item, user=acting_user, organization=item.school,
              summary=f"撤回校务公开 {item.title[:100]}：{item.withdraw_reason}")
    return item
