"""Project-wide middleware."""

from __future__ import annotations

import re
import time

from django.conf import settings
from django.core.exceptions import BadRequest
from django.middleware.gzip import GZipMiddleware

RENEWED_AT = "_idle_renewed_at"
COMPRESSIBLE_TYPES = frozenset({"application/json", "application/javascript", "image/svg+xml", "application/xml"})


class IdleSessionRenewalMiddleware:
    """Renew the idle timeout of a signed-in session at most once every ``SESSION_RENEW_SECONDS``.

    The session's age (``SESSION_COOKIE_AGE`` = ``SESSION_IDLE_SECONDS``) is an idle timeout. Saving the
    session on every request (``SESSION_SAVE_EVERY_REQUEST``) cost one UPDATE per page; renewing it when
    the last renewal is older than ``SESSION_RENEW_SECONDS`` (default 300 s; at most a quarter of the
    timeout) keeps the timeout within that margin (a session idle for ``SESSION_IDLE_SECONDS`` minus at
    most 300 s still ends) with one write per renewal interval. Sessions without a login are left alone. Place after
    ``SessionMiddleware``; the session middleware saves the renewed session with a new expiry.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id"):
            now = int(time.time())
            every = min(settings.SESSION_RENEW_SECONDS, settings.SESSION_COOKIE_AGE // 4)  # never near the timeout
            if now - int(session.get(RENEWED_AT, 0) or 0) >= every:
                session[RENEWED_AT] = now  # marks the session modified: saved with a fresh expiry
        return self.get_response(request)


# NUL and the other C0 controls (tab, LF and CR excepted): PostgreSQL refuses NUL in a string, and no
# search box or filter of the portal has a use for the others.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_QUERY_VALUE = 1000


class QueryParameterGuardMiddleware:
    """Answer 400 (a Chinese page) to a query string with a control character or an overlong value.

    Every list page filters by query parameters; instead of each one guarding against a NUL (which
    PostgreSQL refuses with an error, i.e. a 500) or a 100 KB "search", this checks every key and value
    once, before any view runs. Raises ``BadRequest`` (→ ``templates/400.html``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            for text in (key, *values):
                if _CONTROL.search(text) or len(text) > MAX_QUERY_VALUE:
                    raise BadRequest("query parameter with a control character or over 1000 characters")
        return self.get_response(request)


class TextGZipMiddleware(GZipMiddleware):
    """Gzip pages and other text (HTML, JSON, CSV, CSS, JavaScript, SVG) when the browser accepts it.

    A list page of 50 rows is 60–150 KB of HTML and shrinks about tenfold. Downloads that are already
    compressed (xlsx and docx are zip files, PDFs and images are compressed) are passed through, so big
    exports cost no CPU for nothing. Static files never reach this: WhiteNoise, placed above, answers them
    with its own pre-compressed copies.

    BREACH (guessing a secret in a compressed page from its size, by reflecting chosen text next to it):
    Django masks the CSRF token differently in every response, Django's ``GZipMiddleware`` (≥ 4.2) pads
    every gzip stream with 0–100 random bytes ("Heal the Breach"), and the session cookie is
    ``SameSite=Lax``, so another site cannot make the browser fetch signed-in pages in the background.
    Place directly below ``WhiteNoiseMiddleware`` and above every middleware that reads or changes the body.
    """

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if not (content_type.startswith("text/") or content_type in COMPRESSIBLE_TYPES):
            return response
        return super().process_response(request, response)


MUST_CHANGE_PASSWORD = "must_change_password"  # noqa: S105 (a session key)


class PasswordChangeRequiredMiddleware:
    """Send a user who logged in with a one-time password to Django's password change page until changed.

    ``members.signals`` sets the session flag ``must_change_password`` at login when the user has an
    outstanding ``members.OneTimePassword`` (issued at set-up). Only flagged sessions cost a query: each
    request checks whether the password is still the issued one; once changed (on the password change
    page, or by anyone in the admin) the flag and the record go. The password change pages, logout, the
    language switch and static files stay reachable. Place after ``AuthenticationMiddleware`` and
    ``MessageMiddleware``.
    """

    ALLOWED = ("password_change", "password_change_done", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(MUST_CHANGE_PASSWORD) and request.user.is_authenticated:
            redirect_to = self._redirect(request)
            if redirect_to is not None:
                return redirect_to
        return self.get_response(request)

    def _redirect(self, request):
        from django.contrib import messages
        from django.shortcuts import redirect
        from django.urls import resolve, reverse
        from django.urls.exceptions import Resolver404

        from members.models import OneTimePassword

        otp = OneTimePassword.objects.filter(user=request.user).first()
        if otp is None or otp.password_hash != request.user.password:
            if otp is not None:
                otp.delete()
            request.session.pop(MUST_CHANGE_PASSWORD, None)
            return None
        try:
            name = resolve(request.path_info).url_name
        except Resolver404:
            name = None
        if name in self.ALLOWED or request.path_info.startswith(settings.STATIC_URL):
            return None
        messages.warning(request, "您正在使用管理员发放的一次性密码，请先修改密码。")
        return redirect(reverse("password_change"))


class FirstRunMiddleware:
    """On an install with no school union, send a superuser opening the home page to the set-up (``setup:start``).

    Costs one query on the home page, for superusers only.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.path_info == "/" and user is not None and user.is_superuser:
            from django.shortcuts import redirect

            from members.models import Organization

            if not Organization.objects.filter(kind=Organization.Kind.SCHOOL).exists():
                return redirect("setup:start")
        return self.get_response(request)
