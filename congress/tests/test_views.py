"""HTTP behaviour of the proposal pages: methods, login, scoping, form errors, query budgets, attachments."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from congress.models import Proposal, ProposalStatus
from members.models import AuditEntry

from .helpers import assigned, drafted, submitted

S = ProposalStatus
pytestmark = pytest.mark.django_db

POST_ACTIONS = [
    "submit",
    "invite",
    "decide",
    "assign",
    "acknowledge",
    "return",
    "reply",
    "rate",
    "close",
    "attachments",
]


@pytest.fixture
def draft(representative, rep_seat, session, category):
    return drafted(representative, session, category=category)


@pytest.mark.parametrize("action", POST_ACTIONS)
def test_state_changes_refuse_get(action, draft, login, representative):
    assert login(representative).get(f"/congress/proposals/{draft.pk}/{action}/").status_code == 405


def test_anonymous_is_sent_to_login(client, draft):
    resp = client.post(f"/congress/proposals/{draft.pk}/submit/")
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


def test_drafts_are_private(draft, login, outsider, member, proposal_committee, handler, representative):
    url = f"/congress/proposals/{draft.pk}/"
    assert login(outsider).get(url).status_code == 404
    assert login(member).get(url).status_code == 404
    assert login(handler).get(url).status_code == 404
    assert login(proposal_committee).get(url).status_code == 200
    assert login(representative).get(url).status_code == 200


def test_outsider_cannot_act_on_a_proposal(draft, login, outsider):
    assert login(outsider).post(f"/congress/proposals/{draft.pk}/submit/").status_code == 404
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_create_form_keeps_input_on_error_and_saves_when_valid(login, representative, rep_seat, session, category):
    client = login(representative)
    resp = client.post("/congress/proposals/new/", {"title": "食堂", "reasons": "很长的理由", "measures": ""})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "案由太短" in html and "很长的理由" in html
    resp = client.post(
        "/congress/proposals/new/",
        {
            "title": "关于增设教工停车位的建议",
            "reasons": "车位不足",
            "measures": "改造操场东侧",
            "category": category.pk,
        },
    )
    p = Proposal.objects.get(title="关于增设教工停车位的建议")
    assert resp.status_code == 302 and p.proposer == rep_seat and p.status == S.DRAFT


def test_members_cannot_open_the_create_form(login, member, session):
    assert login(member).get("/congress/proposals/new/").status_code == 403


def test_reject_without_reason_shows_error(login, representative, rep_seat, session, cosigners, proposal_committee):
    p = submitted(representative, session, cosigners)
    resp = login(proposal_committee).post(f"/congress/proposals/{p.pk}/decide/", {"decision": "reject", "note": ""})
    assert resp.status_code == 200 and "不立案须写明理由" in resp.content.decode()
    p.refresh_from_db()
    assert p.status == S.SUBMITTED


def test_decide_by_non_committee_is_forbidden(login, representative, rep_seat, session, cosigners, chair):
    p = submitted(representative, session, cosigners)
    assert login(chair).post(f"/congress/proposals/{p.pk}/decide/", {"decision": "accept"}).status_code == 403


def test_accept_via_view_shows_number_in_public_list(
    login, representative, rep_seat, session, cosigners, proposal_committee, member
):
    p = submitted(representative, session, cosigners)
    resp = login(proposal_committee).post(f"/congress/proposals/{p.pk}/decide/", {"decision": "accept", "note": ""})
    assert resp.status_code == 302
    p.refresh_from_db()
    html = login(member).get("/congress/proposals/").content.decode()
    assert p.number in html and p.title in html


def test_handler_sees_only_own_department(
    login, representative, rep_seat, session, cosigners, proposal_committee, department, handler, school
):
    from members.tests.factories import DepartmentFactory

    mine = assigned(representative, session, cosigners, proposal_committee, department)
    other = assigned(
        representative, session, cosigners, proposal_committee, DepartmentFactory(school=school, name="教务处"),
        title="关于优化排课的建议",
    )  # fmt: skip
    html = login(handler).get("/congress/proposals/?view=department").content.decode()
    assert mine.title in html and other.title not in html


def _many(representative, session, cosigners, pc, department, n):
    for i in range(n):
        assigned(representative, session, cosigners, pc, department, title=f"关于第{i}号事项的建议")


@pytest.mark.parametrize("view", ["public", "all", "department", "mine"])
def test_list_query_budget_holds_at_ten_times_the_data(
    view, login, representative, rep_seat, session, cosigners, proposal_committee, department, handler,
    django_assert_max_num_queries,
):  # fmt: skip
    users = {"public": representative, "all": proposal_committee, "department": handler, "mine": representative}
    client = login(users[view])
    _many(representative, session, cosigners, proposal_committee, department, 3)
    # session read, user, member (with its school), roles, sessions for the filter, count, one page,
    # the page's proposers (one query), session save (savepoint, update, release) = 11; more rows add none
    with django_assert_max_num_queries(11):
        assert client.get(f"/congress/proposals/?view={view}").status_code == 200
    _many(representative, session, cosigners, proposal_committee, department, 27)
    with django_assert_max_num_queries(11):
        resp = client.get(f"/congress/proposals/?view={view}")
    assert resp.content.decode().count("关于第") >= 30


def test_attachment_limits_and_permission_checked_download(
    login, representative, draft, member, settings, proposal_committee
):
    client = login(representative)
    url = f"/congress/proposals/{draft.pk}/attachments/"
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    resp = client.post(url, {"file": bad})
    assert resp.status_code == 200 and "附件只能是" in resp.content.decode()
    fake = SimpleUploadedFile("plan.pdf", b"not a pdf", content_type="application/pdf")
    assert "内容与扩展名不符" in client.post(url, {"file": fake}).content.decode()
    settings.CONGRESS_ATTACHMENT_MAX_BYTES = 10
    big = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 " + b"x" * 100, content_type="application/pdf")
    assert "不能超过" in client.post(url, {"file": big}).content.decode()
    settings.CONGRESS_ATTACHMENT_MAX_BYTES = 1024
    ok = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    assert client.post(url, {"file": ok}).status_code == 302
    att = draft.attachments.get()
    dl = f"/congress/proposals/{draft.pk}/attachments/{att.pk}/"
    assert login(member).get(dl).status_code == 404  # a draft's files are private
    resp = login(proposal_committee).get(dl)
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == b"%PDF-1.4 test"
    assert AuditEntry.objects.filter(action="download", object_id=str(att.pk)).exists()


def test_print_view_and_export(
    login, representative, rep_seat, session, cosigners, proposal_committee, department, chair, member
):
    p = assigned(representative, session, cosigners, proposal_committee, department)
    html = login(member).get(f"/congress/proposals/{p.pk}/print/").content.decode()
    assert "提 案 表" in html and p.number in html and "总务处" in html
    assert login(member).get(f"/congress/sessions/{session.pk}/export.xlsx").status_code == 403
    resp = login(chair).get(f"/congress/sessions/{session.pk}/export.xlsx")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(resp.content)).active
    assert ws.cell(2, 1).value == p.number and ws.cell(2, 8).value == "总务处"


def test_pages_render_for_each_role(
    login, representative, rep_seat, session, cosigners, proposal_committee, department, handler, chair, member
):
    assigned(representative, session, cosigners, proposal_committee, department)
    for user in (representative, proposal_committee, handler, chair, member):
        client = login(user)
        for url in ["/congress/", "/congress/proposals/", "/congress/suggestions/", f"/congress/sessions/{session.pk}/",
                    f"/congress/terms/{session.congress_id}/representatives/", "/"]:  # fmt: skip
            assert client.get(url).status_code == 200, (user, url)
    assert login(chair).get("/congress/supervision/").status_code == 200
    assert login(member).get("/congress/supervision/").status_code == 403


def test_teacher_share_warning(login, chair, congress):
    from congress.models import Representative
    from members.tests.factories import MemberFactory

    from .factories import RepresentativeFactory

    for i in range(5):
        RepresentativeFactory(
            congress=congress, member=MemberFactory(organization=congress.school, is_teacher=i < 2),
            kind=Representative.Kind.FORMAL,
        )  # fmt: skip
    html = login(chair).get(f"/congress/terms/{congress.pk}/representatives/").content.decode()
    assert "低于" in html and "60%" in html and "40.0%" in html


def test_suggestion_forward_and_reply(login, member, proposal_committee, handler, department, school):
    from congress.models import Suggestion

    client = login(member)
    assert client.post("/congress/suggestions/", {"title": "", "content": "x"}).status_code == 200
    client.post("/congress/suggestions/", {"title": "建议更换饮水机", "content": "三楼饮水机老旧"})
    s = Suggestion.objects.get()
    assert login(handler).get(f"/congress/suggestions/{s.pk}/").status_code == 404  # not forwarded yet
    login(proposal_committee).post(f"/congress/suggestions/{s.pk}/", {"action": "forward", "department": department.pk})
    login(handler).post(f"/congress/suggestions/{s.pk}/", {"action": "reply", "reply": "已更换。"})
    s.refresh_from_db()
    assert s.status == Suggestion.Status.REPLIED and s.reply == "已更换。"
