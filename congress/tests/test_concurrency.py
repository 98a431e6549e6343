"""Row locks: committee members acting on the same proposal at the same moment end consistently (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from congress import services
from congress.models import Proposal, ProposalStatus, ProposalTransition

from .helpers import submitted

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_accepts_give_one_acceptance_and_distinct_numbers(
    representative, rep_seat, session, cosigners, proposal_committee
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; row locks are exercised on PostgreSQL")
    a = submitted(representative, session, cosigners)
    b = submitted(representative, session, cosigners, title="关于完善青年教师培养机制的建议")
    barrier = threading.Barrier(3)
    results: list[str] = []

    def accept(pk):
        try:
            barrier.wait()
            services.proposal_accept(acting_user=proposal_committee, proposal=Proposal.objects.get(pk=pk))
            results.append("accepted")
        except services.TransitionError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(pk,)) for pk in (a.pk, a.pk, b.pk)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["accepted", "accepted", "refused"]
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == b.status == ProposalStatus.ACCEPTED
    assert a.number != b.number and {a.number[-3:], b.number[-3:]} == {"001", "002"}
    assert ProposalTransition.objects.filter(proposal=a, to_status=ProposalStatus.ACCEPTED).count() == 1
