"""`make backup` / `make restore` round-trip the demo data exactly (PostgreSQL)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres]

CHECKED_TABLES = ["members_organization", "members_department", "members_member", "members_familymember",
                  "members_roleassignment", "auth_user"]


def _checksums(params: dict) -> dict[str, tuple[int, str]]:
    """Row count and an md5 over every row (ordered by id) of each checked table."""
    conn = psycopg2.connect(**params)
    try:
        with conn.cursor() as cur:
            out = {}
            for table in CHECKED_TABLES:
                cur.execute(f'SELECT count(*), md5(coalesce(string_agg(t::text, \'|\' ORDER BY t.id), \'\')) FROM "{table}" t')  # noqa: S608
                out[table] = cur.fetchone()
            return out
    finally:
        conn.close()


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL")
def test_backup_and_restore_round_trip_the_demo(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        base = dict(connection.get_connection_params())
    base.pop("cursor_factory", None)
    name = f"up_backup_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(**{**base, "dbname": "postgres"})
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{base.get('user', 'postgres')}@{base.get('host', '127.0.0.1')}:{base.get('port', 5432)}/{name}"
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(tmp_path / "media")}
    env.pop("REDIS_URL", None)
    params = {**base, "dbname": name}
    try:
        run = lambda *cmd: subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=600)  # noqa: E731
        run(sys.executable, "manage.py", "migrate", "-v0")
        run(sys.executable, "manage.py", "load_demo")
        before = _checksums(params)
        assert before["members_member"][0] == 340
        run("make", "--no-print-directory", "backup", f"BACKUP={tmp_path}/snap")
        with psycopg2.connect(**params) as conn, conn.cursor() as cur:  # damage: the data a restore must bring back
            cur.execute("UPDATE members_familymember SET name = 'x'; UPDATE members_member SET phone = 'x'")
        assert _checksums(params) != before
        run("make", "--no-print-directory", "restore", f"FILE={tmp_path}/snap.dump")
        assert _checksums(params) == before
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
