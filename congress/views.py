"""Views of the congress area: proposals from draft to 办结, supervision, suggestions, votes.

Function views; state changes are POST only and redirect. Forms validate, the
services in ``congress.services`` write and check the acting role; a refused
transition shows a Chinese message and keeps what the user typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.access import member_of
from members.models import AuditEntry, Member, Organization
from union_portal.lib.audit import audit
from union_portal.lib.exports import xlsx_response_bytes
from union_portal.lib.tables import DASH, Column, render_rows, text, url_prefix

from . import selectors, services
from .forms import (
    AppraisalForm,
    AppraisalResultForm,
    AssignForm,
    AttachmentForm,
    CategoryForm,
    CloseForm,
    CongressSettingsForm,
    DecisionForm,
    ForwardForm,
    InviteForm,
    MotionForm,
    ProposalForm,
    RateForm,
    ReasonForm,
    ReplyForm,
    RepresentativeForm,
    SessionForm,
    SuggestionForm,
    SuggestionReplyForm,
    TallyForm,
)
from .models import (
    ACCEPTED_STATUSES,
    COLLECTED_STATUSES,
    Appraisal,
    Congress,
    CongressSession,
    CoSignature,
    Motion,
    MotionClause,
    ProposalCategory,
    ProposalStatus,
    Rating,
    Representative,
    Suggestion,
    proposer_label,
)
from .permissions import (
    can_admin_congress,
    handler_department_ids,
    is_committee,
    representative_for,
    require_congress_admin,
    user_school,
)
from .similarity import similar_proposals

PAGE_SIZE = 30
S = ProposalStatus


def _school_or_404(user):
    school = user_school(user)
    if school is None:
        raise Http404(_("您不属于任何学校工会。"))
    return school


def _congress_for_user(user, pk) -> Congress:
    congress = Congress.objects.select_related("school").filter(pk=pk).first()
    if congress is None or not (user.is_superuser or _school_or_404(user).pk == congress.school_id):
        raise Http404(_("没有找到该届教代会。"))
    return congress


def get_session_for_user(user, pk) -> CongressSession:
    """A session of the user's school, or 404."""
    session = CongressSession.objects.select_related("congress__school").filter(pk=pk).first()
    if session is None or not (user.is_superuser or _school_or_404(user).pk == session.congress.school_id):
        raise Http404(_("没有找到该次会议。"))
    return session


def _fail(request, exc) -> None:
    if isinstance(exc, ValidationError):
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.error(request, str(exc))


# --- index ------------------------------------------------------------------------------


@login_required
@require_GET
def index(request):
    """教代会 home: the congress terms and sessions, the latest session's figures, what awaits the user."""
    school = _school_or_404(request.user)
    session = selectors.current_session(school)
    today = timezone.localdate()
    rep = representative_for(request.user, session.congress) if session else None
    return render(
        request,
        "congress/index.html",
        {
            "school": school,
            "congresses": selectors.congresses_for_school(school),
            "session": session,
            "stats": selectors.session_stats(session) if session else None,
            "rep": rep,
            "window_open": bool(session and session.window_open(today)),
            "counts": selectors.dashboard_counts(request.user, school, today=today),
            "is_committee": is_committee(request.user, school),
            "can_admin": can_admin_congress(request.user, school),
            "is_handler": bool(handler_department_ids(request.user)),
        },
    )


# --- proposals: lists -----------------------------------------------------------------------

LIST_VIEWS = {
    "public": gettext_lazy("已立案提案"),
    "mine": gettext_lazy("我的提案"),
    "all": gettext_lazy("全部提案"),
    "department": gettext_lazy("本部门承办"),
    "invited": gettext_lazy("待我附议"),
}


# Report figures link to the proposal list with these parameters (traceability, reports.figures.LINKS):
# ``org`` (organisation code: that subtree), ``start``/``end`` (the session's meeting date, as the
# report counts), ``stage`` (the report's groups of statuses), ``rating`` and ``category``.
STAGES = {
    "collected": (gettext_lazy("征集（已提交）"), Q(status__in=COLLECTED_STATUSES)),
    "accepted": (gettext_lazy("立案"), Q(status__in=ACCEPTED_STATUSES)),
    "assigned": (gettext_lazy("已交办"), Q(status__in=ACCEPTED_STATUSES, assigned_at__isnull=False)),
    "replied": (gettext_lazy("已答复"), Q(status__in=ACCEPTED_STATUSES, first_reply_on__isnull=False)),
    "rated": (gettext_lazy("已评价"), Q(status__in=ACCEPTED_STATUSES) & ~Q(rating="")),
}


def _apply_traceability_filters(request, qs):
    """Narrow a proposal list by ``org``, ``start``, ``end``, ``stage``, ``rating``, ``category`` (never widens)."""
    import datetime as dt

    code = request.GET.get("org", "").strip()[:32]
    if code:
        node = Organization.objects.filter(code=code).only("path").first()
        qs = qs.filter(session__congress__school__path__startswith=node.path) if node else qs.none()
    for key, lookup in (("start", "session__date__gte"), ("end", "session__date__lte")):
        try:
            qs = qs.filter(**{lookup: dt.date.fromisoformat(request.GET.get(key, "").strip()[:10])})
        except ValueError:
            pass
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


PROPOSAL_ROW_FIELDS = (
    "pk", "number", "title", "status", "round", "deadline", "confirmed", "proposer_id", "delegation__name",
    "category__name", "lead_department__name", "session__number", "session__congress__number",
    "session__congress__kind",
)  # fmt: skip


def _proposal_columns(proposers: dict[int, str], today) -> list[Column]:
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
        return (f'<span><a class="fw-semibold" href="{prefix}{r["pk"]}/">{escape(r["title"])}</a>'
                f'<span class="d-block small text-muted">{session_name(r)}</span></span>')

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
    school = _school_or_404(request.user)
    view = request.GET.get("view", "public")
    if view not in LIST_VIEWS:
        view = "public"
    user = request.user
    if view == "all":
        if not can_admin_congress(user, school):
            raise PermissionDenied(_("只有提案工作委员会和工会主席、委员可以查看全部提案。"))
        qs = selectors.proposals_for_user(user).filter(session__congress__school=school)
    elif view == "mine":
        signed = CoSignature.objects.filter(representative__member__user=user).values("proposal_id")
        qs = selectors.proposals_for_user(user).filter(
            Q(created_by=user) | Q(proposer__member__user=user) | Q(pk__in=signed)
        )
    elif view == "invited":
        invited = CoSignature.objects.filter(
            representative__member__user=user, status=CoSignature.Status.INVITED
        ).values("proposal_id")
        qs = selectors.proposals_for_user(user).filter(pk__in=invited, status__in=(S.DRAFT, S.COLLECTING))
    elif view == "department":
        qs = selectors.department_proposals(user)
    else:
        qs = selectors.public_proposals(school)
    sessions = list(CongressSession.objects.filter(congress__school=school).select_related("congress"))
    session_id = request.GET.get("session", "")
    if session_id.isdigit():
        qs = qs.filter(session_id=int(session_id))
    status = request.GET.get("status", "")
    if status in S.values:
        qs = qs.filter(status=status)
    search = request.GET.get("q", "").strip()[:50]
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(number__icontains=search))
    qs = _apply_traceability_filters(request, qs)
    # Every filter above is single-valued or a subquery: no DISTINCT (and no GROUP BY) over the rows.
    qs = qs.order_by("-session__date", "number", "-pk")
    # Only the columns a row shows, as dicts; proposer names by a second query for the page: with
    # representative and member joined too, PostgreSQL spent ~10 ms planning an eight-table join
    # for every page (EXPLAIN at 10×: planning 11 ms, execution 4 ms).
    page = Paginator(qs.values(*PROPOSAL_ROW_FIELDS), PAGE_SIZE).get_page(request.GET.get("page"))
    proposer_ids = {r["proposer_id"] for r in page if r["proposer_id"]}
    proposers = (
        dict(Representative.objects.filter(pk__in=proposer_ids).values_list("pk", "member__name"))
        if proposer_ids
        else {}
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "congress/proposal_list.html",
        {
            "page": page,
            "rows": render_rows(page, _proposal_columns(proposers, timezone.localdate())),
            "view": view,
            "views": LIST_VIEWS,
            "title": LIST_VIEWS[view],
            "sessions": sessions,
            "session_id": session_id,
            "status": status,
            "statuses": S.choices,
            "stage_label": STAGES.get(request.GET.get("stage", ""), ("", None))[0],
            "rating_label": dict(Rating.choices).get(request.GET.get("rating", ""), ""),
            "traced": any(request.GET.get(k) for k in ("org", "start", "end", "stage", "rating", "category")),
            "period": (request.GET.get("start", "")[:10], request.GET.get("end", "")[:10]),
            "search": search,
            "querystring": params.urlencode(),
            "is_committee": is_committee(user, school),
            "can_admin": can_admin_congress(user, school),
            "is_handler": bool(handler_department_ids(user)),
        },
    )


# --- proposals: drafting -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request):
    """A 正式 representative drafts a proposal for the current session."""
    school = _school_or_404(request.user)
    session = selectors.current_session(school)
    if session is None:
        raise Http404(_("尚未设置教代会会议。"))
    rep = representative_for(request.user, session.congress)
    if rep is None or not rep.is_formal:
        raise PermissionDenied(_("只有本届正式代表可以提出提案；如有意见建议，请通过“意见建议”提交。"))
    form = ProposalForm(request.POST or None, school=school, delegation=rep.delegation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proposal = services.proposal_create(
            acting_user=request.user,
            session=session,
            title=data["title"],
            reasons=data["reasons"],
            measures=data["measures"],
            category=data["category"],
            suggested_department=data["suggested_department"],
            delegation=rep.delegation if data.get("collective") else None,
        )
        messages.success(request, _("提案草稿已保存。请邀请附议人，并在确认无误后提交。"))
        return redirect("congress:proposal_detail", pk=proposal.pk)
    return render(request, "congress/proposal_form.html", {"form": form, "session": session, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request, pk: int):
    proposal = selectors.get_proposal_for_user(request.user, pk)
    if not services.can_act(request.user, proposal)["edit"]:
        raise PermissionDenied(_("只有提案人可以修改草稿或征集中的提案。"))
    school = proposal.session.congress.school
    form = ProposalForm(request.POST or None, instance=proposal, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update(
                acting_user=request.user,
                proposal=proposal,
                **{
                    k: form.cleaned_data[k]
                    for k in ("title", "reasons", "measures", "category", "suggested_department")
                },
            )
        except services.TransitionError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("提案已修改。"))
        return redirect("congress:proposal_detail", pk=proposal.pk)
    return render(
        request, "congress/proposal_form.html", {"form": form, "session": proposal.session, "proposal": proposal}
    )


def _detail_context(request, proposal, **bound) -> dict:
    user = request.user
    acts = services.can_act(user, proposal)
    school = proposal.session.congress.school
    parts = selectors.proposal_detail_parts(proposal)
    confirmed = sum(
        1
        for c in parts["cosignatures"]
        if c.status == CoSignature.Status.CONFIRMED and c.role == CoSignature.Role.COSIGNER
    )
    my_invite = next(
        (
            c
            for c in parts["cosignatures"]
            if c.representative.member.user_id == user.pk and c.status == CoSignature.Status.INVITED
        ),
        None,
    )
    show_similar = acts["submit"] or acts["review"] or acts["edit"]
    ctx = {
        "proposal": proposal,
        "acts": acts,
        "confirmed": confirmed,
        "needed": proposal.session.congress.min_cosigners,
        "my_invite": my_invite if proposal.status in (S.DRAFT, S.COLLECTING) else None,
        "similar": similar_proposals(proposal.title, school=school, exclude_pk=proposal.pk) if show_similar else [],
        "current_reply": next((r for r in parts["replies"] if r.round == proposal.round), None),
        "today": timezone.localdate(),
        **parts,
    }
    if acts["invite"]:
        ctx["invite_form"] = bound.get("invite_form") or InviteForm(proposal=proposal)
        ctx["attachment_form"] = bound.get("attachment_form") or AttachmentForm()
    if acts["review"]:
        ctx["decision_form"] = bound.get("decision_form") or DecisionForm(proposal=proposal)
    if acts["assign"]:
        initial = {"lead_department": proposal.suggested_department}
        ctx["assign_form"] = bound.get("assign_form") or AssignForm(school=school, initial=initial)
    if acts["reply"]:
        ctx["reply_form"] = bound.get("reply_form") or ReplyForm()
        ctx["return_form"] = bound.get("return_form") or ReasonForm()
    if acts["rate"]:
        ctx["rate_form"] = bound.get("rate_form") or RateForm()
    if acts["close"]:
        ctx["close_form"] = bound.get("close_form") or CloseForm()
    return ctx


@login_required
@require_GET
def proposal_detail(request, pk: int):
    """A proposal with its co-signers, timeline, replies, feedback and the actions the user may take."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    return render(request, "congress/proposal_detail.html", _detail_context(request, proposal))


def _rerender(request, proposal, **bound):
    messages.error(request, _("请检查下面标出的内容。"))
    return render(request, "congress/proposal_detail.html", _detail_context(request, proposal, **bound), status=200)


def _run(request, proposal, fn, success: str, **kwargs):
    """Call a transition service; show its refusal as a message. Returns a redirect to the proposal."""
    try:
        fn(acting_user=request.user, proposal=proposal, **kwargs)
    except (services.TransitionError, ValidationError) as exc:
        _fail(request, exc)
    else:
        messages.success(request, success)
    return redirect("congress:proposal_detail", pk=proposal.pk)


@login_required
@require_POST
def proposal_submit(request, pk: int):
    """Proposer sends the draft out for co-signing (late ones become suggestions)."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    try:
        proposal = services.proposal_submit(acting_user=request.user, proposal=proposal)
    except services.TransitionError as exc:
        _fail(request, exc)
    else:
        if proposal.status == S.TO_SUGGESTION:
            messages.warning(request, _("提案征集已截止，该提案已按规定转为意见建议。"))
        elif proposal.status == S.SUBMITTED:
            messages.success(request, _("附议人数已满足要求，提案已进入审查。"))
        else:
            messages.success(request, _("提案已提交，正在等待附议人确认。"))
    return redirect("congress:proposal_detail", pk=pk)


@login_required
@require_POST
def proposal_invite(request, pk: int):
    proposal = selectors.get_proposal_for_user(request.user, pk)
    form = InviteForm(request.POST, proposal=proposal)
    if not form.is_valid():
        if not services.can_act(request.user, proposal)["invite"]:
            raise PermissionDenied(_("只有提案人可以邀请附议人。"))
        return _rerender(request, proposal, invite_form=form)
    try:
        n = services.cosigners_invite(
            acting_user=request.user, proposal=proposal, representatives=form.cleaned_data["representatives"]
        )
    except (services.TransitionError, ValidationError) as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已邀请 %(n)s 位代表附议，他们确认后提案才能进入审查。") % {"n": n})
    return redirect("congress:proposal_detail", pk=proposal.pk)


@login_required
@require_POST
def cosign_respond(request, pk: int):
    """The invited representative confirms (``answer=confirm``) or declines a co-signature."""
    cs = CoSignature.objects.filter(pk=pk, representative__member__user=request.user).first()
    if cs is None:
        raise Http404(_("没有找到该附议邀请。"))
    fn = services.cosignature_confirm if request.POST.get("answer") == "confirm" else services.cosignature_decline
    try:
        fn(acting_user=request.user, cosignature=cs)
    except (services.TransitionError, ValidationError) as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已确认附议。") if fn is services.cosignature_confirm else _("已谢绝附议。"))
    return redirect("congress:proposal_detail", pk=cs.proposal_id)


@login_required
@require_POST
def proposal_decide(request, pk: int):
    """The committee's review: 立案 / 不立案 / 并案 / 转为意见建议."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    if not is_committee(request.user, proposal.session.congress.school):
        raise PermissionDenied(_("只有提案工作委员会可以审查提案。"))
    form = DecisionForm(request.POST, proposal=proposal)
    if not form.is_valid():
        return _rerender(request, proposal, decision_form=form)
    d, note = form.cleaned_data["decision"], form.cleaned_data["note"]
    if d == "accept":
        return _run(request, proposal, services.proposal_accept, _("已立案。"), note=note)
    if d == "reject":
        return _run(request, proposal, services.proposal_reject, _("已作不立案处理，理由已告知提案人。"), reason=note)
    if d == "merge":
        return _run(
            request, proposal, services.proposal_merge, _("已并案。"), into=form.cleaned_data["merge_into"], note=note
        )
    return _run(request, proposal, services.proposal_to_suggestion, _("已转为意见建议。"), note=note)


@login_required
@require_POST
def proposal_assign(request, pk: int):
    proposal = selectors.get_proposal_for_user(request.user, pk)
    school = proposal.session.congress.school
    if not is_committee(request.user, school):
        raise PermissionDenied(_("只有提案工作委员会可以交办提案。"))
    form = AssignForm(request.POST, school=school)
    if not form.is_valid():
        return _rerender(request, proposal, assign_form=form)
    return _run(request, proposal, services.proposal_assign, _("已交办。"), **form.cleaned_data)


@login_required
@require_POST
def proposal_acknowledge(request, pk: int):
    proposal = selectors.get_proposal_for_user(request.user, pk)
    return _run(request, proposal, services.proposal_acknowledge, _("已签收，提案进入办理。"))


@login_required
@require_POST
def proposal_return(request, pk: int):
    proposal = selectors.get_proposal_for_user(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        if not services.can_act(request.user, proposal)["return"]:
            raise PermissionDenied(_("只有主办部门负责人可以退回。"))
        return _rerender(request, proposal, return_form=form)
    return _run(
        request, proposal, services.proposal_return, _("已退回提案工作委员会。"), reason=form.cleaned_data["reason"]
    )


@login_required
@require_POST
def proposal_reply(request, pk: int):
    proposal = selectors.get_proposal_for_user(request.user, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        if not services.can_act(request.user, proposal)["reply"]:
            raise PermissionDenied(_("只有主办部门负责人可以答复。"))
        return _rerender(request, proposal, reply_form=form)
    return _run(request, proposal, services.proposal_reply, _("答复已提交，等待提案人评价。"), **form.cleaned_data)


@login_required
@require_POST
def proposal_rate(request, pk: int):
    proposal = selectors.get_proposal_for_user(request.user, pk)
    form = RateForm(request.POST)
    if not form.is_valid():
        if not services.can_act(request.user, proposal)["rate"]:
            raise PermissionDenied(_("只有提案人可以评价答复。"))
        return _rerender(request, proposal, rate_form=form)
    return _run(request, proposal, services.proposal_rate, _("感谢您的评价。"), **form.cleaned_data)


@login_required
@require_POST
def proposal_close(request, pk: int):
    proposal = selectors.get_proposal_for_user(request.user, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        if not services.can_act(request.user, proposal)["close"]:
            raise PermissionDenied(_("只有提案工作委员会可以办结提案。"))
        return _rerender(request, proposal, close_form=form)
    return _run(request, proposal, services.proposal_close, _("已办结。"), note=form.cleaned_data["note"])


# --- attachments, print, export -----------------------------------------------------------------


@login_required
@require_POST
def attachment_upload(request, pk: int):
    proposal = selectors.get_proposal_for_user(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        if not services.can_act(request.user, proposal)["invite"]:
            raise PermissionDenied(_("只有提案人可以上传附件。"))
        return _rerender(request, proposal, attachment_form=form)
    try:
        services.attachment_add(acting_user=request.user, proposal=proposal, upload=form.cleaned_data["file"])
    except (services.TransitionError, ValidationError) as exc:
        form.add_error("file", "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return _rerender(request, proposal, attachment_form=form)
    messages.success(request, _("附件已上传。"))
    return redirect("congress:proposal_detail", pk=proposal.pk)


@login_required
@require_GET
def attachment_download(request, pk: int, attachment_id: int):
    """Serve an attachment only to users who may read the proposal (audited)."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    att = get_object_or_404(proposal.attachments, pk=attachment_id)
    audit(request, AuditEntry.Action.DOWNLOAD, att, summary=f"下载提案附件 {att.original_name}")
    return FileResponse(
        att.file.open("rb"), as_attachment=True, filename=att.original_name, content_type=att.content_type
    )


@login_required
@require_GET
def proposal_print(request, pk: int):
    """提案表: the proposal form laid out for printing on A4."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    parts = selectors.proposal_detail_parts(proposal)
    return render(request, "congress/proposal_print.html", {"proposal": proposal, **parts})


@login_required
@require_GET
def session_export(request, pk: int):
    """xlsx of a session's proposals (committee, chair, committee members); audited."""
    session = get_session_for_user(request.user, pk)
    require_congress_admin(request.user, session.congress.school)
    rows = (
        selectors._proposal_rows(session.proposals.all())
        .select_related("suggested_department")
        .prefetch_related("co_departments", "cosignatures__representative__member")
        .order_by("number", "pk")
    )
    headers = ["立案号", "案由", "类别", "提案人", "附议人", "状态", "建议承办部门", "主办部门", "协办部门",
               "答复期限", "首次答复", "评价", "办理轮次", "提交时间"]  # fmt: skip

    def line(p):
        cos = [c.representative.member.name for c in p.cosignatures.all() if c.status == CoSignature.Status.CONFIRMED]
        return [
            p.number,
            p.title,
            p.category.name if p.category else "",
            p.proposer_name,
            "、".join(cos),
            p.get_status_display(),
            p.suggested_department.name if p.suggested_department else "",
            p.lead_department.name if p.lead_department else "",
            "、".join(d.name for d in p.co_departments.all()),
            p.deadline,
            p.first_reply_on,
            p.get_rating_display() if p.rating else "",
            p.round,
            timezone.localtime(p.submitted_at).strftime("%Y-%m-%d %H:%M") if p.submitted_at else "",
        ]

    data = xlsx_response_bytes(headers, (line(p) for p in rows), title="提案一览")
    audit(request, AuditEntry.Action.EXPORT, session, summary=f"导出{session.name}提案一览")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="proposals-session-{session.pk}.xlsx"'
    return response


@login_required
@require_GET
def session_compilation(request, pk: int):
    """提案汇编: one PDF of the session's accepted proposals with their replies.

    Rendered by the shared WeasyPrint service (``union_portal.lib.pdf.html_to_pdf``, GB/T 9704
    layout and fonts). Accepted proposals are public to the school, so any member may download it.
    """
    from django.template.loader import render_to_string

    from union_portal.lib.pdf import html_to_pdf

    session = get_session_for_user(request.user, pk)
    proposals = selectors.compilation_proposals(session)
    html = render_to_string(
        "congress/compilation.html",
        {"session": session, "proposals": proposals, "stats": selectors.session_stats(session),
         "today": timezone.localdate()},
    )  # fmt: skip
    pdf = html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    audit(request, AuditEntry.Action.DOWNLOAD, session, summary=f"下载{session.name}提案汇编")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="proposal-book-session-{session.pk}.pdf"'
    return response


# --- supervision and department desk -----------------------------------------------------------


@login_required
@require_GET
def supervision(request):
    """督办: overdue proposals and per-department counters (committee, chair, committee members)."""
    school = _school_or_404(request.user)
    require_congress_admin(request.user, school)
    today = timezone.localdate()
    return render(
        request,
        "congress/supervision.html",
        {
            "overdue": list(selectors.overdue_proposals(school, today=today)),
            "counters": selectors.department_counters(school, today=today),
            "today": today,
        },
    )


@login_required
@require_GET
def department_desk(request):
    """A handler's desk: only what was handed to their department(s)."""
    if not handler_department_ids(request.user):
        raise PermissionDenied(_("您不是承办部门负责人。"))
    return redirect(reverse("congress:proposal_list") + "?view=department")


# --- sessions, congress settings, representatives, categories ----------------------------------------


@login_required
@require_GET
def session_detail(request, pk: int):
    """A session: its figures, motions with results, appraisals."""
    session = get_session_for_user(request.user, pk)
    school = session.congress.school
    motions = selectors.session_motions(session)
    return render(
        request,
        "congress/session_detail.html",
        {
            "session": session,
            "stats": selectors.session_stats(session),
            "motions": motions,
            "appraisals": selectors.session_appraisals(session),
            "can_admin": can_admin_congress(request.user, school),
            "counters": selectors.department_counters(school, today=timezone.localdate(), session=session),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request, congress_pk: int):
    congress = _congress_for_user(request.user, congress_pk)
    require_congress_admin(request.user, congress.school)
    form = SessionForm(request.POST or None, instance=CongressSession(congress=congress))
    if request.method == "POST" and form.is_valid():
        session = form.save()
        messages.success(request, _("已创建%(name)s。") % {"name": session.name})
        return redirect("congress:session_detail", pk=session.pk)
    return render(
        request,
        "congress/simple_form.html",
        {"form": form, "title": _("%(name)s · 新建会议") % {"name": congress.name}},
    )


@login_required
@require_http_methods(["GET", "POST"])
def congress_settings(request, pk: int):
    congress = _congress_for_user(request.user, pk)
    require_congress_admin(request.user, congress.school)
    form = CongressSettingsForm(request.POST or None, instance=congress)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("设置已保存。"))
        return redirect("congress:representatives", pk=congress.pk)
    return render(
        request, "congress/simple_form.html", {"form": form, "title": _("%(name)s · 设置") % {"name": congress.name}}
    )


@login_required
@require_http_methods(["GET", "POST"])
def representatives(request, pk: int):
    """The roll of a congress with counts, the teachers' share warning, and (for admins) an add form."""
    congress = _congress_for_user(request.user, pk)
    can_admin = can_admin_congress(request.user, congress.school)
    form = RepresentativeForm(request.POST or None, congress=congress)
    if request.method == "POST":
        require_congress_admin(request.user, congress.school)
        if form.is_valid():
            member = Member.objects.filter(school=congress.school, staff_no=form.cleaned_data["staff_no"]).first()
            if member is None:
                form.add_error("staff_no", _("本校没有这个工号。"))
            else:
                try:
                    services.representative_add(
                        acting_user=request.user,
                        congress=congress,
                        member=member,
                        kind=form.cleaned_data["kind"],
                        delegation=form.cleaned_data["delegation"],
                    )
                except ValidationError as exc:
                    form.add_error("staff_no", exc.messages[0])
                else:
                    messages.success(request, _("已添加代表 %(name)s。") % {"name": member.name})
                    return redirect("congress:representatives", pk=congress.pk)
    reps = (
        Representative.objects.filter(congress=congress)
        .select_related("member__department", "delegation")
        .order_by("kind", "delegation__name", "member__staff_no")
    )
    return render(
        request,
        "congress/representatives.html",
        {
            "congress": congress,
            "reps": reps,
            "summary": selectors.representative_summary(congress),
            "form": form if can_admin else None,
            "can_admin": can_admin,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def categories(request):
    """The editable list of proposal categories."""
    school = _school_or_404(request.user)
    require_congress_admin(request.user, school)
    edit_id = request.POST.get("id") or request.GET.get("edit")
    instance = (
        get_object_or_404(ProposalCategory, pk=edit_id, school=school)
        if edit_id and str(edit_id).isdigit()
        else ProposalCategory(school=school)
    )
    form = CategoryForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        if (
            ProposalCategory.objects.filter(school=school, name=form.cleaned_data["name"])
            .exclude(pk=instance.pk)
            .exists()
        ):
            form.add_error("name", _("已有同名类别。"))
        else:
            form.save()
            messages.success(request, _("类别已保存。"))
            return redirect("congress:categories")
    return render(
        request,
        "congress/categories.html",
        {"form": form, "rows": selectors.categories_for(school, active_only=False), "editing": instance.pk},
    )


# --- suggestions ---------------------------------------------------------------------------------


def get_suggestion_for_user(user, pk) -> Suggestion:
    """The submitter, the school's congress admins and the forwarded department's handlers may read it."""
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


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_list(request):
    """意见建议: submit one; see one's own, the department's, or (admins) all."""
    school = _school_or_404(request.user)
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.suggestion_create(
                acting_user=request.user, session=selectors.current_session(school), **form.cleaned_data
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("意见建议已提交，提案工作委员会将转交有关部门。"))
            return redirect("congress:suggestion_list")
    user = request.user
    me = member_of(user)
    q = Q(submitted_by=me) if me else Q(pk__in=[])
    depts = handler_department_ids(user)
    if depts:
        q |= Q(department__in=depts)
    if can_admin_congress(user, school):
        q = Q()
    rows = (
        Suggestion.objects.filter(school=school)
        .filter(q)
        .select_related("submitted_by", "department", "from_proposal")
        .order_by("-submitted_on", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "congress/suggestion_list.html", {"form": form, "page": page, "querystring": ""})


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_detail(request, pk: int):
    s = get_suggestion_for_user(request.user, pk)
    committee = is_committee(request.user, s.school)
    handler = bool(s.department_id and s.department_id in handler_department_ids(request.user))
    forward_form = ForwardForm(school=s.school, initial={"department": s.department})
    reply_form = SuggestionReplyForm()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "forward":
                forward_form = ForwardForm(request.POST, school=s.school)
                if forward_form.is_valid():
                    services.suggestion_forward(acting_user=request.user, suggestion=s, **forward_form.cleaned_data)
                    messages.success(request, _("已转办。"))
                    return redirect("congress:suggestion_detail", pk=s.pk)
            else:
                reply_form = SuggestionReplyForm(request.POST)
                if reply_form.is_valid():
                    services.suggestion_reply(acting_user=request.user, suggestion=s, **reply_form.cleaned_data)
                    messages.success(request, _("已答复。"))
                    return redirect("congress:suggestion_detail", pk=s.pk)
        except (services.TransitionError, ValidationError) as exc:
            _fail(request, exc)
            return redirect("congress:suggestion_detail", pk=s.pk)
    return render(
        request,
        "congress/suggestion_detail.html",
        {
            "s": s,
            "forward_form": forward_form if committee and s.status != Suggestion.Status.REPLIED else None,
            "reply_form": reply_form if handler and s.status == Suggestion.Status.FORWARDED else None,
        },
    )


# --- motions and appraisals --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def motion_create(request, session_pk: int):
    session = get_session_for_user(request.user, session_pk)
    require_congress_admin(request.user, session.congress.school)
    form = MotionForm(request.POST or None, initial={"voted_on": session.date})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        motion = services.motion_create(
            acting_user=request.user,
            session=session,
            title=d["title"],
            description=d["description"],
            voted_on=d["voted_on"],
            clauses=d["clauses"].splitlines(),
        )
        messages.success(request, _("表决事项已创建，请逐条录入计票结果。"))
        return redirect("congress:motion_detail", pk=motion.pk)
    return render(
        request,
        "congress/simple_form.html",
        {"form": form, "title": _("%(name)s · 新建表决事项") % {"name": session.name}},
    )


def _motion_for_user(user, pk) -> Motion:
    motion = Motion.objects.select_related("session__congress__school").filter(pk=pk).first()
    if motion is None:
        raise Http404(_("没有找到该表决事项。"))
    get_session_for_user(user, motion.session_id)
    return motion


@login_required
@require_http_methods(["GET", "POST"])
def motion_detail(request, pk: int):
    """A motion's clauses with results; admins enter each clause's tally here."""
    motion = _motion_for_user(request.user, pk)
    congress = motion.session.congress
    can_admin = can_admin_congress(request.user, congress.school)
    roll = services.formal_roll(congress)
    bound_clause, bound_form = None, None
    if request.method == "POST":
        require_congress_admin(request.user, congress.school)
        clause = get_object_or_404(MotionClause, pk=request.POST.get("clause"), motion=motion)
        form = TallyForm(request.POST, roll=roll)
        if form.is_valid():
            try:
                services.tally_record(acting_user=request.user, clause=clause, **form.cleaned_data)
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    for msg in msgs:
                        form.add_error(field if field in form.fields else None, msg)
            else:
                messages.success(request, _("第%(n)s条计票结果已保存。") % {"n": clause.number})
                return redirect("congress:motion_detail", pk=motion.pk)
        bound_clause, bound_form = clause.pk, form
        messages.error(request, _("计票结果有误，请核对。"))
    clauses = list(motion.clauses.select_related("tally"))
    rows = []
    for c in clauses:
        tally = getattr(c, "tally", None)
        if c.pk == bound_clause:
            form = bound_form
        else:
            initial = (
                {k: getattr(tally, k) for k in ("expected", "present", "yes", "no", "abstain")}
                if tally
                else {"expected": roll}
            )
            form = TallyForm(initial=initial, roll=roll, prefix=None)
        rows.append({"clause": c, "tally": tally, "form": form})
    voted = [r["tally"] for r in rows if r["tally"]]
    summary = None
    if voted:
        passed = [t for t in voted if t.passed]
        rates = [t.approval_rate for t in voted if t.approval_rate is not None]
        summary = {"voted": len(voted), "passed": len(passed), "min_rate": min(rates) if rates else None,
                   "all_passed": len(passed) == len(clauses)}  # fmt: skip
    return render(
        request,
        "congress/motion_detail.html",
        {
            "motion": motion,
            "rows": rows,
            "roll": roll,
            "can_admin": can_admin,
            "summary": summary,
            "congress": congress,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_create(request, session_pk: int):
    session = get_session_for_user(request.user, session_pk)
    require_congress_admin(request.user, session.congress.school)
    form = AppraisalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        a = services.appraisal_create(acting_user=request.user, session=session, **form.cleaned_data)
        return redirect("congress:appraisal_detail", pk=a.pk)
    return render(
        request, "congress/simple_form.html", {"form": form, "title": _("%(name)s · 民主评议") % {"name": session.name}}
    )


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_detail(request, pk: int):
    a = Appraisal.objects.select_related("session__congress__school").filter(pk=pk).first()
    if a is None:
        raise Http404(_("没有找到该民主评议。"))
    get_session_for_user(request.user, a.session_id)
    can_admin = can_admin_congress(request.user, a.session.congress.school)
    form = AppraisalResultForm(request.POST or None, ballots=a.ballots)
    if request.method == "POST":
        require_congress_admin(request.user, a.session.congress.school)
        if form.is_valid():
            try:
                services.appraisal_result_add(acting_user=request.user, appraisal=a, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(request, _("已录入。"))
                return redirect("congress:appraisal_detail", pk=a.pk)
    return render(
        request,
        "congress/appraisal_detail.html",
        {"a": a, "results": list(a.results.all()), "form": form if can_admin else None},
    )
