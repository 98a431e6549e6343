"""A cache of the apps' report statistics, invalidated by every committed write to their tables.

Report assembly (``reports.figures.collect``) calls each source app's ``selectors.report_stats``
twice (the period and the one before it). Those aggregates grow with the records; the report of an
unchanged school need not recompute them. This module keeps them in Django's cache (Redis when
``REDIS_URL`` is set, else the process's memory), keyed by:

- the database (host, port, name), the organisation (pk and tree path), the period, the app and a hash
  of the code the figures come from (the app's ``selectors.py``, the models it reads and
  ``reports/figures.py``: a deploy that changes a figure's definition never reads old entries);
- the *data tokens* of the apps whose tables the statistics read (the app itself and ``members``).

Invalidation does not depend on each write path remembering to call something. A database
execute-wrapper, installed on every connection, sees every INSERT, UPDATE, DELETE and TRUNCATE that
Django sends, including ``bulk_create``, ``QuerySet.update``, raw cursors and imports. A write to a
table of a source app (``members_*``, ``welfare_*``, ``congress_*``, ``activities_*``; the append-only
audit log excepted, since reading a record writes it) schedules, on commit, a new random token for
that app in ``reports.StatsToken``. So:

- entries computed before the write are never read again (their key holds the old token);
- within a transaction that has written an app's tables, statistics reading that app bypass the
  cache entirely, so a view sees its own uncommitted writes and nothing uncommitted is ever stored;
- a rolled-back transaction schedules nothing (Django drops its on-commit callbacks).

Writes made outside Django (psql, ``pg_restore``) are not seen: ``invalidate()`` replaces every
token, and ``make restore`` calls it (``manage.py reset_report_stats``). ``REPORT_STATS_CACHE_SECONDS`` (default 6 h)
bounds the life of an entry should a process die between a commit and its token update.
Cache errors (Redis unreachable) fall back to computing; they never fail a report.

Setting ``REPORT_STATS_CACHE=off`` turns the cache off (statistics are computed every time).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Callable
from functools import cache
from importlib import import_module

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import Error, connections, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

SOURCE_APPS = ("members", "welfare", "congress", "activities")
# The tables each app's report_stats reads, by app: its own and the member registry (names,
# organisation tree, gender and employment type of the people counted).
DEPENDS: dict[str, tuple[str, ...]] = {
    "members": ("members",),
    "welfare": ("welfare", "members"),
    "congress": ("congress", "members"),
    "activities": ("activities", "members"),
}
# Tables whose writes never change a figure: the audit log is written by reads.
IGNORED_TABLES = frozenset({"members_auditentry"})

# Leading whitespace and SQL comments; statements that never write.
_LEADING = re.compile(r"(?:\s+|/\*.*?\*/|--[^\n]*(?:\n|$))*", re.S)
_READ_ONLY = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET ", "SHOW", "EXPLAIN", "PRAGMA")
_SOURCE_TABLE = re.compile(r"\b(({})_\w+)".format("|".join(SOURCE_APPS)))


def tables_apps(sql) -> set[str]:
    """Source apps whose tables a statement names, unless it is a read; empty for reads and other tables.

    Any statement that is not a read (INSERT, UPDATE, DELETE, TRUNCATE, MERGE, ``WITH … DELETE``, DDL)
    counts every source table it names, quoted, unquoted or schema-qualified, wherever it names it: a
    statement that only reads a table in a subquery over-invalidates, which costs a recomputation,
    never a stale figure. A statement that is not text (a psycopg2 ``Composed``) counts every app.

    >>> sorted(tables_apps('UPDATE "welfare_welfarevisit" SET "note" = %s'))
    ['welfare']
    """
    if not isinstance(sql, str):
        return set(SOURCE_APPS)
    if not _SOURCE_TABLE.search(sql):
        return set()
    head = sql[_LEADING.match(sql).end():].lstrip("( \n\t")[:10].upper()  # "(SELECT …) UNION (SELECT …)" reads
    if head.startswith(_READ_ONLY):
        return set()
    return {m.group(2) for m in _SOURCE_TABLE.finditer(sql) if m.group(1) not in IGNORED_TABLES}


class _Replace:
    """On-commit callback: give ``app`` a new token (recognisable among a connection's callbacks)."""

    def __init__(self, alias: str, app: str):
        self.alias, self.app = alias, app
        self.__qualname__ = f"stats_cache.replace_token[{app}]"  # named in Django's log of a failing hook

    def __call__(self) -> None:
        _write_tokens(self.alias, [self.app])


def _write_tokens(alias: str, apps: list[str]) -> None:
    """Upsert a new random token per app, one statement each and no transaction of its own.

    It may run inside the execute-wrapper of an autocommit write whose result rows are not yet
    fetched (SQLite ``INSERT … RETURNING``): a plain statement joins that statement's implicit
    transaction, where a BEGIN/COMMIT of its own would cut it short.
    """
    from .models import StatsToken

    conn = connections[alias]
    table = conn.ops.quote_name(StatsToken._meta.db_table)
    changed_at = conn.ops.adapt_datetimefield_value(timezone.now())
    sql = (
        f"INSERT INTO {table} (app_label, token, changed_at) VALUES (%s, %s, %s) "  # noqa: S608 (quoted model table)
        "ON CONFLICT (app_label) DO UPDATE SET token = excluded.token, changed_at = excluded.changed_at"
    )
    try:
        with conn.cursor() as cursor:
            for app in apps:
                cursor.execute(sql, [app, secrets.token_hex(16), changed_at])
    except Error as exc:  # e.g. before the table's migration has run, or the connection was lost
        logger.warning("report statistics tokens not replaced for %s: %s", apps, exc)


def pending_apps(alias: str = "default") -> set[str]:
    """Apps the current transaction on ``alias`` has written (their tokens change at commit)."""
    conn = connections[alias]
    return {func.app for _sids, func, _robust in conn.run_on_commit if isinstance(func, _Replace)}


_migrating = False  # set while ``migrate`` runs: tokens are replaced once, when it has finished


def migration_started(sender=None, **kwargs) -> None:
    """``pre_migrate`` receiver: data migrations' writes are not observed one by one (the token table
    may not exist yet); ``migration_finished`` replaces every token instead."""
    global _migrating
    _migrating = True


def migration_finished(sender=None, using="default", **kwargs) -> None:
    """``post_migrate`` receiver (acts once, for this app): replace every token after a migration."""
    global _migrating
    if getattr(sender, "label", None) == "reports":
        _migrating = False
        invalidate(using)


def observe_writes(execute, sql, params, many, context):
    """Execute-wrapper: after a successful write to a source app's table, schedule its new token.

    Inside a transaction the new token is written on commit (``robust``: a failure is logged, never
    raised into the request whose data is already committed; the entry's lifetime bounds it). Under
    manual transaction management (autocommit off outside ``atomic``), where on-commit hooks are not
    available, the token is written at once, in the same transaction as the data.
    """
    result = execute(sql, params, many, context)
    apps = set() if _migrating else tables_apps(sql)
    if apps:
        conn = context["connection"]
        alias = conn.alias
        if not conn.in_atomic_block and not conn.get_autocommit():
            _write_tokens(alias, sorted(apps))
            return result
        already = pending_apps(alias) if conn.in_atomic_block else set()
        for app in sorted(apps - already):
            transaction.on_commit(_Replace(alias, app), using=alias, robust=True)
    return result


def install(sender=None, connection=None, **kwargs) -> None:
    """``connection_created`` receiver: put ``observe_writes`` first in the connection's wrappers.

    First, so that ``connection.execute_wrapper()`` blocks (which pop the last wrapper) never remove it.
    """
    if connection is not None and observe_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, observe_writes)


def invalidate(alias: str = "default") -> None:
    """Replace every source app's token now (after writes Django did not make: a restore, psql)."""
    _write_tokens(alias, list(SOURCE_APPS))


def tokens(alias: str = "default") -> dict[str, str]:
    """``{app: token}`` as committed (one query); apps never written have no token."""
    from .models import StatsToken

    return dict(StatsToken.objects.using(alias).values_list("app_label", "token"))


@cache
def _code_version(app: str) -> str:
    """A hash of the code a cached entry depends on: the app's selectors, the models of the apps it
    reads (constants, queryset helpers, choice labels) and ``reports/figures.py`` (``derive``)."""
    modules = [f"{app}.selectors", *(f"{dep}.models" for dep in DEPENDS.get(app, (app,))), "reports.figures"]
    digest = hashlib.sha1()  # noqa: S324 (a version tag, not security)
    for name in modules:
        try:
            with open(import_module(name).__file__, "rb") as fh:
                digest.update(fh.read())
        except (ImportError, OSError, TypeError):
            digest.update(name.encode())
    return digest.hexdigest()[:12]


def _key(app: str, organization, start, end, current: dict[str, str], alias: str) -> str:
    db = settings.DATABASES[alias]
    parts = [
        db.get("HOST", ""),
        db.get("PORT", ""),
        db["NAME"],
        _code_version(app),
        app,
        str(organization.pk),
        organization.path,
        start.isoformat(),
        end.isoformat(),
        *(current.get(dep, "") for dep in DEPENDS.get(app, (app,))),
    ]
    digest = hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()  # noqa: S324 (a cache key)
    return f"report-stats:{app}:{digest}"


def cached_stats(
    requests: list[tuple[str, object, object]],
    compute: Callable[[str, object, object], dict],
    *,
    organization,
    alias: str = "default",
) -> dict[tuple[str, object, object], dict]:
    """Statistics for each ``(app, start, end)`` in ``requests``, from the cache or ``compute``.

    ``compute(app, start, end)`` returns the JSON-safe statistics dict; ``start``/``end`` are dates.
    Returns ``{(app, start, end): stats}``. One query for the tokens and one cache round trip for
    all requests; entries missing or unusable are computed and stored. Statistics of an app the
    current transaction has written (or that depend on one) are computed and not stored.
    """
    if not getattr(settings, "REPORT_STATS_CACHE", True):
        return {req: compute(*req) for req in requests}
    dirty = pending_apps(alias) if connections[alias].in_atomic_block else set()
    usable = [req for req in requests if not dirty.intersection(DEPENDS.get(req[0], (req[0],)))]
    current = tokens(alias) if usable else {}
    missing = sorted({dep for req in usable for dep in DEPENDS.get(req[0], (req[0],))} - set(current))
    if missing:  # never written since the database was made (or loaded outside Django): give them tokens
        _write_tokens(alias, missing)
        current = tokens(alias)
    keys = {
        req: _key(req[0], organization, req[1], req[2], current, alias)
        for req in usable
    }
    try:
        found = django_cache.get_many(list(keys.values())) if keys else {}
    except Exception as exc:  # noqa: BLE001 (the cache is an optimisation: Redis down → compute)
        logger.warning("report statistics cache unavailable: %s", exc)
        found, keys = {}, {}
    out, store = {}, {}
    for req in requests:
        key = keys.get(req)
        if key is not None and isinstance(found.get(key), dict):
            out[req] = found[key]
            continue
        out[req] = compute(*req)
        if key is not None:
            store[key] = out[req]
    if store:
        try:
            django_cache.set_many(store, timeout=settings.REPORT_STATS_CACHE_SECONDS)
        except Exception as exc:  # noqa: BLE001
            logger.warning("report statistics not cached: %s", exc)
    return out
