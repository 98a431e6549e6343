"""Proposal transitions through the services: the happy path, merging, re-handling, late items, locks."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from congress import services
from congress.models import CoSignature, ProposalStatus, ProposalTransition, Rating, Suggestion

from .factories import ProposalFactory
from .helpers import accepted, assigned, drafted, replied, submitted

S = ProposalStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def people(representative, rep_seat, cosigners, proposal_committee, handler, department, session, category):
    representative.email = "rep@example.com"
    representative.save()
    handler.email = "handler@example.com"
    handler.save()
    return locals()


def test_full_journey_records_every_transition_and_mails_on_commit(
    people,
    representative,
    cosigners,
    proposal_committee,
    handler,
    department,
    session,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        p = drafted(representative, session)
        services.cosigners_invite(acting_user=representative, proposal=p, representatives=[s for _u, s in cosigners])
        services.proposal_submit(acting_user=representative, proposal=p)
        p.refresh_from_db()
        assert p.status == S.COLLECTING
        u1, s1 = cosigners[0]
        services.cosignature_confirm(acting_user=u1, cosignature=CoSignature.objects.get(proposal=p, representative=s1))
        p.refresh_from_db()
        assert p.status == S.COLLECTING  # one of two is not enough
        u2, s2 = cosigners[1]
        services.cosignature_confirm(acting_user=u2, cosignature=CoSignature.objects.get(proposal=p, representative=s2))
        p.refresh_from_db()
        assert p.status == S.SUBMITTED and p.submitted_at
        p = services.proposal_accept(acting_user=proposal_committee, proposal=p)
        assert p.number == f"{session.date.year}-001"
        services.proposal_assign(acting_user=proposal_committee, proposal=p, lead_department=department)
        services.proposal_reply(acting_user=handler, proposal=p, text="已落实。")
        services.proposal_rate(acting_user=representative, proposal=p, rating=Rating.BASIC)
    p.refresh_from_db()
    assert p.status == S.CLOSED and p.rating == Rating.BASIC and p.closed_at
    path = list(ProposalTransition.objects.filter(proposal=p).values_list("to_status", flat=True))
    assert path == [S.DRAFT, S.COLLECTING, S.SUBMITTED, S.ACCEPTED, S.ASSIGNED, S.REPLIED, S.CLOSED]
    assert all(t.actor_id for t in ProposalTransition.objects.filter(proposal=p))
    recipients = {r for m in mail.outbox for r in m.to}
    assert {"rep@example.com", "handler@example.com"} <= recipients
    assert any("交办" in m.subject for m in mail.outbox if "handler@example.com" in m.to)


def test_no_mail_when_the_transaction_rolls_back(people, representative, session, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                p = drafted(representative, session)
                services.proposal_submit(acting_user=representative, proposal=p)
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert callbacks == [] and mail.outbox == []


def test_observer_and_non_representative_cannot_cosign(people, representative, session, observer, member):
    p = drafted(representative, session)
    with pytest.raises(ValidationError, match="正式代表"):
        services.cosigners_invite(acting_user=representative, proposal=p, representatives=[observer[1]])
    # an invitation that somehow exists for an observer is still refused on confirm
    cs = CoSignature.objects.create(proposal=p, representative=observer[1])
    with pytest.raises(PermissionDenied):
        services.cosignature_confirm(acting_user=observer[0], cosignature=cs)
    # a plain member was never invited: refused
    with pytest.raises(PermissionDenied):
        services.cosignature_confirm(acting_user=member, cosignature=cs)


def test_cosignature_is_unique_in_the_database(people, representative, session, cosigners):
    p = drafted(representative, session)
    seat = cosigners[0][1]
    assert services.cosigners_invite(acting_user=representative, proposal=p, representatives=[seat, seat]) == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        CoSignature.objects.create(proposal=p, representative=seat)


def test_declined_cosigners_do_not_count(people, representative, session, cosigners):
    p = drafted(representative, session)
    services.cosigners_invite(acting_user=representative, proposal=p, representatives=[s for _u, s in cosigners])
    services.proposal_submit(acting_user=representative, proposal=p)
    (u1, s1), (u2, s2) = cosigners
    services.cosignature_confirm(acting_user=u1, cosignature=CoSignature.objects.get(representative=s1))
    services.cosignature_decline(acting_user=u2, cosignature=CoSignature.objects.get(representative=s2))
    p.refresh_from_db()
    assert p.status == S.COLLECTING


def test_late_submission_becomes_a_suggestion(people, representative, session):
    p = drafted(representative, session)
    late = session.collection_closes + dt.timedelta(days=1)
    services.proposal_submit(acting_user=representative, proposal=p, today=late)
    p.refresh_from_db()
    assert p.status == S.TO_SUGGESTION
    s = Suggestion.objects.get(from_proposal=p)
    assert s.title == p.title and s.submitted_by == representative.member


def test_merge_makes_proposers_co_proposers(people, representative, session, cosigners, proposal_committee, sub_a):
    from .conftest import make_rep_user

    target = accepted(representative, session, cosigners, proposal_committee)
    other_user, other_seat = make_rep_user("other", session.congress, sub_a)
    dup = submitted(other_user, session, cosigners, title="关于提高教工食堂饭菜质量的建议")
    services.proposal_merge(acting_user=proposal_committee, proposal=dup, into=target)
    dup.refresh_from_db()
    assert dup.status == S.MERGED and dup.merged_into == target
    co = CoSignature.objects.get(proposal=target, representative=other_seat)
    assert co.role == CoSignature.Role.CO_PROPOSER and co.status == CoSignature.Status.CONFIRMED
    # the co-signers were already on the target: not duplicated
    assert CoSignature.objects.filter(proposal=target).count() == 3


def test_merge_refuses_a_target_that_is_not_accepted(people, representative, session, cosigners, proposal_committee):
    a = submitted(representative, session, cosigners)
    b = submitted(representative, session, cosigners, title="关于另一件事情的建议")
    with pytest.raises(services.TransitionError):
        services.proposal_merge(acting_user=proposal_committee, proposal=b, into=a)


def test_dissatisfied_sends_it_back_and_keeps_rounds(
    people, representative, session, cosigners, proposal_committee, department, handler
):
    p = replied(representative, session, cosigners, proposal_committee, department, handler)
    with pytest.raises(ValidationError):
        services.proposal_rate(acting_user=representative, proposal=p, rating=Rating.DISSATISFIED)
    services.proposal_rate(acting_user=representative, proposal=p, rating=Rating.DISSATISFIED, comment="窗口仍不够")
    p.refresh_from_db()
    assert p.status == S.ASSIGNED and p.round == 2
    services.proposal_reply(acting_user=handler, proposal=p, text="再增设一个窗口。")
    services.proposal_rate(acting_user=representative, proposal=p, rating=Rating.SATISFIED)
    p.refresh_from_db()
    assert p.status == S.CLOSED and p.rating == Rating.SATISFIED
    assert list(p.replies.values_list("round", flat=True)) == [1, 2]
    assert list(p.feedbacks.values_list("round", "rating")) == [(1, "dissatisfied"), (2, "satisfied")]


def test_department_return_goes_back_to_the_committee(
    people, representative, session, cosigners, proposal_committee, department, handler
):
    p = assigned(representative, session, cosigners, proposal_committee, department)
    with pytest.raises(ValidationError):
        services.proposal_return(acting_user=handler, proposal=p, reason=" ")
    services.proposal_return(acting_user=handler, proposal=p, reason="属人事处职责")
    p.refresh_from_db()
    assert p.status == S.ACCEPTED and p.lead_department is None
    assert ProposalTransition.objects.filter(proposal=p, action="return", note="属人事处职责").exists()


def test_second_accept_of_the_same_proposal_is_refused_and_numbers_are_sequential(
    people, representative, session, cosigners, proposal_committee
):
    a = submitted(representative, session, cosigners)
    b = submitted(representative, session, cosigners, title="关于完善青年教师培养机制的建议")
    services.proposal_accept(acting_user=proposal_committee, proposal=a)
    with pytest.raises(services.TransitionError, match="已立案"):
        services.proposal_accept(acting_user=proposal_committee, proposal=a)
    services.proposal_accept(acting_user=proposal_committee, proposal=b)
    a.refresh_from_db()
    b.refresh_from_db()
    y = session.date.year
    assert (a.number, b.number) == (f"{y}-001", f"{y}-002")
    assert ProposalTransition.objects.filter(proposal=a, to_status=S.ACCEPTED).count() == 1


def test_reject_requires_a_reason(people, representative, session, cosigners, proposal_committee):
    p = submitted(representative, session, cosigners)
    with pytest.raises(ValidationError):
        services.proposal_reject(acting_user=proposal_committee, proposal=p, reason="")
    services.proposal_reject(acting_user=proposal_committee, proposal=p, reason="超出学校职权范围")
    p.refresh_from_db()
    assert p.status == S.REJECTED and p.decision_note == "超出学校职权范围"


def test_delegation_proposal_without_individual_proposer(people, representative, rep_seat, session):
    from .factories import DelegationFactory

    d = DelegationFactory(congress=session.congress, name="后勤代表团")
    rep_seat.delegation = d
    rep_seat.save()
    p = services.proposal_create(
        acting_user=representative,
        session=session,
        title="关于改造教工之家的建议",
        reasons="r",
        measures="m",
        delegation=d,
    )
    assert p.proposer is None and p.proposer_name == "后勤代表团（集体提案）"


def test_factory_builds_valid_proposal():
    p = ProposalFactory()
    assert p.status == S.DRAFT and p.proposer.congress == p.session.congress
