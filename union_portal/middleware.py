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


class PasswordChangeRequiredMiddleware:
    """Send a user who logged in with a one-time password to the password change page until they change it.

    The flag is the session key ``members.services.PASSWORD_CHANGE_SESSION_KEY``, set at login
    when the user has a ``PasswordChangeRequirement`` (``members.signals``), so other requests cost
    no query. The password change and reset pages, logout, the language switch and the health
    check stay reachable; anything else answers a redirect (302) to ``password_change``.
    Place after ``AuthenticationMiddleware`` and ``MessageMiddleware``.
    """

    ALLOWED_NAMES = ("password_change", "password_change_done", "logout", "login", "healthz", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed: tuple[str, ...] | None = None

    def allowed_paths(self) -> tuple[str, ...]:
        if self._allowed is None:
            from django.urls import reverse

            self._allowed = tuple(reverse(name) for name in self.ALLOWED_NAMES)
        return self._allowed

    def __call__(self, request):
        from members.services import PASSWORD_CHANGE_SESSION_KEY

        session = getattr(request, "session", None)
        if session is not None and session.get(PASSWORD_CHANGE_SESSION_KEY) and request.user.is_authenticated:
            path = request.path_info
            static = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
            if not (path in self.allowed_paths() or path.startswith(static)):
                from django.shortcuts import redirect

                return redirect("password_change")
        return self.get_response(request)


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


USER_LANGUAGE_SESSION_KEY = "_user_language"


def _valid_language(code) -> str | None:
    return code if code in dict(settings.LANGUAGES) else None


class SiteLanguageMiddleware:
    """Choose the page language: the user's remembered choice, else this browser's choice, else the site's.

    Replaces Django's ``LocaleMiddleware``, which follows the browser's ``Accept-Language`` (a Chinese
    teacher with an English browser got English). The order:

    1. a signed-in user's remembered choice (``members.UserPreference.language``), which
       ``members.signals`` copies into the session at login, so no query is made per page;
    2. the language cookie that Django's ``set_language`` view sets (the switch on the login page
       and in the user menu);
    3. ``settings.LANGUAGE_CODE`` (zh-hans), whatever the browser asks for.

    When a signed-in user posts to ``set_language``, the choice is stored for them
    (``members.services.user_language_set``) and in the session. The thread's language is put back
    after the response. Place after ``SessionMiddleware``.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._set_language_path: str | None = None

    def set_language_path(self) -> str:
        if self._set_language_path is None:
            from django.urls import reverse

            self._set_language_path = reverse("set_language")
        return self._set_language_path

    def __call__(self, request):
        from django.utils import translation

        session = getattr(request, "session", None)
        language = (
            _valid_language(session.get(USER_LANGUAGE_SESSION_KEY) if session is not None else None)
            or _valid_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
            or settings.LANGUAGE_CODE
        )
        previous = translation.get_language()
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
            if request.method == "POST" and request.path_info == self.set_language_path() and (
                response.status_code in (302, 204)
            ):
                self._remember(request)
            response.headers.setdefault("Content-Language", language)
        finally:
            # Leave the thread as it was: one user's language must not carry over to the next work done in it.
            if previous:
                translation.activate(previous)
            else:
                translation.deactivate()
        return response

    def _remember(self, request) -> None:
        chosen = _valid_language(request.POST.get("language"))
        user = getattr(request, "user", None)
        if chosen is None or user is None or not user.is_authenticated:
            return
        from members.services import user_language_set

        user_language_set(user=user, language=chosen)
        request.session[USER_LANGUAGE_SESSION_KEY] = chosen
