"""Statistics for the report: they match the lists, and cost a constant number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congress import report, selectors, services
from congress.models import Proposal, ProposalStatus, Rating, Suggestion

from .helpers import assigned, replied, submitted

S = ProposalStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(representative, rep_seat, cosigners, proposal_committee, handler, department, session, category, chair):
    rep, pc = representative, proposal_committee
    made = []
    for i, rating in enumerate([Rating.SATISFIED, Rating.BASIC]):
        p = replied(
            rep, session, cosigners, pc, department, handler, category=category, title=f"关于食堂第{i}件事的建议"
        )
        services.proposal_rate(acting_user=rep, proposal=p, rating=rating)
        made.append(p)
    late = assigned(rep, session, cosigners, pc, department, title="关于澡堂热水供应的建议")
    Proposal.objects.filter(pk=late.pk).update(deadline=dt.date(2020, 1, 1))  # overdue
    r = submitted(rep, session, cosigners, title="关于调整国家工资标准的建议")
    services.proposal_reject(acting_user=pc, proposal=r, reason="超出学校职权")
    t = submitted(rep, session, cosigners, title="关于图书馆延长开放时间的建议")
    services.proposal_to_suggestion(acting_user=pc, proposal=t)
    m = submitted(rep, session, cosigners, title="关于改善食堂第0件事的建议")
    services.proposal_merge(acting_user=pc, proposal=m, into=late)
    submitted(rep, session, cosigners, title="关于增设教工停车位的建议")  # pending review
    services.suggestion_create(acting_user=chair, title="建议更换办公室饮水机", content="……")
    motion = services.motion_create(acting_user=chair, session=session, title="绩效方案", clauses=["一", "二"])
    from .factories import RepresentativeFactory

    RepresentativeFactory.create_batch(8, congress=session.congress)
    for c, yes in zip(motion.clauses.all(), [10, 9], strict=True):
        services.tally_record(acting_user=chair, clause=c, expected=11, present=10, yes=yes, no=0, abstain=10 - yes)
    return session


def test_session_stats_match_the_lists(mixed, school):
    st = selectors.session_stats(mixed)
    public = selectors.public_proposals(school, session=mixed)
    assert st["accepted"] == public.count() == 3
    assert st["collected"] == 7
    assert (st["merged"], st["rejected"], st["to_suggestion"], st["pending_review"]) == (1, 1, 1, 1)
    assert (st["replied"], st["closed"]) == (2, 2)
    assert str(st["reply_rate"]) == "66.7" and str(st["handling_rate"]) == "66.7"
    assert (st["satisfied"], st["basically_satisfied"], st["rated"]) == (1, 1, 2)
    assert str(st["satisfaction_rate"]) == "100.0"
    assert st["accepted_by_category"][0] == ("后勤保障", 2)
    assert st["accepted_by_department"] == [("总务处", 3)]
    assert st["suggestions"] == Suggestion.objects.filter(session=mixed).count() == 1  # the turned-over one
    assert st["motions"][0]["passed"] and str(st["motions"][0]["min_approval_rate"]) == "90.0"
    assert st["motions_passed"] == 1
    overdue = list(selectors.overdue_proposals(school, today=dt.date.today()))
    counters = {d.name: d for d in selectors.department_counters(school, today=dt.date.today())}
    assert len(overdue) == counters["总务处"].overdue == 1
    assert counters["总务处"].fed_back == 2


def test_report_stats_by_date_range_and_constant_queries(mixed, school, representative, cosigners, proposal_committee):
    start, end = dt.date(mixed.date.year, 1, 1), dt.date(mixed.date.year, 12, 31)
    with CaptureQueriesContext(connection) as few:
        st = report.report_stats(organization=school, start=start, end=end)
    assert st["accepted"] == 3 and st["suggestions"] == 2  # both suggestions were submitted today
    for i in range(5):
        submitted(representative, mixed, cosigners, title=f"关于第{i}项补充事项的建议")
    with CaptureQueriesContext(connection) as more:
        st2 = report.report_stats(organization=school, start=start, end=end)
    assert st2["pending_review"] == 6
    # sessions, proposal aggregate, by category, by department, suggestions, motions, and the
    # coverage months (one UNION query the report needs to decide whether a comparison is fair); the
    # speech's named sessions and their motions (2), the proposals overdue at the period's end (1),
    # and the 校务公开 items by category (1, issue 16)
    assert len(few) == len(more) == 11
    assert (
        report.report_stats(organization=school, start=dt.date(2000, 1, 1), end=dt.date(2000, 12, 31))["collected"]
        == 0
    )
