"""Login lockout policy (union_portal.lockout): guessing is throttled, colleagues cannot lock each other out.

Real requests through the login view. Time passes by moving the recorded failures into the past.
"""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse

from conftest import PASSWORD
from union_portal.lib.audit import client_ip
from union_portal.lockout import pause_after

pytestmark = pytest.mark.django_db


def _post(client, username, password, ip, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def _fail(client, username="chair", ip="10.0.0.1", times=1, **extra):
    for _ in range(times):
        response = _post(client, username, "wrong-password", ip, **extra)
    return response


def _logs_in(client, ip, username="chair", **extra) -> bool:
    response = _post(client, username, PASSWORD, ip, **extra)
    client.logout()
    if response.status_code == 302:
        return True
    assert response.status_code == 429, response.status_code
    return False


def _wait(seconds: int) -> None:
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(seconds=seconds))


def test_a_colleagues_wrong_passwords_elsewhere_never_stop_the_real_user(client, chair, settings):
    _fail(client, ip="10.0.0.1", times=3 * settings.AXES_FAILURE_LIMIT)  # someone on the school's shared address
    assert _logs_in(client, ip="10.0.0.2")  # the chair, from home or another network


def test_on_the_same_shared_address_the_real_user_waits_seconds_not_minutes(client, chair, settings):
    locked = _fail(client, ip="10.0.0.1", times=settings.AXES_FAILURE_LIMIT)
    assert locked.status_code == 429 and "30 秒后再试" in locked.content.decode()
    assert not _logs_in(client, ip="10.0.0.1")
    _wait(settings.LOGIN_LOCK_FIRST_SECONDS + 1)
    assert _logs_in(client, ip="10.0.0.1")
    assert not AccessAttempt.objects.exists()  # a successful login clears that account's failures


def test_each_further_failure_doubles_the_pause_and_refused_attempts_do_not_count(client, chair, settings):
    _fail(client, times=settings.AXES_FAILURE_LIMIT)
    _fail(client, times=10)  # refused during the pause: not counted, the pause does not grow
    assert AccessAttempt.objects.get().failures_since_start == settings.AXES_FAILURE_LIMIT
    _wait(31)
    locked = _fail(client)  # the 6th failure: 60 s
    assert "约 1 分钟后再试" in locked.content.decode()
    _wait(31)
    assert not _logs_in(client, ip="10.0.0.1")
    _wait(30)
    assert _logs_in(client, ip="10.0.0.1")


def test_the_pause_grows_to_at_most_fifteen_minutes(settings):
    assert [pause_after(n, 5).total_seconds() for n in range(4, 11)] == [0, 30, 60, 120, 240, 480, 900]
    assert pause_after(10_000, 5) == dt.timedelta(minutes=15)


def test_a_guesser_gets_about_four_tries_an_hour_after_the_first_five(client, chair, settings):
    elapsed = 0
    while elapsed < 3600:  # a script trying once a second, an hour long
        _fail(client)
        counted = AccessAttempt.objects.get().failures_since_start
        pause = pause_after(counted, settings.AXES_FAILURE_LIMIT).total_seconds()
        step = int(pause) + 1 if pause else 1
        _wait(step)
        elapsed += step
    assert AccessAttempt.objects.get().failures_since_start <= 5 + 10  # 30+60+120+240+480 s, then 900 s each


def test_trying_one_password_against_many_accounts_pauses_that_address(client, chair, settings):
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        _fail(client, username=f"teacher{i}", ip="10.0.0.9")
    assert not _logs_in(client, ip="10.0.0.9")
    assert _logs_in(client, ip="10.0.0.10")
    _wait(settings.LOGIN_LOCK_FIRST_SECONDS + 1)
    assert _logs_in(client, ip="10.0.0.9")


def test_old_failures_are_forgotten(client, chair, settings):
    _fail(client, times=settings.AXES_FAILURE_LIMIT - 1)
    _wait(settings.LOGIN_FAILURE_MEMORY_SECONDS + 1)
    _fail(client)  # would be the 5th; the old four are gone
    assert AccessAttempt.objects.get().failures_since_start == 1
    assert _logs_in(client, ip="10.0.0.1")


def test_inventing_forwarded_addresses_without_a_trusted_proxy_earns_no_tries(client, chair, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for i in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, ip="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.1"}
    assert not _logs_in(client, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.200")


def test_behind_a_trusted_proxy_only_the_address_it_adds_counts(client, chair, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(settings.AXES_FAILURE_LIMIT):  # the client invents a left part; the proxy appends the truth
        _fail(client, ip="127.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.7")
    assert not _logs_in(client, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.7")
    assert _logs_in(client, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8")


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, "198.51.100.1", "10.0.0.1"),                      # no trusted proxy: the header is ignored
    (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),      # one proxy: the right-most entry
    (2, "198.51.100.1, 203.0.113.7, 10.1.1.1", "203.0.113.7"),  # two proxies: second from the right
    (2, "203.0.113.7", "10.0.0.1"),                       # fewer entries than proxies: the direct peer
    (1, "not-an-address", None),
])
def test_client_ip_takes_the_nth_address_from_the_right(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
