"""Each transition is allowed only to its role: the allowed actor succeeds, every other one is refused."""

import pytest
from django.core.exceptions import PermissionDenied

from congress import services
from congress.models import CoSignature, ProposalStatus, Rating

from .helpers import accepted, assigned, drafted, replied, submitted

S = ProposalStatus
pytestmark = pytest.mark.django_db

ROLES = ["representative", "cosigner", "proposal_committee", "handler", "chair", "member", "outsider"]


@pytest.fixture
def actors(representative, rep_seat, cosigners, proposal_committee, handler, chair, member, outsider):
    return {
        "representative": representative,
        "cosigner": cosigners[0][0],
        "proposal_committee": proposal_committee,
        "handler": handler,
        "chair": chair,
        "member": member,
        "outsider": outsider,
    }


def build(state, actors, session, cosigners, department):
    rep, pc, h = actors["representative"], actors["proposal_committee"], actors["handler"]
    if state == S.DRAFT:
        return drafted(rep, session)
    if state == S.SUBMITTED:
        return submitted(rep, session, cosigners)
    if state == S.ACCEPTED:
        return accepted(rep, session, cosigners, pc)
    if state == S.ASSIGNED:
        return assigned(rep, session, cosigners, pc, department)
    if state == S.REPLIED:
        return replied(rep, session, cosigners, pc, department, h)
    raise AssertionError(state)


def call(action, user, p, department):
    if action == "submit":
        return services.proposal_submit(acting_user=user, proposal=p)
    if action == "accept":
        return services.proposal_accept(acting_user=user, proposal=p)
    if action == "reject":
        return services.proposal_reject(acting_user=user, proposal=p, reason="不在学校职权范围内")
    if action == "to_suggestion":
        return services.proposal_to_suggestion(acting_user=user, proposal=p)
    if action == "assign":
        return services.proposal_assign(acting_user=user, proposal=p, lead_department=department)
    if action == "acknowledge":
        return services.proposal_acknowledge(acting_user=user, proposal=p)
    if action == "reply":
        return services.proposal_reply(acting_user=user, proposal=p, text="答复")
    if action == "return":
        return services.proposal_return(acting_user=user, proposal=p, reason="不属本部门")
    if action == "rate":
        return services.proposal_rate(acting_user=user, proposal=p, rating=Rating.SATISFIED)
    if action == "close":
        return services.proposal_close(acting_user=user, proposal=p, note="提案人逾期未评价")
    raise AssertionError(action)


# action, state it starts from, the one role allowed, the status after
CASES = [
    ("submit", S.DRAFT, "representative", S.COLLECTING),
    ("accept", S.SUBMITTED, "proposal_committee", S.ACCEPTED),
    ("reject", S.SUBMITTED, "proposal_committee", S.REJECTED),
    ("to_suggestion", S.SUBMITTED, "proposal_committee", S.TO_SUGGESTION),
    ("assign", S.ACCEPTED, "proposal_committee", S.ASSIGNED),
    ("acknowledge", S.ASSIGNED, "handler", S.ASSIGNED),
    ("reply", S.ASSIGNED, "handler", S.REPLIED),
    ("return", S.ASSIGNED, "handler", S.ACCEPTED),
    ("rate", S.REPLIED, "representative", S.CLOSED),
    ("close", S.REPLIED, "proposal_committee", S.CLOSED),
]


@pytest.mark.parametrize(("action", "state", "allowed", "after"), CASES, ids=[c[0] for c in CASES])
def test_transition_allowed_only_to_its_role(action, state, allowed, after, actors, session, cosigners, department):
    p = build(state, actors, session, cosigners, department)
    for role in ROLES:
        if role == allowed:
            continue
        with pytest.raises(PermissionDenied):
            call(action, actors[role], p, department)
        p.refresh_from_db()
        assert p.status == state, f"{role} changed the status"
    call(action, actors[allowed], p, department)
    p.refresh_from_db()
    assert p.status == after


def test_handler_of_another_department_cannot_reply(actors, session, cosigners, department, school):
    from members.models import Role
    from members.tests.factories import DepartmentFactory, RoleAssignmentFactory, UserFactory

    p = build(S.ASSIGNED, actors, session, cosigners, department)
    other = UserFactory(username="otherhandler")
    RoleAssignmentFactory(
        user=other, role=Role.HANDLER, organization=school, department=DepartmentFactory(school=school, name="教务处")
    )
    with pytest.raises(PermissionDenied):
        services.proposal_reply(acting_user=other, proposal=p, text="x")


def test_only_the_proposer_invites_and_only_the_invited_confirms(actors, session, cosigners):
    p = drafted(actors["representative"], session)
    with pytest.raises(PermissionDenied):
        services.cosigners_invite(acting_user=actors["cosigner"], proposal=p, representatives=[cosigners[1][1]])
    services.cosigners_invite(acting_user=actors["representative"], proposal=p, representatives=[cosigners[1][1]])
    cs = CoSignature.objects.get(proposal=p)
    with pytest.raises(PermissionDenied):
        services.cosignature_confirm(acting_user=actors["cosigner"], cosignature=cs)  # invited was cosign2


def test_members_and_observers_cannot_draft(actors, session, observer):
    for user in (actors["member"], observer[0], actors["proposal_committee"]):
        with pytest.raises(PermissionDenied):
            drafted(user, session)


def test_wrong_state_gives_a_clear_message(actors, session, cosigners, department):
    p = build(S.DRAFT, actors, session, cosigners, department)
    with pytest.raises(services.TransitionError, match="草稿"):
        services.proposal_accept(acting_user=actors["proposal_committee"], proposal=p)
