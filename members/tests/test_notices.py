"""通知公告: who receives a notice, the publish window, receipts, withdrawal, attachments; the inbox."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from members import selectors, services
from members.models import Notice, NoticeRead, Reminder, Role

pytestmark = pytest.mark.django_db


def _publish(user, school, **kw):
    kw.setdefault("audience", Notice.Audience.SCHOOL)
    return services.notice_publish(acting_user=user, school=school, title=kw.pop("title", "关于开展春季健步走活动的通知"),
                                   body="请各分工会组织报名。", **kw)


def test_a_sub_union_notice_reaches_only_its_members(chair, school, sub_a, sub_b, member, committee):
    notice = _publish(chair, school, audience=Notice.Audience.SUB_UNION, sub_union=sub_a)
    assert list(selectors.notices_for(member)) == [notice]  # member is in sub_a
    assert list(selectors.notices_for(committee)) == []  # committee's own member record is in sub_b
    assert {u.username for u in selectors.notice_audience_users(notice)} == {"chair", "member"}


def test_role_notice_and_publish_window(chair, school, member, handler):
    later = _publish(chair, school, title="下周发布", publish_at=timezone.now() + dt.timedelta(days=7))
    expired = _publish(chair, school, title="已过期", publish_at=timezone.now() - dt.timedelta(days=9),
                       expires_on=dt.date.today() - dt.timedelta(days=1))
    roles = _publish(chair, school, title="致承办部门", audience=Notice.Audience.ROLES, roles=[Role.HANDLER])
    assert list(selectors.notices_for(handler)) == [roles]
    assert list(selectors.notices_for(member)) == []
    assert later not in selectors.notices_for(member) and expired not in selectors.notices_for(member)


def test_only_managers_publish_and_a_sub_union_chair_only_to_their_own(sub_union_chair, member, school, sub_a, sub_b):
    with pytest.raises(PermissionDenied):
        _publish(member, school, audience=Notice.Audience.SUB_UNION, sub_union=sub_a)
    with pytest.raises(PermissionDenied):
        _publish(sub_union_chair, school)
    with pytest.raises(PermissionDenied):
        _publish(sub_union_chair, school, audience=Notice.Audience.SUB_UNION, sub_union=sub_b)
    assert _publish(sub_union_chair, school, audience=Notice.Audience.SUB_UNION, sub_union=sub_a).pk


def test_attachments_get_the_proposal_checks(chair, school):
    bad = SimpleUploadedFile("通知.pdf", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(ValidationError, match="附件内容与扩展名不符"):
        _publish(chair, school, uploads=[bad])
    exe = SimpleUploadedFile("setup.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError):
        _publish(chair, school, uploads=[exe])
    assert not Notice.objects.exists()
    ok = SimpleUploadedFile("报名表.pdf", b"%PDF-1.4", content_type="application/pdf")
    assert _publish(chair, school, uploads=[ok]).attachments.get().original_name == "报名表.pdf"


def test_reading_confirming_receipts_and_withdrawing(login, chair, member, school, outsider):
    notice = _publish(chair, school)
    client = login(member)
    assert "关于开展春季健步走活动的通知" in client.get(reverse("home")).content.decode()
    assert client.get(reverse("members:notice_detail", args=[notice.pk])).status_code == 200
    assert not NoticeRead.objects.exists()  # opening it writes nothing; confirming does
    client.post(reverse("members:notice_read", args=[notice.pk]))
    client.post(reverse("members:notice_read", args=[notice.pk]))
    assert NoticeRead.objects.filter(notice=notice, user=member).count() == 1
    assert "关于开展春季健步走活动的通知" not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("members:notice_receipts", args=[notice.pk])).status_code == 403
    assert client.post(reverse("members:notice_withdraw", args=[notice.pk])).status_code == 403
    assert login(outsider).get(reverse("members:notice_detail", args=[notice.pk])).status_code == 404
    receipts = login(chair).get(reverse("members:notice_receipts", args=[notice.pk])).content.decode()
    assert "member本人" in receipts
    login(chair).post(reverse("members:notice_withdraw", args=[notice.pk]))
    assert list(selectors.notices_for(member)) == []


def test_the_publish_form_keeps_input_and_shows_errors(login, chair):
    response = login(chair).post(reverse("members:notice_create"), {"title": "缺正文", "audience": "sub_union"})
    text = response.content.decode()
    assert response.status_code == 200 and "缺正文" in text and "请选择分工会" in text


def test_publish_through_the_form(login, chair, sub_b):
    response = login(chair).post(reverse("members:notice_create"), {
        "title": "数学组会议", "body": "周三开会", "audience": "sub_union", "sub_union": sub_b.pk,
    })
    assert response.status_code == 302 and Notice.objects.get().sub_union == sub_b


def test_reminders_once_per_step_and_the_bell(login, member):
    for _ in range(2):
        services.reminder_send(kind=Reminder.Kind.DIGEST, object_type="x", object_id="1", step="s",
                               recipients=[member], title="本周提醒")
    assert Reminder.objects.count() == 1
    client = login(member)
    assert client.get(reverse("members:inbox_count")).json() == {"unread": 1, "label": "提醒（1 条未读）"}
    assert "本周提醒" in client.get(reverse("members:inbox")).content.decode()
    client.post(reverse("members:inbox_read"))
    assert client.get(reverse("members:inbox_count")).json()["unread"] == 0


def test_a_member_cannot_open_the_publish_form(login, member):
    assert login(member).get(reverse("members:notice_create")).status_code == 403


def test_sub_union_chair_sees_only_their_sub_union_in_the_form(login, sub_union_chair, sub_a, sub_b):
    text = login(sub_union_chair).get(reverse("members:notice_create")).content.decode()
    assert sub_a.name in text and sub_b.name not in text and "全校教职工" not in text
