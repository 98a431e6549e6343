"""Handling and feedback: the department signs for, returns or answers a proposal; the proposer rates
the answer; the committee closes it (办结)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import CloseForm, RateForm, ReasonForm, ReplyForm
from .proposal_page import rerender, run


def _invalid(request, proposal, act: str, refusal: str, **bound):
    """An invalid form: 403 with ``refusal`` when the user may not take ``act`` at all, else the page again."""
    if not services.can_act(request.user, proposal)[act]:
        raise PermissionDenied(refusal)
    return rerender(request, proposal, **bound)


@login_required
@require_POST
def proposal_acknowledge(request, pk: int):
    """The lead department's handler signs for a handed-over proposal."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    return run(request, proposal, services.proposal_acknowledge, _("已签收，提案进入办理。"))


@login_required
@require_POST
def proposal_return(request, pk: int):
    """The handler returns a proposal to the committee, with a reason."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _invalid(request, proposal, "return", _("只有主办部门负责人可以退回。"), return_form=form)
    return run(
        request, proposal, services.proposal_return, _("已退回提案工作委员会。"), reason=form.cleaned_data["reason"]
    )


@login_required
@require_POST
def proposal_reply(request, pk: int):
    """The handler answers the proposal (this round)."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _invalid(request, proposal, "reply", _("只有主办部门负责人可以答复。"), reply_form=form)
    return run(request, proposal, services.proposal_reply, _("答复已提交，等待提案人评价。"), **form.cleaned_data)


@login_required
@require_POST
def proposal_rate(request, pk: int):
    """The proposer rates the answer (满意 / 基本满意 / 不满意)."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    form = RateForm(request.POST)
    if not form.is_valid():
        return _invalid(request, proposal, "rate", _("只有提案人可以评价答复。"), rate_form=form)
    return run(request, proposal, services.proposal_rate, _("感谢您的评价。"), **form.cleaned_data)


@login_required
@require_POST
def proposal_close(request, pk: int):
    """The committee closes (办结) an answered proposal."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _invalid(request, proposal, "close", _("只有提案工作委员会可以办结提案。"), close_form=form)
    return run(request, proposal, services.proposal_close, _("已办结。"), note=form.cleaned_data["note"])
