"""The demo school's congress: every state, consistent statistics, pages that render for each demo login."""

import pytest
from django.test import Client

from congress import selectors
from congress.models import Congress, Motion, Proposal, ProposalStatus, Representative
from scripts.demo.members import load_demo

pytestmark = pytest.mark.django_db


def test_demo_congress_has_every_state_and_consistent_stats():
    ctx = load_demo(scale=1)[0]
    congress = Congress.objects.get(school=ctx.school)
    assert congress.name == "第二届教代会" and congress.sessions.count() == 2
    states = set(Proposal.objects.filter(session__congress=congress).values_list("status", flat=True))
    assert states == set(ProposalStatus.values)
    summary = selectors.representative_summary(congress)
    assert 65 <= summary["formal"] <= 75 and summary["observer"] > 0 and not summary["teacher_warning"]
    rep = Representative.objects.get(congress=congress, member__user__username="rep")
    assert rep.kind == Representative.Kind.FORMAL
    assert Proposal.objects.filter(lead_department__name="总务处", status=ProposalStatus.ASSIGNED).exists()
    assert Motion.objects.filter(session__congress=congress, clauses__tally__passed=True).exists()
    for session in congress.sessions.all():
        st = selectors.session_stats(session)
        assert st["accepted"] == selectors.public_proposals(ctx.school, session=session).count()
        assert (
            st["collected"]
            == st["accepted"] + st["merged"] + st["to_suggestion"] + st["rejected"] + st["pending_review"]
        )
        assert st["rated"] == st["satisfied"] + st["basically_satisfied"] + st["dissatisfied"]
    client = Client()
    one_per_state = {p.status: p for p in Proposal.objects.filter(session__congress=congress).order_by("pk")}
    some = list(one_per_state.values())
    for username in ("rep", "proposals", "handler", "chair", "member"):
        client.force_login(ctx.users[username], backend="django.contrib.auth.backends.ModelBackend")
        for url in ["/", "/congress/", "/congress/proposals/?view=all", "/congress/proposals/?view=department",
                    "/congress/supervision/", "/congress/suggestions/"]:  # fmt: skip
            assert client.get(url).status_code in (200, 302, 403), (username, url)
        for p in some:
            assert client.get(f"/congress/proposals/{p.pk}/").status_code in (200, 404)
