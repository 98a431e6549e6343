"""The committee's review (立案 / 不立案 / 并案 / 转为意见建议), hand-over to departments (交办), and a
co-department's reply on the part handed to it (协办答复)."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import AssignForm, CoReplyForm, DecisionForm
from ..permissions import is_committee
from .proposal_page import rerender, run


@login_required
@require_POST
def proposal_decide(request, pk: int):
    """The committee's review: 立案 / 不立案 / 并案 / 转为意见建议."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    if not is_committee(request.user, proposal.session.congress.school):
        raise PermissionDenied(_("只有提案工作委员会可以审查提案。"))
    form = DecisionForm(request.POST, proposal=proposal)
    if not form.is_valid():
        return rerender(request, proposal, decision_form=form)
    d, note = form.cleaned_data["decision"], form.cleaned_data["note"]
    if d == "accept":
        return run(request, proposal, services.proposal_accept, _("已立案。"), note=note)
    if d == "reject":
        return run(request, proposal, services.proposal_reject, _("已作不立案处理，理由已告知提案人。"), reason=note)
    if d == "merge":
        return run(
            request, proposal, services.proposal_merge, _("已并案。"), into=form.cleaned_data["merge_into"], note=note
        )
    return run(request, proposal, services.proposal_to_suggestion, _("已转为意见建议。"), note=note)


@login_required
@require_POST
def proposal_assign(request, pk: int):
    """The committee hands an accepted proposal to a lead department (and co-departments)."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    school = proposal.session.congress.school
    if not is_committee(request.user, school):
        raise PermissionDenied(_("只有提案工作委员会可以交办提案。"))
    form = AssignForm(request.POST, school=school)
    if not form.is_valid():
        return rerender(request, proposal, assign_form=form)
    return run(request, proposal, services.proposal_assign, _("已交办。"), **form.cleaned_data)


@login_required
@require_POST
def proposal_co_reply(request, pk: int):
    """A co-department's handler replies on the part handed to it (``services.proposal_co_reply``)."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    if not services.can_act(request.user, proposal)["co_reply"]:
        raise PermissionDenied(_("只有协办部门负责人可以答复协办部分。"))
    form = CoReplyForm(request.POST)
    if not form.is_valid():
        return rerender(request, proposal, co_reply_form=form)
    co_reply = partial(services.proposal_co_reply, request=request)  # the audit entry records the client IP
    return run(request, proposal, co_reply, _("协办意见已提交。"), **form.cleaned_data)
