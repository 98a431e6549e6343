"""Project-wide middleware."""

from __future__ import annotations

import time

from django.conf import settings

RENEWED_AT = "_idle_renewed_at"


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
