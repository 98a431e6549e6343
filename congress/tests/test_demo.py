"""The demo school's congress: every state, consistent statistics, pages that render for each demo login."""

import datetime as dt

import pytest
from django.test import Client

from congress import selectors
from congress.models import Congress, CongressSession, Motion, Proposal, ProposalStatus, Representative
from scripts.demo.members import load_demo

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 28)  # the demo's anchor date


def test_demo_congress_has_every_state_and_consistent_stats():
    ctx = load_demo(scale=1, today=TODAY)[0]
    # the current term contains today; four sessions held (2023–2026) and the next one collecting now
    congress = Congress.objects.get(school=ctx.school, start_date__lte=TODAY, end_date__gte=TODAY)
    assert congress.name == "第三届教代会" and congress.sessions.count() == 5
    previous = Congress.objects.get(school=ctx.school, number=2)
    assert previous.name == "第二届教代会" and previous.end_date < congress.start_date
    assert [s.window_open(TODAY) for s in congress.sessions.order_by("number")] == [False] * 4 + [True]
    states = set(Proposal.objects.filter(session__congress__school=ctx.school).values_list("status", flat=True))
    assert states == set(ProposalStatus.values)
    summary = selectors.representative_summary(congress)
    assert 65 <= summary["formal"] <= 75 and summary["observer"] > 0 and not summary["teacher_warning"]
    rep = Representative.objects.get(congress=congress, member__user__username="rep")
    assert rep.kind == Representative.Kind.FORMAL
    assert Proposal.objects.filter(lead_department__name="总务处", status=ProposalStatus.ASSIGNED).exists()
    assert Motion.objects.filter(session__congress=congress, clauses__tally__passed=True).exists()
    pay = Motion.objects.get(session__congress__school=ctx.school, title="《奖励性绩效工资分配办法》修订稿")
    rates = [c.tally.approval_rate for c in pay.clauses.all()]
    assert pay.session.date.year == ctx.year and len(rates) == 8 and all(93.8 <= r <= 100 for r in rates)
    for session in CongressSession.objects.filter(congress__school=ctx.school):
        st = selectors.session_stats(session)
        assert st["accepted"] == selectors.public_proposals(ctx.school, session=session).count()
        assert (
            st["collected"]
            == st["accepted"] + st["merged"] + st["to_suggestion"] + st["rejected"] + st["pending_review"]
        )
        assert st["rated"] == st["satisfied"] + st["basically_satisfied"] + st["dissatisfied"]
    client = Client()
    one_per_state = {p.status: p for p in Proposal.objects.filter(session__congress__school=ctx.school).order_by("pk")}
    some = list(one_per_state.values())
    for username in ("rep", "proposals", "handler", "chair", "member"):
        client.force_login(ctx.users[username], backend="django.contrib.auth.backends.ModelBackend")
        for url in ["/", "/congress/", "/congress/proposals/?view=all", "/congress/proposals/?view=department",
                    "/congress/supervision/", "/congress/suggestions/"]:  # fmt: skip
            assert client.get(url).status_code in (200, 302, 403), (username, url)
        for p in some:
            assert client.get(f"/congress/proposals/{p.pk}/").status_code in (200, 404)
