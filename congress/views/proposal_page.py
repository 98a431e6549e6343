"""The proposal page's context, shared by the detail view and every action that re-renders it.

``detail_context`` is put together from what each part computes: the co-signing state, similar
proposals, and one form per action the user may take (a bound form with errors when re-rendered).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors, services
from ..forms import (
    AssignForm,
    AttachmentForm,
    CloseForm,
    CoReplyForm,
    DecisionForm,
    InviteForm,
    RateForm,
    ReasonForm,
    ReplyForm,
)
from ..models import CoSignature, Proposal, ProposalStatus
from ..similarity import similar_proposals
from ._common import fail

S = ProposalStatus


def _cosigning(user, proposal: Proposal, cosignatures: list[CoSignature]) -> dict:
    """``confirmed`` co-signers (附议人 only), the ``needed`` number, and ``my_invite`` (the user's open
    invitation, only while the proposal is a draft or in collection)."""
    confirmed = sum(
        1 for c in cosignatures if c.status == CoSignature.Status.CONFIRMED and c.role == CoSignature.Role.COSIGNER
    )
    my_invite = None
    if proposal.status in (S.DRAFT, S.COLLECTING):
        my_invite = next(
            (
                c
                for c in cosignatures
                if c.representative.member.user_id == user.pk and c.status == CoSignature.Status.INVITED
            ),
            None,
        )
    return {"confirmed": confirmed, "needed": proposal.session.congress.min_cosigners, "my_invite": my_invite}


def _similar(acts: dict[str, bool], proposal: Proposal, school) -> list:
    """Similar proposals of the school, shown to whoever may still edit, submit or review this one."""
    if not (acts["submit"] or acts["review"] or acts["edit"]):
        return []
    return similar_proposals(proposal.title, school=school, exclude_pk=proposal.pk)


def _action_forms(acts: dict[str, bool], proposal: Proposal, school, bound: dict) -> dict:
    """One form per action the user may take (``acts``); a bound form from ``bound`` replaces a blank one."""
    makers = {
        "invite": {"invite_form": lambda: InviteForm(proposal=proposal), "attachment_form": AttachmentForm},
        "review": {"decision_form": lambda: DecisionForm(proposal=proposal)},
        "assign": {
            "assign_form": lambda: AssignForm(school=school, initial={"lead_department": proposal.suggested_department})
        },
        "reply": {"reply_form": ReplyForm, "return_form": ReasonForm},
        "rate": {"rate_form": RateForm},
        "close": {"close_form": CloseForm},
        "co_reply": {"co_reply_form": CoReplyForm},
    }
    forms = {}
    for act, named in makers.items():
        if acts[act]:
            forms.update({name: bound.get(name) or make() for name, make in named.items()})
    return forms


def detail_context(request, proposal: Proposal, **bound) -> dict:
    """Everything ``congress/proposal_detail.html`` shows; ``bound`` holds forms to show with their errors."""
    acts = services.can_act(request.user, proposal)
    school = proposal.session.congress.school
    parts = selectors.proposal_detail_parts(proposal)
    return {
        "proposal": proposal,
        "acts": acts,
        **_cosigning(request.user, proposal, parts["cosignatures"]),
        "similar": _similar(acts, proposal, school),
        "co_replies": list(proposal.co_replies.select_related("department")),
        "current_reply": next((r for r in parts["replies"] if r.round == proposal.round), None),
        "today": timezone.localdate(),
        **parts,
        **_action_forms(acts, proposal, school, bound),
    }


def rerender(request, proposal: Proposal, **bound):
    """The proposal page again, with the invalid form(s) in ``bound`` and a message to check them."""
    messages.error(request, _("请检查下面标出的内容。"))
    return render(request, "congress/proposal_detail.html", detail_context(request, proposal, **bound), status=200)


def run(request, proposal: Proposal, fn, success: str, **kwargs):
    """Call a transition service; show its refusal as a message. Returns a redirect to the proposal."""
    try:
        fn(acting_user=request.user, proposal=proposal, **kwargs)
    except (services.TransitionError, ValidationError) as exc:
        fail(request, exc)
    else:
        messages.success(request, success)
    return redirect("congress:proposal_detail", pk=proposal.pk)
