"""Shared plumbing of ``make bench`` and ``make stress``: production-like processes on loopback.

Both harnesses run each measurement in a child process bound to one PostgreSQL database,
with DEBUG off and the manifest static storage, as in production.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def production_env(url: str, *, name: str, **extra: str) -> dict:
    """Environment for a child or server: DEBUG off, database ``url``, no broker (tasks eager).

    ``name`` ("bench", "stress") keeps each harness's collected static files apart.
    """
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL"}}
    env.update(DATABASE_URL=url, DEBUG="off", SECRET_KEY=f"{name}-" + "x" * 50, ALLOWED_HOSTS="127.0.0.1,localhost",
               SECURE_SSL_REDIRECT="off", SECURE_HSTS_SECONDS="0", LOG_LEVEL="ERROR",
               STATIC_ROOT=str(ROOT / "out" / f"{name}-static"), **extra)
    return env


def run(cmd: list[str], env: dict, *, label: str, timeout: int = 1800) -> str:
    """Run a command in the project folder; exit with its output tail when it fails."""
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise SystemExit(f"{label} step failed: {' '.join(cmd)}\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return proc.stdout


def call_child(module: str, env: dict, name: str, *args) -> dict:
    """Run ``python -m module --child name args…`` and return the JSON it prints last."""
    out = run([PY, "-m", module, "--child", name, *map(str, args)], env, label=module.rsplit(".", 1)[-1])
    return json.loads(out.strip().splitlines()[-1])


def prepare_database(url: str, env: dict, *, demo_args: list[str], label: str, analyze: bool = True) -> float:
    """Recreate the database at ``url``, migrate and load the demo; return the load_demo seconds.

    With ``analyze``, refresh the planner statistics afterwards, as after any large import.
    """
    import psycopg2

    dbname = url.rsplit("/", 1)[1]
    conn = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{dbname}"')
    conn.close()
    run([PY, "manage.py", "migrate", "-v0"], env, label=label)
    started = time.perf_counter()
    run([PY, "manage.py", "load_demo", *demo_args], env, label=label, timeout=3600)
    elapsed = time.perf_counter() - started
    if analyze:
        conn = psycopg2.connect(url)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("ANALYZE")
        conn.close()
    return elapsed


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
