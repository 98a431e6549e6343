"""The page language: the site's by default (not the browser's), a switch on the login page, remembered per user."""

import pytest
from django.conf import settings
from django.urls import reverse

from members.models import UserPreference
from members.tests.factories import UserFactory
from union_portal.tests.test_i18n import compiled_catalog  # noqa: F401 (compiles the .mo if needed)

pytestmark = pytest.mark.django_db

PASSWORD = "Test-pass-2026"


def test_an_english_browser_gets_the_site_language(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "学校工会工作平台" in html and "Log in" not in html


def test_login_page_has_a_language_switch_that_posts_to_set_language(client):
    html = client.get(reverse("login")).content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="language" value="en"' in html and 'name="language" value="zh-hans"' in html
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    html = client.get(reverse("login")).content.decode()
    assert "Log in" in html and "密码" not in html


def test_the_choice_is_remembered_for_the_user_and_applied_at_login(client, chair):
    client.force_login(chair)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert UserPreference.objects.get(user=chair).language == "en"
    client.logout()
    client.cookies.clear()  # another browser: no language cookie
    assert "Log in" not in client.get(reverse("login")).content.decode()  # the site's language before login
    chair.set_password(PASSWORD)
    chair.save()
    client.post(reverse("login"), {"username": chair.username, "password": PASSWORD})
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "Dashboard" in html and "工作台" not in html


def test_a_choice_made_on_the_login_page_becomes_the_users_choice(client):
    user = UserFactory(username="newcomer")
    user.set_password(PASSWORD)
    user.save()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    client.post(reverse("login"), {"username": "newcomer", "password": PASSWORD})
    assert UserPreference.objects.get(user=user).language == "en"


def test_a_stored_choice_wins_over_the_cookie_of_a_shared_browser(client, chair):
    UserPreference.objects.create(user=chair, language="zh-hans")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(chair)
    html = client.get(reverse("home")).content.decode()
    assert "工作台" in html


def test_an_unknown_language_is_ignored(client, chair):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    client.force_login(chair)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert not UserPreference.objects.filter(user=chair, language="xx").exists()
    assert "工作台" in client.get(reverse("home")).content.decode()
