"""A proposal from draft to submission: drafting, editing, the proposal page, co-signing, attachments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.models import AuditEntry
from members.search import search_keys, search_members
from union_portal.lib.audit import audit

from .. import selectors, services
from ..forms import AttachmentForm, InviteForm, ProposalForm, invitable_representatives, representative_label
from ..models import ProposalStatus
from ..permissions import is_committee, representative_for
from ..similarity import similar_proposals
from ._common import fail
from .proposal_page import detail_context, rerender

S = ProposalStatus
EDITABLE_FIELDS = ("title", "reasons", "measures", "category", "suggested_department")


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request):
    """A 正式 representative drafts a proposal for the current session."""
    school = selectors.school_or_404(request.user)
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
    """The proposer changes a draft or a proposal in collection."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    if not services.can_act(request.user, proposal)["edit"]:
        raise PermissionDenied(_("只有提案人可以修改草稿或征集中的提案。"))
    school = proposal.session.congress.school
    form = ProposalForm(request.POST or None, instance=proposal, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update(
                acting_user=request.user, proposal=proposal, **{k: form.cleaned_data[k] for k in EDITABLE_FIELDS}
            )
        except services.TransitionError as exc:
            fail(request, exc)
        else:
            messages.success(request, _("提案已修改。"))
        return redirect("congress:proposal_detail", pk=proposal.pk)
    return render(
        request, "congress/proposal_form.html", {"form": form, "session": proposal.session, "proposal": proposal}
    )


@login_required
@require_GET
def proposal_detail(request, pk: int):
    """A proposal with its co-signers, timeline, replies, feedback and the actions the user may take."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    return render(request, "congress/proposal_detail.html", detail_context(request, proposal))


@login_required
@require_POST
def proposal_submit(request, pk: int):
    """Proposer sends the draft out for co-signing (late ones become suggestions)."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    try:
        proposal = services.proposal_submit(acting_user=request.user, proposal=proposal)
    except services.TransitionError as exc:
        fail(request, exc)
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
    """The proposer invites representatives to co-sign."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    form = InviteForm(request.POST, proposal=proposal)
    if not form.is_valid():
        if not services.can_act(request.user, proposal)["invite"]:
            raise PermissionDenied(_("只有提案人可以邀请附议人。"))
        return rerender(request, proposal, invite_form=form)
    try:
        n = services.cosigners_invite(
            acting_user=request.user, proposal=proposal, representatives=form.cleaned_data["representatives"]
        )
    except (services.TransitionError, ValidationError) as exc:
        fail(request, exc)
    else:
        messages.success(request, _("已邀请 %(n)s 位代表附议，他们确认后提案才能进入审查。") % {"n": n})
    return redirect("congress:proposal_detail", pk=proposal.pk)


@login_required
@require_POST
def cosign_respond(request, pk: int):
    """The invited representative confirms (``answer=confirm``) or declines a co-signature."""
    cs = selectors.get_cosignature_for_user(request.user, pk)
    fn = services.cosignature_confirm if request.POST.get("answer") == "confirm" else services.cosignature_decline
    try:
        fn(acting_user=request.user, cosignature=cs)
    except (services.TransitionError, ValidationError) as exc:
        fail(request, exc)
    else:
        messages.success(request, _("已确认附议。") if fn is services.cosignature_confirm else _("已谢绝附议。"))
    return redirect("congress:proposal_detail", pk=cs.proposal_id)


@login_required
@require_POST
def attachment_upload(request, pk: int):
    """The proposer adds a file (type, size and count checked by the service)."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        if not services.can_act(request.user, proposal)["invite"]:
            raise PermissionDenied(_("只有提案人可以上传附件。"))
        return rerender(request, proposal, attachment_form=form)
    try:
        services.attachment_add(acting_user=request.user, proposal=proposal, upload=form.cleaned_data["file"])
    except (services.TransitionError, ValidationError) as exc:
        form.add_error("file", "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return rerender(request, proposal, attachment_form=form)
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
def cosigner_search(request, pk: int):
    """The co-signer picker's search: invitable representatives matching ``q`` (name, pinyin initials
    or 工号), at most 20, as ``{"results": [{"value": pk, "text", "detail"}]}``. Only the proposer
    while they may invite (403 otherwise; 404 for a proposal out of reach)."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    if not services.can_act(request.user, proposal)["invite"]:
        raise PermissionDenied(_("只有提案人可以邀请附议人。"))
    rows = search_members(invitable_representatives(proposal), request.GET.get("q"), prefix="member__")
    results = [
        {"value": r.pk, "text": representative_label(r), "detail": r.member.staff_no, "search": search_keys(r.member)}
        for r in rows
    ]
    return JsonResponse({"results": results})


@login_required
@require_GET
def proposal_similar(request):
    """Similar proposals while the 案由 is typed (debounced by ``pickers.js``): ``title`` (at least 4
    characters) and optionally ``exclude`` (the proposal being edited). Formal representatives and the
    committee of the user's school; ``{"results": [{"title", "meta", "score" (0–100), "url"}]}``."""
    school = selectors.school_or_404(request.user)
    session = selectors.current_session(school)
    rep = representative_for(request.user, session.congress) if session else None
    if not ((rep is not None and rep.is_formal) or is_committee(request.user, school)):
        raise PermissionDenied(_("只有本届正式代表可以提出提案。"))
    title = (request.GET.get("title") or "").strip()[:200]
    exclude = request.GET.get("exclude", "")
    rows = []
    if len(title) >= 4:
        rows = similar_proposals(title, school=school, exclude_pk=int(exclude) if exclude.isdigit() else None)
    results = [
        {
            "title": p.title,
            "meta": " · ".join(filter(None, [p.session.name, p.number, p.get_status_display()])),
            "score": round(p.similarity * 100),
            "url": reverse("congress:proposal_detail", args=[p.pk]),
        }
        for p in rows
    ]
    return JsonResponse({"results": results})
