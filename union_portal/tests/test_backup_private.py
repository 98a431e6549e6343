"""`make backup` keeps the dump private: outside the project, owner-only, and encrypted on request."""

import os
import shutil
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres]


def test_the_default_backup_folder_is_outside_the_project(tmp_path):
    show = "show: ; @echo $(BACKUP_DIR)"
    out = subprocess.run(["make", "-s", "--no-print-directory", "--eval", show, "show"], cwd=ROOT, check=True,
                         capture_output=True, text=True, env={**os.environ, "HOME": str(tmp_path)}).stdout.strip()
    assert out in ("/var/backups/union-portal", f"{tmp_path}/union-portal-backups")
    assert not Path(out).resolve().is_relative_to(ROOT)


def _gpg_key(home: Path) -> str:
    home.mkdir(mode=0o700)
    env = {**os.environ, "GNUPGHOME": str(home)}
    subprocess.run(["gpg", "--batch", "--passphrase", "", "--quick-gen-key", "Union backup <backup@example.org>",
                    "future-default", "default", "never"], env=env, check=True, capture_output=True, timeout=120)
    return "backup@example.org"


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL")
@pytest.mark.skipif(shutil.which("gpg") is None, reason="needs gpg")
def test_an_encrypted_owner_only_backup_restores(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        base = dict(connection.get_connection_params())
    base.pop("cursor_factory", None)
    name = f"up_backup_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(**{**base, "dbname": "postgres"})
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{base.get('user', 'postgres')}@{base.get('host', '127.0.0.1')}:{base.get('port', 5432)}/{name}"
    media = tmp_path / "media"
    (media / "attachments").mkdir(parents=True)
    (media / "attachments" / "证明.pdf").write_bytes(b"%PDF-1.4 hospital receipt")
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(media), "GNUPGHOME": str(tmp_path / "gnupg")}
    env.pop("REDIS_URL", None)
    params = {**base, "dbname": name}
    try:
        recipient = _gpg_key(tmp_path / "gnupg")
        run = lambda *cmd: subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=600)  # noqa: E731
        run(sys.executable, "manage.py", "migrate", "-v0")
        with psycopg2.connect(**params) as conn, conn.cursor() as cur:
            cur.execute("INSERT INTO auth_group (name) VALUES ('第一中学工会')")
        backups = tmp_path / "backups"
        run("make", "--no-print-directory", "backup", f"BACKUP_DIR={backups}", f"BACKUP_GPG_RECIPIENT={recipient}")
        files = sorted(backups.iterdir())
        assert [f.name.split(".", 1)[1] for f in files] == ["dump.gpg", "media.tgz.gpg"]
        for f in files:
            assert stat.S_IMODE(f.stat().st_mode) == 0o600
            assert b"PGDMP" not in f.read_bytes()[:64] and "第一中学".encode() not in f.read_bytes()
        assert stat.S_IMODE(backups.stat().st_mode) == 0o700
        with psycopg2.connect(**params) as conn, conn.cursor() as cur:
            cur.execute("UPDATE auth_group SET name = 'x'")
        shutil.rmtree(media)
        run("make", "--no-print-directory", "restore", f"FILE={files[0]}")
        with psycopg2.connect(**params) as conn, conn.cursor() as cur:
            cur.execute("SELECT name FROM auth_group")
            assert cur.fetchall() == [("第一中学工会",)]
        assert (media / "attachments" / "证明.pdf").read_bytes() == b"%PDF-1.4 hospital receipt"
    finally:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=env, check=False, capture_output=True)
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
