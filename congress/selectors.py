"""Reads of the congress area for pages and for the annual report.

Lists own their ``select_related``/``prefetch_related``; statistics aggregate in
SQL with a fixed number of queries whatever the number of proposals. Pages call
:func:`congress_stats` and :func:`session_stats`; the annual report
(``congress.report``) calls :func:`proposal_stats` for the sessions of a period (same keys).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, F, IntegerField, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from members.access import member_of
from members.models import Department, Organization

from .models import (
    ACCEPTED_STATUSES,
    COLLECTED_STATUSES,
    PUBLIC_STATUSES,
    Appraisal,
    Congress,
    CongressSession,
    CoSignature,
    Motion,
    MotionClause,
    Proposal,
    ProposalCategory,
    ProposalStatus,
    ProposalTransition,
    Rating,
    Representative,
    Suggestion,
    percent,
)
from .models import Feedback as FeedbackModel
from .models import ProposalReply as ProposalReplyModel
from .permissions import (
    READ_ALL_ROLES,
    can_admin_congress,
    handler_department_ids,
    proposals_visible_q,
    user_school,
)

S = ProposalStatus
TEACHER_SHARE_MIN = Decimal("60")  # 教育部令第32号: teachers are at least 60% of representatives


def _proposal_rows(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """What a list row shows, in one query: related rows by join, the 附议 count as a correlated subquery.

    A subquery (not ``Count`` over a join) keeps the rows ungrouped: no GROUP BY over every
    selected column and no DISTINCT, so a page costs an index walk, not a hash over the school.
    """
    confirmed = (
        CoSignature.objects.filter(
            proposal=OuterRef("pk"), status=CoSignature.Status.CONFIRMED, role=CoSignature.Role.COSIGNER
        )
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.select_related(
        "session__congress", "category", "proposer__member", "delegation", "lead_department"
    ).annotate(confirmed=Coalesce(Subquery(confirmed, output_field=IntegerField()), 0))


def proposals_for_user(user) -> QuerySet[Proposal]:
    """Every proposal ``user`` may read, with what a list row shows (no per-row queries)."""
    return _proposal_rows(Proposal.objects.filter(proposals_visible_q(user)))


def get_proposal_for_user(user, pk) -> Proposal:
    """One proposal the user may read, or ``Http404`` (its existence is not revealed)."""
    proposal = (
        Proposal.objects.filter(proposals_visible_q(user))
        .filter(pk=pk)
        .select_related(
            "session__congress__school",
            "category",
            "proposer__member__department",
            "delegation",
            "lead_department",
            "suggested_department",
            "merged_into",
            "created_by",
        )
        .first()
    )
    if proposal is None:
        raise Http404("没有找到该提案，或您无权查看。")
    return proposal


def proposal_detail_parts(proposal: Proposal) -> dict:
    """The related rows a proposal page shows: co-signers, history, replies, feedback, attachments."""
    return {
        "cosignatures": list(proposal.cosignatures.select_related("representative__member__department")),
        "transitions": list(
            ProposalTransition.objects.filter(proposal=proposal).select_related("actor__member").order_by("at", "pk")
        ),
        "replies": list(proposal.replies.select_related("department", "replied_by__member")),
        "feedbacks": list(proposal.feedbacks.all()),
        "attachments": list(proposal.attachments.all()),
        "co_departments": list(proposal.co_departments.all()),
        "merged_from": list(proposal.merged_from.select_related("proposer__member")),
    }


def public_proposals(school: Organization, *, session: CongressSession | None = None) -> QuerySet[Proposal]:
    """Published (accepted and later) proposals of a school, newest session first."""
    qs = Proposal.objects.filter(session__congress__school=school, status__in=PUBLIC_STATUSES)
    if session is not None:
        qs = qs.filter(session=session)
    return _proposal_rows(qs).order_by("-session__date", "number")


def department_proposals(user) -> QuerySet[Proposal]:
    """Proposals handed to the user's departments (lead or co), for the handler's desk."""
    depts = handler_department_ids(user)
    co = Proposal.co_departments.through.objects.filter(department_id__in=depts).values("proposal_id")
    return _proposal_rows(
        Proposal.objects.filter(Q(lead_department__in=depts) | Q(pk__in=co)).filter(
            status__in=(S.ASSIGNED, S.REPLIED, S.CLOSED)
        )
    ).order_by(F("deadline").asc(nulls_last=True), "number")


def congresses_for_school(school: Organization) -> list[Congress]:
    return list(
        Congress.objects.filter(school=school).prefetch_related(
            Prefetch("sessions", queryset=CongressSession.objects.order_by("-number"))
        )
    )


def sessions_traced(school: Organization, found) -> list[CongressSession] | None:
    """Sessions of ``school``'s congresses held in the report's traced subtree and period.

    ``found`` is a ``union_portal.lib.lists.Trace``; None when it narrows nothing (the page then
    lists every term's sessions). Counted like the report's ``congress.sessions``: by meeting
    ``date`` in [start, end]. One query.
    """
    from union_portal.lib.lists import apply_trace

    if not found.active:
        return None
    qs = CongressSession.objects.filter(congress__school=school).select_related("congress")
    return list(apply_trace(qs, found, org_field="congress__school", date_field="date").order_by("date", "pk"))


def current_session(school: Organization) -> CongressSession | None:
    return (
        CongressSession.objects.filter(congress__school=school)
        .select_related("congress")
        .order_by("-date", "-pk")
        .first()
    )


def overdue_proposals(school: Organization, *, today: dt.date) -> QuerySet[Proposal]:
    """督办: handed over, past the deadline, and no reply in the current round."""
    return _proposal_rows(
        Proposal.objects.filter(session__congress__school=school, status=S.ASSIGNED, deadline__lt=today)
    ).order_by("deadline")


def department_counters(school: Organization, *, today: dt.date, session: CongressSession | None = None) -> list:
    """Per lead department: 待办 (not yet signed for), 在办, 已答复, 已反馈 (closed), 逾期. One query.

    Departments with no proposals at all are left out.
    """
    base = Q(lead_proposals__session__congress__school=school)
    if session is not None:
        base &= Q(lead_proposals__session=session)
    st = "lead_proposals__status"
    rows = (
        Department.objects.filter(school=school)
        .annotate(
            pending=Count("lead_proposals", filter=base & Q(**{st: S.ASSIGNED}, lead_proposals__acknowledged_at=None)),
            in_progress=Count(
                "lead_proposals",
                filter=base & Q(**{st: S.ASSIGNED}, lead_proposals__acknowledged_at__isnull=False),
            ),
            replied=Count("lead_proposals", filter=base & Q(**{st: S.REPLIED})),
            fed_back=Count("lead_proposals", filter=base & Q(**{st: S.CLOSED})),
            overdue=Count("lead_proposals", filter=base & Q(**{st: S.ASSIGNED}, lead_proposals__deadline__lt=today)),
            total=Count("lead_proposals", filter=base),
        )
        .filter(total__gt=0)
        .order_by("sort_order", "name")
    )
    return list(rows)


def representative_summary(congress: Congress) -> dict:
    """Counts by kind and the teachers' share of 正式 representatives (warning below 60%). One query."""
    row = Representative.objects.filter(congress=congress).aggregate(
        formal=Count("pk", filter=Q(kind=Representative.Kind.FORMAL)),
        observer=Count("pk", filter=Q(kind=Representative.Kind.OBSERVER)),
        invited=Count("pk", filter=Q(kind=Representative.Kind.INVITED)),
        formal_teachers=Count("pk", filter=Q(kind=Representative.Kind.FORMAL, member__is_teacher=True)),
        formal_women=Count("pk", filter=Q(kind=Representative.Kind.FORMAL, member__gender="female")),
    )
    share = percent(row["formal_teachers"], row["formal"])
    row["teacher_share"] = share
    row["teacher_warning"] = share is not None and share < TEACHER_SHARE_MIN
    return row


def session_motions(session: CongressSession) -> list[Motion]:
    """Motions of a session with clauses and tallies (two queries)."""
    return list(
        Motion.objects.filter(session=session).prefetch_related(
            Prefetch("clauses", queryset=MotionClause.objects.select_related("tally"))
        )
    )


def session_appraisals(session: CongressSession) -> list[Appraisal]:
    return list(Appraisal.objects.filter(session=session).prefetch_related("results"))


# --- statistics -------------------------------------------------------------------


def _one_decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.1"))


_RATING_KEYS = ("satisfied", "basically_satisfied", "dissatisfied")


def proposal_stats(session_q: Q, suggestion_q: Q) -> dict:
    """Aggregate proposals of the sessions matching ``session_q`` (a Q over CongressSession) and the
    suggestions matching ``suggestion_q`` (a Q over Suggestion); six queries whatever the data size.

    The keys are listed in ``congress.report.report_stats``.
    """
    sessions = list(CongressSession.objects.filter(session_q).values_list("pk", flat=True))  # 1 query
    proposals = Proposal.objects.filter(session__in=sessions)
    accepted_q = Q(status__in=ACCEPTED_STATUSES)
    feedbacks = FeedbackModel.objects.filter(proposal=OuterRef("pk"))
    rated = proposals.annotate(
        first_rating=Subquery(feedbacks.filter(round=1).values("rating")[:1]),
        was_rehandled=Exists(feedbacks.filter(rating=Rating.DISSATISFIED)),
    )
    # Sent back (重办): rated 不满意 and moved to a further round. A 不满意 imported from a past summary
    # stays in round 1 (its re-handling, if any, is not on record), so it is not claimed as re-handled.
    rehandled_q = accepted_q & Q(was_rehandled=True, round__gt=1)
    row = rated.aggregate(  # 1 query
        unassigned=Count("pk", filter=accepted_q & Q(assigned_at__isnull=True)),
        first_round_satisfied=Count("pk", filter=accepted_q & Q(first_rating=Rating.SATISFIED)),
        first_round_basically_satisfied=Count("pk", filter=accepted_q & Q(first_rating=Rating.BASIC)),
        first_round_dissatisfied=Count("pk", filter=accepted_q & Q(first_rating=Rating.DISSATISFIED)),
        rehandled=Count("pk", filter=rehandled_q),
        rehandled_satisfied=Count("pk", filter=rehandled_q & Q(rating=Rating.SATISFIED)),
        rehandled_basically_satisfied=Count("pk", filter=rehandled_q & Q(rating=Rating.BASIC)),
        rehandled_dissatisfied=Count("pk", filter=rehandled_q & Q(rating=Rating.DISSATISFIED, status=S.CLOSED)),
        rehandled_pending=Count("pk", filter=rehandled_q & Q(rating=Rating.DISSATISFIED) & ~Q(status=S.CLOSED)),
        collected=Count("pk", filter=Q(status__in=COLLECTED_STATUSES)),
        pending_review=Count("pk", filter=Q(status=S.SUBMITTED)),
        accepted=Count("pk", filter=accepted_q),
        merged=Count("pk", filter=Q(status=S.MERGED)),
        to_suggestion=Count("pk", filter=Q(status=S.TO_SUGGESTION)),
        rejected=Count("pk", filter=Q(status=S.REJECTED)),
        assigned=Count("pk", filter=accepted_q & Q(assigned_at__isnull=False)),
        replied=Count("pk", filter=accepted_q & Q(first_reply_on__isnull=False)),
        on_time=Count("pk", filter=accepted_q & Q(first_reply_on__isnull=False, first_reply_on__lte=F("deadline"))),
        closed=Count("pk", filter=Q(status=S.CLOSED)),
        satisfied=Count("pk", filter=accepted_q & Q(rating=Rating.SATISFIED)),
        basically_satisfied=Count("pk", filter=accepted_q & Q(rating=Rating.BASIC)),
        dissatisfied=Count("pk", filter=accepted_q & Q(rating=Rating.DISSATISFIED)),
    )
    row["rated"] = row["satisfied"] + row["basically_satisfied"] + row["dissatisfied"]
    row["first_round"] = {key: row.pop(f"first_round_{key}") for key in _RATING_KEYS}
    row["rehandled_then"] = {key: row.pop(f"rehandled_{key}") for key in (*_RATING_KEYS, "pending")}
    row["reply_rate"] = percent(row["replied"], row["accepted"])
    row["handling_rate"] = percent(row["closed"], row["accepted"])
    row["on_time_rate"] = percent(row["on_time"], row["replied"])
    row["satisfaction_rate"] = percent(row["satisfied"] + row["basically_satisfied"], row["rated"])
    row["accepted_by_category"] = [  # 1 query
        (r["category__name"] or "未分类", r["n"])
        for r in proposals.filter(accepted_q)
        .values("category__name", "category__sort_order")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__sort_order")
    ]
    row["accepted_by_department"] = [  # 1 query
        (r["lead_department__name"] or "尚未交办", r["n"])
        for r in proposals.filter(accepted_q)
        .values("lead_department__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "lead_department__name")
    ]
    sug = Suggestion.objects.filter(suggestion_q).aggregate(  # 1 query
        suggestions=Count("pk"),
        suggestions_forwarded=Count("pk", filter=~Q(status=Suggestion.Status.SUBMITTED)),
        suggestions_replied=Count("pk", filter=Q(status=Suggestion.Status.REPLIED)),
    )
    row.update(sug)
    motions = (  # 1 query
        Motion.objects.filter(session__in=sessions)
        .annotate(
            clause_count=Count("clauses"),
            voted=Count("clauses__tally"),
            passed_clauses=Count("clauses__tally", filter=Q(clauses__tally__passed=True)),
            min_approval=Min("clauses__tally__approval_rate"),
            max_approval=Max("clauses__tally__approval_rate"),
        )
        .order_by("session__date", "pk")
    )
    row["motions"] = [
        {
            "title": m.title,
            "clauses": m.clause_count,
            "voted_clauses": m.voted,
            "passed_clauses": m.passed_clauses,
            "passed": m.voted > 0 and m.passed_clauses == m.clause_count,
            "min_approval_rate": _one_decimal(m.min_approval),
            "max_approval_rate": _one_decimal(m.max_approval),
        }
        for m in motions
    ]
    row["motions_passed"] = sum(1 for m in row["motions"] if m["passed"])
    row["sessions"] = len(sessions)
    return row


def congress_stats(congress: Congress) -> dict:
    """:func:`proposal_stats` for every session of one congress term (suggestions of its sessions)."""
    return proposal_stats(Q(congress=congress), Q(session__congress=congress))


def session_stats(session: CongressSession) -> dict:
    """:func:`proposal_stats` for one session."""
    return proposal_stats(Q(pk=session.pk), Q(session=session))


def dashboard_counts(user, school: Organization, *, today: dt.date) -> dict:
    """Small counts for the dashboard card (one query per role the user holds)."""
    from members.access import has_role

    from .permissions import is_committee

    out: dict = {}
    if is_committee(user, school) or has_role(user, *READ_ALL_ROLES, within=school):
        out.update(
            Proposal.objects.filter(session__congress__school=school).aggregate(
                to_review=Count("pk", filter=Q(status=S.SUBMITTED)),
                to_assign=Count("pk", filter=Q(status=S.ACCEPTED)),
                overdue=Count("pk", filter=Q(status=S.ASSIGNED, deadline__lt=today)),
            )
        )
    depts = handler_department_ids(user)
    if depts:
        out.update(
            Proposal.objects.filter(lead_department__in=depts).aggregate(
                dept_todo=Count("pk", filter=Q(status=S.ASSIGNED)),
                dept_overdue=Count("pk", filter=Q(status=S.ASSIGNED, deadline__lt=today)),
            )
        )
    if user.is_authenticated:
        out["invitations"] = CoSignature.objects.filter(
            representative__member__user=user,
            status=CoSignature.Status.INVITED,
            proposal__status__in=(S.DRAFT, S.COLLECTING),
        ).count()
        out["to_rate"] = Proposal.objects.filter(
            Q(created_by=user) | Q(proposer__member__user=user), status=S.REPLIED
        ).count()
    return out


def categories_for(school: Organization, *, active_only: bool = True) -> QuerySet[ProposalCategory]:
    qs = ProposalCategory.objects.filter(school=school)
    return qs.filter(is_active=True) if active_only else qs


def compilation_proposals(session: CongressSession) -> list[Proposal]:
    """Accepted proposals of a session with replies, ratings and co-signers, in number order (4 queries)."""
    return list(
        _proposal_rows(session.proposals.filter(status__in=ACCEPTED_STATUSES))
        .select_related("proposer__member__department")
        .prefetch_related(
            Prefetch("replies", queryset=ProposalReplyModel.objects.select_related("department").order_by("round")),
            Prefetch("feedbacks", queryset=FeedbackModel.objects.order_by("round")),
            Prefetch(
                "cosignatures",
                queryset=CoSignature.objects.filter(status=CoSignature.Status.CONFIRMED).select_related(
                    "representative__member"
                ),
            ),
            "co_departments",
        )
        .order_by("number")
    )


# --- one object for a user (404 when out of scope), and the rows of list pages -----------------------


def school_or_404(user) -> Organization:
    """The school whose congress ``user`` works in (``permissions.user_school``), or ``Http404``."""
    school = user_school(user)
    if school is None:
        raise Http404(_("您不属于任何学校工会。"))
    return school


def get_congress_for_user(user, pk) -> Congress:
    """A congress term of the user's school (any school for a superuser), or ``Http404``."""
    congress = Congress.objects.select_related("school").filter(pk=pk).first()
    if congress is None or not (user.is_superuser or school_or_404(user).pk == congress.school_id):
        raise Http404(_("没有找到该届教代会。"))
    return congress


def get_session_for_user(user, pk) -> CongressSession:
    """A session of the user's school (any school for a superuser), or ``Http404``."""
    session = CongressSession.objects.select_related("congress__school").filter(pk=pk).first()
    if session is None or not (user.is_superuser or school_or_404(user).pk == session.congress.school_id):
        raise Http404(_("没有找到该次会议。"))
    return session


def get_motion_for_user(user, pk) -> Motion:
    """A motion of a session the user may see (:func:`get_session_for_user`), or ``Http404``."""
    motion = Motion.objects.select_related("session__congress__school").filter(pk=pk).first()
    if motion is None:
        raise Http404(_("没有找到该表决事项。"))
    get_session_for_user(user, motion.session_id)
    return motion


def get_appraisal_for_user(user, pk) -> Appraisal:
    """A 民主评议 of a session the user may see (:func:`get_session_for_user`), or ``Http404``."""
    appraisal = Appraisal.objects.select_related("session__congress__school").filter(pk=pk).first()
    if appraisal is None:
        raise Http404(_("没有找到该民主评议。"))
    get_session_for_user(user, appraisal.session_id)
    return appraisal


def get_suggestion_for_user(user, pk) -> Suggestion:
    """A suggestion read by its submitter, the school's congress admins or the forwarded department's
    handlers; anyone else gets ``Http404`` (its existence is not revealed)."""
    s = (
        Suggestion.objects.select_related("submitted_by", "department", "school", "session__congress")
        .filter(pk=pk)
        .first()
    )
    if s is None:
        raise Http404(_("没有找到该意见建议。"))
    me = member_of(user)
    if (
        (me is not None and s.submitted_by_id == me.pk)
        or can_admin_congress(user, s.school)
        or (s.department_id and s.department_id in handler_department_ids(user))
    ):
        return s
    raise Http404(_("没有找到该意见建议。"))


def get_cosignature_for_user(user, pk) -> CoSignature:
    """A co-signature invitation addressed to ``user`` (as representative), or ``Http404``."""
    cs = CoSignature.objects.filter(pk=pk, representative__member__user=user).first()
    if cs is None:
        raise Http404(_("没有找到该附议邀请。"))
    return cs


def proposals_listed(user, school: Organization, view: str) -> QuerySet[Proposal]:
    """The unfiltered, unordered rows of one proposal list (``view``: public, mine, all, invited, department).

    ``mine`` is what the user drafted, proposed or co-signed; ``invited`` the drafts and proposals
    in collection awaiting the user's co-signature; ``all`` the school's proposals the user may read
    (the caller checks the role). Any other ``view`` gives the published list (:func:`public_proposals`).
    """
    if view == "all":
        return proposals_for_user(user).filter(session__congress__school=school)
    if view == "mine":
        signed = CoSignature.objects.filter(representative__member__user=user).values("proposal_id")
        return proposals_for_user(user).filter(Q(created_by=user) | Q(proposer__member__user=user) | Q(pk__in=signed))
    if view == "invited":
        invited = CoSignature.objects.filter(
            representative__member__user=user, status=CoSignature.Status.INVITED
        ).values("proposal_id")
        return proposals_for_user(user).filter(pk__in=invited, status__in=(S.DRAFT, S.COLLECTING))
    if view == "department":
        return department_proposals(user)
    return public_proposals(school)


def representative_names(pks: set[int]) -> dict[int, str]:
    """Representative pk → member name for ``pks`` (one query; none when ``pks`` is empty)."""
    if not pks:
        return {}
    return dict(Representative.objects.filter(pk__in=pks).values_list("pk", "member__name"))


def school_sessions(school: Organization) -> list[CongressSession]:
    """Every session of a school's congresses, with its congress (for filters and names)."""
    return list(CongressSession.objects.filter(congress__school=school).select_related("congress"))


def congress_representatives(congress: Congress) -> QuerySet[Representative]:
    """The roll of a congress term: by kind, delegation and staff number, with department and delegation."""
    return (
        Representative.objects.filter(congress=congress)
        .select_related("member__department", "delegation")
        .order_by("kind", "delegation__name", "member__staff_no")
    )


def suggestions_for_user(user, school: Organization) -> QuerySet[Suggestion]:
    """The suggestions of a school ``user`` may list: their own and their departments' (handlers);
    all of them for the school's congress admins. Newest first."""
    me = member_of(user)
    q = Q(submitted_by=me) if me else Q(pk__in=[])
    depts = handler_department_ids(user)
    if depts:
        q |= Q(department__in=depts)
    if can_admin_congress(user, school):
        q = Q()
    return (
        Suggestion.objects.filter(school=school)
        .filter(q)
        .select_related("submitted_by", "department", "from_proposal")
        .order_by("-submitted_on", "-pk")
    )


def export_proposals(session: CongressSession) -> QuerySet[Proposal]:
    """A session's proposals for the xlsx export, in number order, with departments and co-signers."""
    return (
        _proposal_rows(session.proposals.all())
        .select_related("suggested_department")
        .prefetch_related("co_departments", "cosignatures__representative__member")
        .order_by("number", "pk")
    )


# --- 校务公开 ------------------------------------------------------------------------------------------


def disclosure_items(school: Organization, *, today: dt.date, archive: bool = False, category: str = "",
                     session=None, year: int | None = None) -> QuerySet:
    """校务公开 items of ``school``, newest first.

    The board (``archive=False``): not withdrawn and the period not over on ``today``. The archive:
    withdrawn, or the period ended. ``session`` gives a congress session's materials, current and
    archived. ``category`` (a ``DisclosureItem.Category`` code; others ignored) and ``year`` (of
    publication) narrow it.
    """
    from .models import DisclosureItem

    qs = DisclosureItem.objects.filter(school=school).select_related("session__congress")
    if session is not None:  # a session's materials: current and archived alike
        qs = qs.filter(session=session)
    else:
        current = Q(withdrawn_at__isnull=True, period_end__gte=today)
        qs = qs.exclude(current) if archive else qs.filter(current)
    if category in DisclosureItem.Category.values:
        qs = qs.filter(category=category)
    if year:
        qs = qs.filter(published_at__year=year)
    return qs


def get_disclosure_for_user(user, pk):
    """A 校务公开 item of the user's school (any school for a superuser), or ``Http404``."""
    from .models import DisclosureItem

    item = DisclosureItem.objects.select_related("school", "session__congress").filter(pk=pk).first()
    if item is None or not (user.is_superuser or school_or_404(user).pk == item.school_id):
        raise Http404(_("没有找到该公开事项。"))
    return item


def disclosure_counts(*, path: str, start: dt.date, end: dt.date) -> dict:
    """校务公开 items published in [start, end] by schools in the subtree at ``path`` (one query).

    ``{"items": int, "by_category": [{"code", "label", "count"}]}``: items published in the period,
    withdrawn later or not (they appeared), by category in the order of ``DisclosureItem.Category``,
    categories with none left out. Labels are Chinese whatever the page's language (the report's).
    """
    from .models import DisclosureItem

    rows = dict(
        DisclosureItem.objects.filter(school__path__startswith=path, published_at__date__range=(start, end))
        .values_list("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    from django.utils.translation import override

    with override("zh-hans"):  # the report is an official document: Chinese labels
        by_category = [
            {"code": code, "label": str(label), "count": rows[code]}
            for code, label in DisclosureItem.Category.choices
            if rows.get(code)
        ]
    return {"items": sum(rows.values()), "by_category": by_category}


# --- Dashboard charts (issue 16). ---


def proposals_by_status(school: Organization, *, session: CongressSession | None = None) -> list[tuple[str, int]]:
    """Submitted proposals (drafts left out) of ``session`` (or of every session of the school) per status,
    in the order of ``ProposalStatus``, statuses with none left out: ``[(status label, 件)]``. One query."""
    qs = Proposal.objects.filter(session__congress__school=school).exclude(status=S.DRAFT)
    if session is not None:
        qs = qs.filter(session=session)
    counts = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    return [(str(label), counts[code]) for code, label in S.choices if counts.get(code)]


def member_proposals_by_status(user, *, year: int) -> list[tuple[str, int]]:
    """The user's own proposals (as proposer or creator) created in ``year``, per status label. One query."""
    qs = Proposal.objects.filter(Q(created_by=user) | Q(proposer__member__user=user), created_at__year=year)
    counts = dict(qs.values_list("status").annotate(n=Count("pk", distinct=True)).order_by())
    return [(str(label), counts[code]) for code, label in S.choices if counts.get(code)]
