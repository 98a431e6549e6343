"""Reminders of the congress area (deadlines, co-sign invitations), 催办, and the 校务公开 board."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congress import services, tasks
from congress.models import DisclosureItem, ProposalTransition
from congress.report import report_stats
from members.models import Reminder, Role

from .helpers import assigned, drafted

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(rep_seat, representative, session, cosigners, proposal_committee, department, handler):
    handler.email = "handler@example.org"
    handler.save()
    p = assigned(representative, session, cosigners, proposal_committee, department)
    p.deadline = dt.date.today() - dt.timedelta(days=2)  # handed over earlier; the deadline has passed
    p.save(update_fields=["deadline"])
    return p


def test_an_overdue_proposal_reminds_its_handler_once_however_often_the_task_runs(overdue, handler):
    assert tasks.remind_proposal_deadlines() == 1
    assert tasks.remind_proposal_deadlines() == 0
    reminders = Reminder.objects.filter(recipient=handler, kind=Reminder.Kind.PROPOSAL_DEADLINE)
    assert reminders.count() == 1 and reminders.get().step.startswith("past:")
    assert "已逾期2天" in reminders.get().title


def test_near_then_past_then_committee(overdue, handler, proposal_committee):
    deadline = overdue.deadline
    near = (deadline - dt.timedelta(days=3)).isoformat()
    assert tasks.remind_proposal_deadlines(near) == 1
    assert tasks.remind_proposal_deadlines((deadline + dt.timedelta(days=1)).isoformat()) == 1
    late = (deadline + dt.timedelta(days=10)).isoformat()
    assert tasks.remind_proposal_deadlines(late) == 1  # the committee; the handler already had "past"
    assert tasks.remind_proposal_deadlines(late) == 0
    assert list(Reminder.objects.filter(recipient=handler).values_list("step", flat=True).order_by("pk")) == [
        f"near:{deadline}:r1", f"past:{deadline}:r1"]
    assert Reminder.objects.filter(recipient=proposal_committee, step__startswith="committee:").count() == 1


def test_the_reminder_is_emailed_once_to_an_address(overdue, handler):
    tasks.remind_proposal_deadlines()
    # eager tasks: the on-commit hook never fires inside the test transaction; send it directly
    from members.tasks import reminder_email

    r = Reminder.objects.get(recipient=handler)
    assert reminder_email(r.pk) == "sent" and reminder_email(r.pk) == "skipped"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["handler@example.org"]


def test_cosign_invitation_reminded_before_the_window_closes(representative, rep_seat, session, cosigners):
    p = drafted(representative, session)
    services.cosigners_invite(acting_user=representative, proposal=p, representatives=[s for _u, s in cosigners])
    day = (session.collection_closes - dt.timedelta(days=1)).isoformat()
    assert tasks.remind_cosign_invitations(day) == 2
    assert tasks.remind_cosign_invitations(day) == 0
    assert Reminder.objects.filter(kind=Reminder.Kind.COSIGN, recipient=cosigners[0][0]).count() == 1


def test_committee_urges_an_overdue_proposal_and_it_is_in_the_history(login, overdue, proposal_committee, handler):
    client = login(proposal_committee)
    assert client.get(reverse("congress:supervision")).content.decode().count("催办") >= 2
    response = client.post(reverse("congress:proposal_urge", args=[overdue.pk]), {"note": "请本周内答复", "next": "supervision"})
    assert response.status_code == 302 and response.url == reverse("congress:supervision")
    entry = ProposalTransition.objects.get(proposal=overdue, action="urge")
    assert entry.note == "请本周内答复" and entry.from_status == entry.to_status == "assigned"
    assert Reminder.objects.filter(recipient=handler, kind=Reminder.Kind.PROPOSAL_URGE).count() == 1
    client.post(reverse("congress:proposal_urge", args=[overdue.pk]))  # twice the same day: refused
    assert ProposalTransition.objects.filter(proposal=overdue, action="urge").count() == 1
    assert "催办" in client.get(reverse("congress:proposal_detail", args=[overdue.pk])).content.decode()


def test_urge_refused_to_others_and_when_not_overdue(login, overdue, chair, handler):
    assert login(handler).post(reverse("congress:proposal_urge", args=[overdue.pk])).status_code == 403
    overdue.deadline = dt.date.today() + dt.timedelta(days=3)
    overdue.save()
    with pytest.raises(services.TransitionError):
        services.proposal_urge(acting_user=_committee(overdue), proposal=overdue)


def _committee(proposal):
    from members.models import RoleAssignment

    return RoleAssignment.objects.filter(role=Role.PROPOSAL_COMMITTEE).first().user


def _pdf(name="预算.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def test_disclosure_publish_board_archive_withdraw_and_report(login, chair, member, school, session):
    today = dt.date.today()
    client = login(chair)
    response = client.post(reverse("congress:disclosure_create"), {
        "category": "finance", "title": "2025年度工会经费收支情况", "body": "收入与支出明细见附件。",
        "period_start": today.isoformat(), "period_end": (today + dt.timedelta(days=30)).isoformat(),
        "session": session.pk, "file": _pdf(),
    })
    item = DisclosureItem.objects.get()
    assert response.status_code == 302 and item.published_at and item.content_type == "application/pdf"
    board = login(member).get(reverse("congress:disclosure_board")).content.decode()
    assert "2025年度工会经费收支情况" in board
    materials = login(member).get(reverse("congress:disclosure_board"), {"session": session.pk}).content.decode()
    assert "会议材料" in materials and "2025年度工会经费收支情况" in materials
    assert "会议材料（校务公开）" in login(member).get(reverse("congress:session_detail", args=[session.pk])).content.decode()
    assert login(member).post(reverse("congress:disclosure_withdraw", args=[item.pk]), {"reason": "x"}).status_code == 403
    client = login(chair)
    client.post(reverse("congress:disclosure_withdraw", args=[item.pk]), {"reason": "数据有误，更正后重新公开"})
    item.refresh_from_db()
    assert item.withdrawn_at is not None
    assert "2025年度工会经费收支情况" not in client.get(reverse("congress:disclosure_board")).content.decode()
    assert "2025年度工会经费收支情况" in client.get(reverse("congress:disclosure_archive")).content.decode()
    stats = report_stats(organization=school, start=dt.date(today.year, 1, 1), end=dt.date(today.year, 12, 31))
    assert stats["disclosure"] == {"items": 1, "by_category": [{"code": "finance", "label": "财务", "count": 1}]}


def test_disclosure_refuses_a_renamed_file_and_keeps_the_form(login, chair):
    today = dt.date.today().isoformat()
    response = login(chair).post(reverse("congress:disclosure_create"), {
        "category": "titles", "title": "职称评审结果", "body": "名单", "period_start": today, "period_end": today,
        "file": SimpleUploadedFile("名单.pdf", b"MZ\x90\x00fake", content_type="application/pdf"),
    })
    assert response.status_code == 200 and "附件内容与扩展名不符" in response.content.decode()
    assert "职称评审结果" in response.content.decode() and not DisclosureItem.objects.exists()


def test_disclosure_pages_of_another_school_are_404(login, outsider, chair, school):
    item = services.disclosure_publish(acting_user=chair, school=school, category="honours", title="评优结果",
                                       body="名单", period_start=dt.date.today(), period_end=dt.date.today())
    assert login(outsider).get(reverse("congress:disclosure_detail", args=[item.pk])).status_code == 404


def test_a_representative_cannot_publish(login, representative):
    assert login(representative).get(reverse("congress:disclosure_create")).status_code == 403
