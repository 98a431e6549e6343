"""Settings for the school union portal, read from the environment.

Every value comes from an environment variable through django-environ. With no
environment at all the portal runs embedded: SQLite in the project folder,
Celery tasks run eagerly in-process, DEBUG on. Production sets ``DEBUG=off``,
and then ``SECRET_KEY`` and ``ALLOWED_HOSTS`` become required.

A malformed value stops the start with ``ImproperlyConfigured`` naming the
variable and what it accepts (cookiecutter-django, healthchecks ``envbool``).
Variables (all optional unless noted):

- ``DEBUG``: on/off (default on).
- ``SECRET_KEY``: required when DEBUG is off.
- ``ALLOWED_HOSTS``: comma-separated (default ``127.0.0.1,localhost`` in DEBUG).
- ``DATABASE_URL``: e.g. ``postgres://user@host:5432/union_portal``
  (default ``sqlite:///<project>/db.sqlite3``).
- ``REDIS_URL``: e.g. ``redis://127.0.0.1:6379/0``; unset means tasks run eagerly.
- ``TIME_ZONE`` (default ``Asia/Shanghai``), ``LANGUAGE_CODE`` (default ``zh-hans``).
- ``MEDIA_ROOT``, ``STATIC_ROOT``: folders for uploads and collected static files.
- ``EMAIL_URL``: e.g. ``smtp://user:pass@host:587`` (default: console backend).
- ``DEFAULT_FROM_EMAIL``.
- ``SESSION_IDLE_SECONDS``: session idle timeout (default 7200); ``SESSION_RENEW_SECONDS``: how often an
  active session's timeout is renewed (default 300).
- ``TRUSTED_PROXY_COUNT``: reverse proxies in front of the app (default 0). Only then is
  ``X-Forwarded-For`` read (the client is the N-th address from its right).
- ``AXES_FAILURE_LIMIT`` (default 5), ``LOGIN_ADDRESS_FAILURE_LIMIT`` (default 6 × that), ``LOGIN_LOCK_FIRST_SECONDS``
  (default 30), ``LOGIN_LOCK_MAX_SECONDS`` (default 900), ``LOGIN_FAILURE_MEMORY_SECONDS`` (default 3600):
  the login lockout (``union_portal.lockout``).
- ``SECURE_SSL_REDIRECT``, ``SECURE_HSTS_SECONDS``: production HTTPS settings.
"""

from __future__ import annotations

import zoneinfo
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean variable strictly.

    Accepts 1/0, true/false, yes/no, on/off (any case). Anything else raises
    ``ImproperlyConfigured`` instead of silently meaning False, which is what
    django-environ's own ``bool()`` does.
    """
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use on/off, true/false, 1/0 or yes/no.")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    """Read a non-negative integer variable, or raise ``ImproperlyConfigured``."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off (set a long random string).")
    SECRET_KEY = "django-insecure-embedded-development-key-not-for-production"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "axes",
    "csp",
    "simple_history",
    "union_portal.lib",
    "members",
    "welfare",
    "congress",
    "activities",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy on every response Django makes (see Security)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "union_portal.middleware.TextGZipMiddleware",  # below WhiteNoise (static files), above body readers
    "django.contrib.sessions.middleware.SessionMiddleware",
    "union_portal.middleware.IdleSessionRenewalMiddleware",
    "union_portal.middleware.SiteLanguageMiddleware",  # the user's choice, else the site's (not Accept-Language)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # history rows name the signed-in user
    "union_portal.middleware.QueryParameterGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "union_portal.middleware.PasswordChangeRequiredMiddleware",  # after auth and messages
    "union_portal.middleware.FirstRunMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# django-debug-toolbar for finding query costs in development (DEBUG_TOOLBAR=on, DEBUG only).
DEBUG_TOOLBAR = DEBUG and env_bool("DEBUG_TOOLBAR", False)
if DEBUG_TOOLBAR:
    INSTALLED_APPS.append("debug_toolbar")
    # Below the gzip middleware: the toolbar edits the page before it is compressed.
    MIDDLEWARE.insert(MIDDLEWARE.index("union_portal.middleware.TextGZipMiddleware") + 1,
                      "debug_toolbar.middleware.DebugToolbarMiddleware")
    INTERNAL_IPS = ["127.0.0.1"]

ROOT_URLCONF = "union_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "union_portal.lib.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "union_portal.wsgi.application"

# --- Database -----------------------------------------------------------------
_DEFAULT_DB = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    DATABASES = {"default": env.db("DATABASE_URL", default=_DEFAULT_DB)}
except (ImproperlyConfigured, KeyError, ValueError) as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database URL we understand ({exc}); "
        "use postgres://user:password@host:5432/name or sqlite:////absolute/path.db"
    ) from None
_engine = DATABASES["default"].get("ENGINE", "")
if not _engine.endswith(("postgresql", "sqlite3")):
    raise ImproperlyConfigured(f"DATABASE_URL selects {_engine!r}; the portal supports PostgreSQL and SQLite only.")
if _engine.endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} must start with redis://, rediss:// or unix://.")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "union_portal",
            # A Redis that stops answering must not hang pages that read the cache (report figures).
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Report rendering limits (seconds). The Redis visibility timeout must exceed the
# hard limit, or Redis would hand a still-running task to a second worker.
REPORT_TASK_SOFT_TIME_LIMIT = env_int("REPORT_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
REPORT_TASK_TIME_LIMIT = env_int("REPORT_TASK_TIME_LIMIT", 300, minimum=1)
# Small counts in reports: a health-related welfare occasion (or health-plan claim) counted for fewer
# persons than this is folded into "其他慰问" in every report table and chart, so that no row, bar or
# month lets colleagues tell who was ill (3 is a common threshold in statistical disclosure control).
REPORT_SMALL_COUNT_MIN = env_int("REPORT_SMALL_COUNT_MIN", 3, minimum=1)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 600_000)  # KiB
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": REPORT_TASK_TIME_LIMIT * 2}
# An export still "running" (or "pending") this long after it started cannot be alive any more (the
# hard limit has passed): a killed worker's main process left it. Asking for it again requeues it
# (reports.services.export_request) instead of waiting for the visibility timeout. Tied to the limit.
REPORT_EXPORT_STALE_SECONDS = REPORT_TASK_TIME_LIMIT + 30
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
# Periodic reminders (run ``celery -A union_portal beat`` beside the worker). Each reminder is sent once
# per event and step (``members.Reminder`` is unique on kind, object, step and recipient), so a second
# beat or a restarted worker repeats nothing.
CELERY_BEAT_SCHEDULE = {
    "proposal-deadlines": {"task": "congress.remind_proposal_deadlines", "schedule": crontab(hour=8, minute=0)},
    "cosign-invitations": {"task": "congress.remind_cosign_invitations", "schedule": crontab(hour=8, minute=5)},
    "pending-visits": {"task": "welfare.remind_pending_visits", "schedule": crontab(hour=8, minute=10)},
    "weekly-digest": {"task": "welfare.weekly_digest", "schedule": crontab(hour=7, minute=30, day_of_week="mon")},
}
REMINDER_DEADLINE_NEAR_DAYS = env_int("REMINDER_DEADLINE_NEAR_DAYS", 7)  # handler reminded this many days ahead
REMINDER_ESCALATE_DAYS = env_int("REMINDER_ESCALATE_DAYS", 7)  # days past the deadline before the committee is told
REMINDER_COSIGN_DAYS = env_int("REMINDER_COSIGN_DAYS", 3)  # days before the collection window closes
REMINDER_VISIT_DAYS = env_int("REMINDER_VISIT_DAYS", 3)  # days before a pending visit is due
REMINDER_RETIREMENT_DAYS = env_int("REMINDER_RETIREMENT_DAYS", 30)  # retirements in the weekly digest

# --- Auth ---------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600, minimum=600)  # reset links, seconds

# Login lockout (union_portal.lockout; README "Login lockout"): per user name and address, a pause of
# 30 s after the 5th failure doubling to at most 15 min; per address (all user names) the same after 6 × that;
# never per user name alone, so nobody can lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 6 * AXES_FAILURE_LIMIT, minimum=1)
LOGIN_LOCK_FIRST_SECONDS = env_int("LOGIN_LOCK_FIRST_SECONDS", 30, minimum=1)
LOGIN_LOCK_MAX_SECONDS = env_int("LOGIN_LOCK_MAX_SECONDS", 900, minimum=1)
LOGIN_FAILURE_MEMORY_SECONDS = max(env_int("LOGIN_FAILURE_MEMORY_SECONDS", 3600, minimum=60), 2 * LOGIN_LOCK_MAX_SECONDS)
AXES_HANDLER = "union_portal.lockout.LoginThrottleHandler"
AXES_COOLOFF_TIME = "union_portal.lockout.cool_off"  # the pause still to wait, for the lockout page
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # refused attempts do not prolong the pause
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # what a successful login clears
# Reverse proxies in front of the app: the client is the N-th address from the right of
# X-Forwarded-For. One function (union_portal.lib.audit.client_ip) serves both lockout and audit.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "union_portal.lib.audit.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 7200, minimum=60)
# The age is an idle timeout, renewed by union_portal.middleware.IdleSessionRenewalMiddleware at most
# once every SESSION_RENEW_SECONDS (not a session UPDATE on every page).
SESSION_RENEW_SECONDS = env_int("SESSION_RENEW_SECONDS", 300, minimum=1)

# --- I18n ---------------------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE={LANGUAGE_CODE!r}: choose one of {', '.join(dict(LANGUAGES))}.")
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE={TIME_ZONE!r} is not an IANA time zone such as Asia/Shanghai.") from None
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# The page language is the user's remembered choice, else this browser's (the cookie set by the
# language switch), else LANGUAGE_CODE; never the browser's Accept-Language
# (union_portal.middleware.SiteLanguageMiddleware). The cookie outlives the session: a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = not DEBUG

# --- Static and media ---------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Files served at the site root (/favicon.ico, asked for by browsers and crawlers whatever the page says).
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

# Uploads: spreadsheets and attachments. Larger bodies are refused with a message.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000, minimum=1)
IMPORT_MAX_UNZIPPED_BYTES = env_int("IMPORT_MAX_UNZIPPED_BYTES", 100 * 1024 * 1024, minimum=1024)
# Uploaded import files (every ID and bank number of a school) are deleted after this many days
# (union_portal.lib.imports.import_files_purge, run by manage.py purge_expired).
IMPORT_FILE_RETENTION_DAYS = env_int("IMPORT_FILE_RETENTION_DAYS", 30, minimum=1)

# --- E-mail -------------------------------------------------------------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="union-portal@localhost")

# --- Security -----------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): only this site's own files run or style a page. No 'unsafe-inline'
# and no 'unsafe-eval': templates carry no <script> body, on* handler, <style> block or style="" attribute
# (behaviour is in static/js/portal.js, driven by data-* attributes; layout in static/**/*.css), and
# union_portal/tests/test_csp.py checks every page of the permission matrix. data: images are Bootstrap's
# own icons (select arrows, close buttons) inside its stylesheet. Templates rendered only for WeasyPrint
# (congress/compilation.html) may keep a <style> block: no browser sees them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Forms, crispy ------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Portal rules (local rules: settings with documented defaults) -------------
# Roles allowed to see full resident ID numbers and bank accounts (PIPL: necessity).
SENSITIVE_ID_ROLES = env.list("SENSITIVE_ID_ROLES", default=["chair"])
# Statutory retirement ages used for "upcoming retirement" hints (years).
RETIREMENT_AGE_MALE = env_int("RETIREMENT_AGE_MALE", 60)
RETIREMENT_AGE_FEMALE = env_int("RETIREMENT_AGE_FEMALE", 55)
# Years after leaving or death before sensitive details are anonymised (manage.py purge_expired).
RETENTION_YEARS = env_int("RETENTION_YEARS", 5, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
