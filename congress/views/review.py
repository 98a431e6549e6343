"""The committee's review (立案 / 不立案 / 并案 / 转为意见建议) and hand-over to departments (交办)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import AssignForm, DecisionForm
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
