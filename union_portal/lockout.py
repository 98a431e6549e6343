"""Login lockout policy: how often a password may be guessed, without letting anyone lock a colleague out.

The portal is used from school offices where every teacher leaves through one shared address (the
school's NAT), so "the address" is not a person. The policy (django-axes, with this module's handler):

- **Per account and address.** After ``AXES_FAILURE_LIMIT`` (5) wrong passwords for one user name from one
  client address, that user name is refused *from that address* for a short, growing pause:
  ``LOGIN_LOCK_FIRST_SECONDS`` (30 s) after the 5th failure, doubling with every further failure
  (1 min, 2 min, 4 min, 8 min) up to ``LOGIN_LOCK_MAX_SECONDS`` (15 min). Attempts refused during a pause
  are not counted, so the pause ends on time. A guesser gets 5 tries, then one try per pause: about
  4 an hour, ~100 a day — hopeless against the password rules (10 characters, no common passwords).
- **Per address, all accounts.** ``LOGIN_ADDRESS_FAILURE_LIMIT`` (6 × the account limit: 30) failures from one address, whatever
  the user names, pause that address the same way. This stops trying one password against every member
  (spraying). Legitimate typos rarely add up: a successful login erases that account's failures from
  its address (``AXES_RESET_ON_SUCCESS``).
- **Never per account alone.** Wrong passwords for a colleague's user name typed *elsewhere* never stop
  the real person; typed from the *same* shared address, they stop them for 30 seconds, not 15 minutes.
  Keeping someone out means typing a wrong password again at every pause, each leaving an
  ``axes.AccessAttempt`` row with the user name and address for the union's administrator.
- Failures are forgotten ``LOGIN_FAILURE_MEMORY_SECONDS`` (1 h) after the last one.

The client address comes from ``union_portal.lib.audit.client_ip``: ``X-Forwarded-For`` counts only with
``TRUSTED_PROXY_COUNT`` > 0, so a client cannot earn fresh tries by inventing addresses.
"""

from __future__ import annotations

import datetime as dt

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


def pause_after(failures: int, limit: int) -> dt.timedelta:
    """The pause imposed after ``failures`` recent failures against a threshold of ``limit``.

    Zero below the limit; ``LOGIN_LOCK_FIRST_SECONDS`` at the limit, doubling per further failure, at most
    ``LOGIN_LOCK_MAX_SECONDS``.
    """
    if failures < limit:
        return dt.timedelta(0)
    first, most = settings.LOGIN_LOCK_FIRST_SECONDS, settings.LOGIN_LOCK_MAX_SECONDS
    doublings = min(failures - limit, 16)  # 2**16 × 30 s is far past any sensible maximum
    return dt.timedelta(seconds=min(first * 2**doublings, most))


def _now(request) -> dt.datetime:
    return getattr(request, "axes_attempt_time", None) or timezone.now()


def _recent(request) -> dt.datetime:
    return _now(request) - dt.timedelta(seconds=settings.LOGIN_FAILURE_MEMORY_SECONDS)


def _tier_wait(attempts, limit: int, now: dt.datetime) -> dt.timedelta:
    """Time left of the pause for one tier (a queryset of AccessAttempt rows), zero if none."""
    row = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if not row["failures"]:
        return dt.timedelta(0)
    return max(row["last"] + pause_after(row["failures"], limit) - now, dt.timedelta(0))


def remaining_pause(request, credentials: dict | None = None) -> dt.timedelta:
    """How long this login request (user name, client address) must still wait; zero if it may try.

    The larger of the account-and-address pause and the address pause (see the module docstring).
    Reads ``axes.AccessAttempt``; needs ``request.axes_ip_address`` (set by django-axes).
    """
    if request is None:
        return dt.timedelta(0)
    now = _now(request)
    address = getattr(request, "axes_ip_address", None)
    recent = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=_recent(request))
    username = get_client_username(request, credentials)
    return max(
        _tier_wait(recent.filter(username=username), settings.AXES_FAILURE_LIMIT, now),
        _tier_wait(recent, settings.LOGIN_ADDRESS_FAILURE_LIMIT, now),
    )


def cool_off(request=None) -> dt.timedelta:
    """``AXES_COOLOFF_TIME``: the pause this request still faces (shown on the lockout page).

    At least one second, so django-axes always treats the lockout as temporary (never "contact an admin").
    """
    return max(remaining_pause(request), dt.timedelta(seconds=1))


class LoginThrottleHandler(AxesDatabaseHandler):
    """django-axes' database handler with the portal's two-tier, progressive lockout (module docstring).

    ``get_failures`` answers ``AXES_FAILURE_LIMIT`` while a pause runs and 0 otherwise, so django-axes'
    "failures ≥ limit" test means "a pause is running". Old rows are deleted after
    ``LOGIN_FAILURE_MEMORY_SECONDS``, not after the (short, per-request) cool-off.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """``AXES_FAILURE_LIMIT`` if this request must wait, else 0."""
        return settings.AXES_FAILURE_LIMIT if remaining_pause(request, credentials) else 0

    def clean_expired_user_attempts(self, request=None, credentials: dict | None = None) -> int:
        """Delete failure rows whose last failure is older than ``LOGIN_FAILURE_MEMORY_SECONDS``."""
        count, _ = AccessAttempt.objects.filter(attempt_time__lt=_recent(request)).delete()
        return count
