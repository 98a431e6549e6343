"""Faults really caused on the real services (PostgreSQL only)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback test server)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_dropped_connection_between_requests_is_replaced():
    """A real gunicorn worker keeps a persistent connection (CONN_MAX_AGE); the server kills it;
    CONN_HEALTH_CHECKS makes the next request open a new one instead of failing."""
    db = connection.settings_dict
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "CONN_MAX_AGE": "600", "DEBUG": "on"}
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "union_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--threads", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}/healthz"
        for _ in range(100):
            try:
                if _get(url) == 200:
                    break
            except OSError:
                time.sleep(0.1)
        assert _get(url) == 200
        with connection.cursor() as cur:
            cur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [db["NAME"]],
            )
            killed = cur.fetchall()
        assert killed, "the worker's persistent connection should have been there to kill"
        assert [_get(url) for _ in range(3)] == [200, 200, 200]
    finally:
        server.terminate()
        server.wait(timeout=10)
