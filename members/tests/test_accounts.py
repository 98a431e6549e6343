"""Password change and reset (Django's views, Chinese templates), the chair's one-time password and the
"must change password" requirement enforced by ``PasswordChangeRequiredMiddleware``."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from members.models import AuditEntry, PasswordChangeRequirement
from members.services import requires_password_change, user_one_time_password_issue

NEW = "Gonghui-mima-2026"


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_password_change_page_is_chinese_and_changes_the_password(login, member):
    client = login(member)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert "修改密码" in page.content.decode()
    answer = client.post(
        reverse("password_change"),
        {"old_password": "Test-pass-2026", "new_password1": NEW, "new_password2": NEW},
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("password_change_done")
    member.refresh_from_db()
    assert member.check_password(NEW)
    assert AuditEntry.objects.filter(user=member, summary__contains="修改了登录密码").exists()
    assert client.get(reverse("home")).status_code == 200  # still signed in (session hash updated)


def test_password_change_keeps_input_and_shows_chinese_errors(login, member):
    client = login(member)
    answer = client.post(
        reverse("password_change"), {"old_password": "wrong", "new_password1": "123", "new_password2": "124"}
    )
    body = answer.content.decode()
    assert answer.status_code == 200
    assert "旧密码不正确" in body or "您的旧密码不正确" in body
    member.refresh_from_db()
    assert member.check_password("Test-pass-2026")


def test_password_change_needs_login(client):
    answer = client.get(reverse("password_change"))
    assert answer.status_code == 302 and reverse("login") in answer["Location"]


def test_password_reset_by_email_round_trip(client, member):
    member.email = "member@example.cn"
    member.save(update_fields=["email"])
    answer = client.post(reverse("password_reset"), {"email": "member@example.cn"})
    assert answer.status_code == 302 and answer["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "重设密码" in message.subject
    assert member.username in message.body
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    step = client.get(link)  # Django swaps the token for a session and redirects to .../set-password/
    assert step.status_code == 302
    form_url = step["Location"]
    assert "设置新密码" in client.get(form_url).content.decode()
    done = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    member.refresh_from_db()
    assert member.check_password(NEW)
    assert AuditEntry.objects.filter(user=member, summary__contains="重置了登录密码").exists()


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, member):
    answer = client.post(reverse("password_reset"), {"email": "nobody@example.cn"})
    assert answer.status_code == 302 and answer["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
    assert "请查收邮件" in client.get(reverse("password_reset_done")).content.decode()


def test_invalid_reset_link_says_so(client, db):
    answer = client.get(reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "bad-token"}))
    assert answer.status_code == 200
    assert "重设链接无效" in answer.content.decode()


def test_login_page_links_to_password_reset(client):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()


# --- one-time passwords -------------------------------------------------------------------------

def test_chair_issues_a_one_time_password_shown_once_and_audited(login, chair, member):
    target = member.member
    client = login(chair)
    assert "发放一次性密码" in client.get(reverse("members:detail", args=[target.pk])).content.decode()
    answer = client.post(reverse("members:one_time_password", args=[target.pk]))
    assert answer.status_code == 200
    password = re.search(r'id="one-time-password">([^<]+)<', answer.content.decode()).group(1)
    assert len(password) == 12
    assert "no-store" in answer["Cache-Control"]
    member.refresh_from_db()
    assert member.check_password(password)
    assert requires_password_change(member)
    entry = AuditEntry.objects.get(summary__contains="发放一次性密码")
    assert entry.user == chair and password not in entry.summary


def test_only_the_chair_may_issue(login, sub_union_chair, member, committee):
    target = member.member
    for user in (sub_union_chair, committee, member):
        answer = login(user).post(reverse("members:one_time_password", args=[target.pk]))
        assert answer.status_code in (403, 404)
    assert not PasswordChangeRequirement.objects.exists()


def test_outsider_gets_404(login, outsider, member):
    assert login(outsider).post(reverse("members:one_time_password", args=[member.member.pk])).status_code == 404


def test_get_is_refused(login, chair, member):
    assert login(chair).get(reverse("members:one_time_password", args=[member.member.pk])).status_code == 405


def test_a_member_without_login_gets_a_clear_message(login, chair, sub_a):
    from members.tests.factories import MemberFactory

    nobody = MemberFactory(organization=sub_a)
    answer = login(chair).post(reverse("members:one_time_password", args=[nobody.pk]))
    assert answer.status_code == 200
    assert "还没有登录账号" in answer.content.decode()


def _login_through_the_form(client, user, password):
    answer = client.post(reverse("login"), {"username": user.username, "password": password})
    assert answer.status_code == 302, "login refused"


def test_one_time_password_login_must_change_before_anything_else(client, chair, member):
    password = user_one_time_password_issue(user=member, acting_user=chair, request=None)
    _login_through_the_form(client, member, password)
    for url in (reverse("home"), reverse("members:list"), reverse("welfare:index")):
        answer = client.get(url)
        assert answer.status_code == 302 and answer["Location"] == reverse("password_change"), url
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "一次性密码" in page.content.decode()
    client.post(
        reverse("password_change"), {"old_password": password, "new_password1": NEW, "new_password2": NEW}
    )
    assert not requires_password_change(member)
    assert client.get(reverse("home")).status_code == 200


def test_requirement_survives_a_new_login_until_changed(client, chair, member):
    password = user_one_time_password_issue(user=member, acting_user=chair, request=None)
    _login_through_the_form(client, member, password)
    client.post(reverse("logout"))
    _login_through_the_form(client, member, password)
    assert client.get(reverse("home"))["Location"] == reverse("password_change")


def test_e_mail_reset_also_ends_the_requirement(client, chair, member):
    user_one_time_password_issue(user=member, acting_user=chair, request=None)
    member.email = "m@example.cn"
    member.save(update_fields=["email"])
    client.post(reverse("password_reset"), {"email": "m@example.cn"})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert not requires_password_change(member)
