"""Proposal lists: published, mine, all, my department's, my invitations; and the report's trace links."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from union_portal.lib.lists import apply_trace, clean_param, paginate, querystring, trace
from union_portal.lib.tables import DASH, Column, render_rows, text, url_prefix

from .. import selectors
from ..importers.proposal import proposal_import_school
from ..models import (
    ACCEPTED_STATUSES,
    COLLECTED_STATUSES,
    Congress,
    CongressSession,
    ProposalStatus,
    Rating,
    proposer_label,
)
from ..permissions import can_admin_congress, handler_department_ids, is_committee

S = ProposalStatus

LIST_VIEWS = {
    "public": gettext_lazy("已立案提案"),
    "mine": gettext_lazy("我的提案"),
    "all": gettext_lazy("全部提案"),
    "department": gettext_lazy("本部门承办"),
    "invited": gettext_lazy("待我附议"),
}

# Report figures link to the proposal list with these parameters (traceability, the links in congress/report.py):
# ``org`` (organisation code: that subtree), ``start``/``end`` (the session's meeting date, as the
# report counts), ``stage`` (the report's groups of statuses), ``rating`` and ``category``.
STAGES = {
    "collected": (gettext_lazy("征集（已提交）"), Q(status__in=COLLECTED_STATUSES)),
    "accepted": (gettext_lazy("立案"), Q(status__in=ACCEPTED_STATUSES)),
    "assigned": (gettext_lazy("已交办"), Q(status__in=ACCEPTED_STATUSES, assigned_at__isnull=False)),
    "replied": (gettext_lazy("已答复"), Q(status__in=ACCEPTED_STATUSES, first_reply_on__isnull=False)),
    "rated": (gettext_lazy("已评价"), Q(status__in=ACCEPTED_STATUSES) & ~Q(rating="")),
}
TRACE_KEYS = ("org", "start", "end", "stage", "rating", "category")

PROPOSAL_ROW_FIELDS = (
    "pk", "number", "title", "status", "round", "deadline", "confirmed", "proposer_id", "delegation__name",
    "category__name", "lead_department__name", "session__number", "session__congress__number",
    "session__congress__kind",
)  # fmt: skip


def _apply_traceability_filters(request, qs):
    """Narrow a proposal list by ``org``, ``start``, ``end`` (kernel trace on the session's school and
    meeting date), ``stage``, ``rating``, ``category`` (never widens)."""
    qs = apply_trace(qs, trace(request), org_field="session__congress__school", date_field="session__date")
    stage = request.GET.get("stage", "")
    if stage in STAGES:
        qs = qs.filter(STAGES[stage][1])
    rating = request.GET.get("rating", "")
    if rating in Rating.values:
        qs = qs.filter(status__in=ACCEPTED_STATUSES, rating=rating)
    category = request.GET.get("category", "")
    if category.isdigit():
        qs = qs.filter(category_id=int(category))
    return qs


def _apply_list_filters(request, qs, *, session_id: str, status: str, search: str):
    """The list's own filters (session, status, 案由/立案号 search), then the trace filters, in list order."""
    if session_id.isdigit():
        qs = qs.filter(session_id=int(session_id))
    if status in S.values:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(number__icontains=search))
    qs = _apply_traceability_filters(request, qs)
    # Every filter above is single-valued or a subquery: no DISTINCT (and no GROUP BY) over the rows.
    return qs.order_by("-session__date", "number", "-pk")


def _proposal_columns(proposers: dict[int, str], today: dt.date) -> list[Column]:
    """The proposal list's cells; ``proposers`` maps representative pk → member name."""
    status_labels = {k: escape(str(v)) for k, v in S.choices}
    prefix = url_prefix("congress:proposal_detail")
    session_names: dict[tuple, str] = {}

    def session_name(r) -> str:  # CongressSession.name, built once per session on the page
        key = (r["session__number"], r["session__congress__number"], r["session__congress__kind"])
        if key not in session_names:
            congress = Congress(number=key[1], kind=key[2])
            session_names[key] = escape(CongressSession(number=key[0], congress=congress).name)
        return session_names[key]

    def title(r):
        return (
            f'<span><a class="fw-semibold" href="{prefix}{r["pk"]}/">{escape(r["title"])}</a>'
            f'<span class="d-block small text-muted">{session_name(r)}</span></span>'
        )

    def proposer(r):
        member_name = proposers.get(r["proposer_id"], "") if r["proposer_id"] else None
        return escape(proposer_label(member_name, r["delegation__name"]))

    def status(r):
        rounds = ""
        if r["round"] > 1:
            rounds = f' <span class="badge text-bg-light border">{escape(_("第%(n)s轮") % {"n": r["round"]})}</span>'
        return f'<span class="badge st st-{escape(r["status"])}">{status_labels.get(r["status"], "")}</span>{rounds}'

    def deadline(r):
        if not r["deadline"]:
            return DASH
        overdue = "overdue" if r["status"] == S.ASSIGNED and r["deadline"] < today else ""
        return f'<span class="{overdue}">{r["deadline"].isoformat()}</span>'

    return [
        Column(_("立案号"), lambda r: text(r["number"]), "text-nowrap"),
        Column(_("案由"), title),
        Column(_("类别"), lambda r: text(r["category__name"])),
        Column(_("提案人"), proposer),
        Column(_("附议"), lambda r: str(r["confirmed"])),
        Column(_("状态"), status),
        Column(_("主办部门"), lambda r: text(r["lead_department__name"])),
        Column(_("答复期限"), deadline),
    ]


@login_required
@require_GET
def proposal_list(request):
    """Proposal lists: published (everyone), mine, all (committee), my department's, my invitations.

    Query budget: session + user + roles + member + sessions choices + count + one page
    (rows carry session, category, proposer, department and co-signer count by join/annotation).
    """
    user = request.user
    school = selectors.school_or_404(user)
    view = request.GET.get("view", "public")
    if view not in LIST_VIEWS:
        view = "public"
    if view == "all" and not can_admin_congress(user, school):
        raise PermissionDenied(_("只有提案工作委员会和工会主席、委员可以查看全部提案。"))
    session_id, status = request.GET.get("session", ""), request.GET.get("status", "")
    search = clean_param(request, "q", max_length=50)
    qs = _apply_list_filters(
        request, selectors.proposals_listed(user, school, view), session_id=session_id, status=status, search=search
    )
    # Only the columns a row shows, as dicts; proposer names by a second query for the page: with
    # representative and member joined too, PostgreSQL spent ~10 ms planning an eight-table join
    # for every page (EXPLAIN at 10×: planning 11 ms, execution 4 ms).
    page = paginate(request, qs.values(*PROPOSAL_ROW_FIELDS))
    proposers = selectors.representative_names({r["proposer_id"] for r in page if r["proposer_id"]})
    return render(
        request,
        "congress/proposal_list.html",
        {
            "page": page,
            "rows": render_rows(page, _proposal_columns(proposers, timezone.localdate())),
            "view": view,
            "views": LIST_VIEWS,
            "title": LIST_VIEWS[view],
            "sessions": selectors.school_sessions(school),
            "session_id": session_id,
            "status": status,
            "statuses": S.choices,
            "stage_label": STAGES.get(request.GET.get("stage", ""), ("", None))[0],
            "rating_label": dict(Rating.choices).get(request.GET.get("rating", ""), ""),
            "traced": any(request.GET.get(k) for k in TRACE_KEYS),
            "period": (request.GET.get("start", "")[:10], request.GET.get("end", "")[:10]),
            "search": search,
            "querystring": querystring(request),
            "is_committee": is_committee(user, school),
            "can_admin": can_admin_congress(user, school),
            "is_handler": bool(handler_department_ids(user)),
            "can_import": proposal_import_school(user) is not None,
        },
    )
