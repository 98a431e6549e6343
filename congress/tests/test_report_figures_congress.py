"""Congress figures that keep the report true: unassigned proposals, each round's ratings, re-handling."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from congress.models import Feedback, ProposalStatus, ProposalTransition, Rating
from congress.report import report_stats
from congress.tests.factories import ProposalFactory, SessionFactory

S = ProposalStatus
START, END = dt.date(2021, 1, 1), dt.date(2021, 12, 31)
pytestmark = pytest.mark.django_db


def _raw(sql: str, *params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _at(day: dt.date):
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 10))


@pytest.fixture
def session():
    return SessionFactory(date=dt.date(2021, 3, 20))


def _proposal(session, status, *, assigned=True, ratings=(), rating=None):
    """A hand-made proposal with ``ratings`` given in rounds 1, 2, …; ``rating``: the latest one."""
    p = ProposalFactory(
        session=session,
        status=status,
        assigned_at=_at(dt.date(2021, 4, 1)) if assigned else None,
        rating=rating if rating is not None else (ratings[-1] if ratings else ""),
        round=len(ratings) + (1 if ratings and ratings[-1] == Rating.DISSATISFIED else 0) or 1,
    )
    for i, r in enumerate(ratings, start=1):
        Feedback.objects.create(proposal=p, round=i, rating=r, rated_at=_at(dt.date(2021, 5 + i, 1)))
    ProposalTransition.objects.create(proposal=p, to_status=status, action="test", at=_at(dt.date(2021, 3, 1)))
    return p


@pytest.fixture
def proposals(session):
    sat, basic, bad = Rating.SATISFIED, Rating.BASIC, Rating.DISSATISFIED
    _proposal(session, S.ACCEPTED, assigned=False)  # accepted, never handed over
    _proposal(session, S.ACCEPTED, assigned=False)
    _proposal(session, S.ASSIGNED)
    _proposal(session, S.CLOSED, ratings=[sat])
    _proposal(session, S.CLOSED, ratings=[basic])
    _proposal(session, S.CLOSED, ratings=[bad, sat])  # re-handled, then satisfied
    _proposal(session, S.CLOSED, ratings=[bad, bad, basic])  # re-handled twice, then basically satisfied
    _proposal(session, S.ASSIGNED, ratings=[bad])  # being re-handled
    _proposal(session, S.REPLIED, ratings=[bad])  # replied again, not yet rated
    _proposal(session, S.CLOSED, ratings=[bad])  # closed while still dissatisfied
    _proposal(session, S.REJECTED, assigned=False)
    return session


ACCEPTED = "('accepted', 'assigned', 'replied', 'closed')"
SCOPE = f"FROM congress_proposal p WHERE p.session_id = %s AND p.status IN {ACCEPTED}"


def _first_round(session, rating):
    first = "EXISTS (SELECT 1 FROM congress_feedback f WHERE f.proposal_id = p.id AND f.round = 1 AND f.rating = %s)"
    return _raw(f"SELECT COUNT(*) {SCOPE} AND {first}", session.pk, rating)


REHANDLED = ("EXISTS (SELECT 1 FROM congress_feedback f WHERE f.proposal_id = p.id AND f.rating = 'dissatisfied')")


def test_rounds_and_rehandling_equal_raw_sql(proposals):
    session = proposals
    stats = report_stats(organization=session.congress.school, start=START, end=END)
    accepted = _raw(f"SELECT COUNT(*) {SCOPE}", session.pk)
    assigned = _raw(f"SELECT COUNT(*) {SCOPE} AND p.assigned_at IS NOT NULL", session.pk)
    assert stats["accepted"] == accepted == 10
    assert stats["unassigned"] == accepted - assigned == 2
    assert stats["first_round"] == {
        "satisfied": _first_round(session, "satisfied"),
        "basically_satisfied": _first_round(session, "basic"),
        "dissatisfied": _first_round(session, "dissatisfied"),
    } == {"satisfied": 1, "basically_satisfied": 1, "dissatisfied": 5}
    rehandled = _raw(f"SELECT COUNT(*) {SCOPE} AND {REHANDLED}", session.pk)
    assert stats["rehandled"] == rehandled == 5

    def then(extra, *params):
        return _raw(f"SELECT COUNT(*) {SCOPE} AND {REHANDLED} AND {extra}", session.pk, *params)

    assert stats["rehandled_then"] == {
        "satisfied": then("p.rating = 'satisfied'"),
        "basically_satisfied": then("p.rating = 'basic'"),
        "dissatisfied": then("p.rating = 'dissatisfied' AND p.status = 'closed'"),
        "pending": then("p.rating = 'dissatisfied' AND p.status <> 'closed'"),
    } == {"satisfied": 1, "basically_satisfied": 1, "dissatisfied": 1, "pending": 2}
    assert sum(stats["rehandled_then"].values()) == stats["rehandled"]
    # The latest ratings (existing meaning) still count each accepted proposal once.
    assert (stats["satisfied"], stats["basically_satisfied"], stats["dissatisfied"]) == (2, 2, 3)
    # Records in March (session, transitions), April..August have none of the kinds counted.
    assert stats["coverage"] == {"months": 1, "period_months": 12}


def test_an_empty_period_has_no_coverage(proposals):
    stats = report_stats(organization=proposals.congress.school, start=dt.date(2019, 1, 1), end=dt.date(2019, 12, 31))
    assert stats["accepted"] == stats["unassigned"] == stats["rehandled"] == 0
    assert stats["coverage"] == {"months": 0, "period_months": 12}
