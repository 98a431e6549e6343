"""Login lockout, idle sessions, password rules and production settings."""

import datetime as dt
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]


def _fail(client, username="chair", ip="10.0.0.1", **extra):
    return client.post(reverse("login"), {"username": username, "password": "wrong-password"}, REMOTE_ADDR=ip, **extra)


def test_lockout_after_repeated_failures(client, chair, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client)
    response = client.post(reverse("login"), {"username": "chair", "password": "Test-pass-2026"}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code in (403, 429)
    assert "账号已暂时锁定" in response.content.decode()


def test_lockout_uses_the_client_address_behind_a_reverse_proxy(client, chair, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    # Another client behind the same proxy is not locked out.
    ok = client.post(reverse("login"), {"username": "chair", "password": "Test-pass-2026"}, REMOTE_ADDR="127.0.0.1",
                     HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert ok.status_code == 302
    client.logout()
    locked = client.post(reverse("login"), {"username": "chair", "password": "Test-pass-2026"}, REMOTE_ADDR="127.0.0.1",
                         HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert locked.status_code in (403, 429)


def test_idle_session_expires(login, chair, settings):
    client = login(chair)
    assert client.get(reverse("home")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_activity_renews_the_idle_timeout(login, chair, settings):
    client = login(chair)
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(seconds=60))
    client.get(reverse("home"))
    assert Session.objects.get().expire_date > timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_the_idle_timeout_is_renewed_once_per_interval_not_on_every_page(login, chair, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from union_portal.middleware import RENEWED_AT

    client = login(chair)
    client.get(reverse("home"))  # renews (first request of the login)

    def session_writes():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("home")).status_code == 200
        return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith(("UPDATE", "INSERT")) and
                "django_session" in q["sql"]]

    assert session_writes() == []  # within the interval: no session write at all
    session = client.session
    session[RENEWED_AT] = int(time.time()) - settings.SESSION_RENEW_SECONDS - 1
    session.save()
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(seconds=60))
    assert len(session_writes()) == 1  # the interval has passed: renewed
    assert Session.objects.get().expire_date > timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


@pytest.mark.parametrize("password", ["12345678901", "password123", "short"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_deploy_check_is_clean_with_the_documented_environment():
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DEBUG="off", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="union.example.edu.cn",
               DATABASE_URL="sqlite:////tmp/deploy-check.sqlite3")
    proc = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout


def test_production_headers(client, settings, db):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_SSL_REDIRECT = False
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
