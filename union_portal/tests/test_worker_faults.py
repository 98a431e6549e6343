"""Faults around report exports (issue 8), really caused: SIGKILLed Celery workers, an unreachable Redis.

The worker tests start real ``celery worker`` processes against the test database (PostgreSQL) and a
real Redis (REDIS_URL, e.g. DB 6), render a real WeasyPrint PDF and SIGKILL the process while the
export row says it is rendering. They are skipped without REDIS_URL or PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from reports import services
from reports.models import ReportExport
from reports.tests.factories import make_report

ROOT = Path(__file__).resolve().parents[2]
# Short limits for the test workers: visibility timeout = 2 × hard limit (settings).
SOFT, HARD = 9, 10


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket goes away


@pytest.fixture
def celery_app():
    from union_portal.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue, app._pool)
    yield app
    app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue, app._pool = saved
    app.amqp._producer_pool = None


@pytest.mark.django_db
def test_unreachable_redis_keeps_the_export_request_and_says_so(
    celery_app, login, chair, school, django_capture_on_commit_callbacks
):
    """REDIS pointed at a closed port: no 500, a clear Chinese message, the request kept and retried.

    Not a transactional test (its flush would wipe the seeded rows other tests rely on): the view's
    on-commit hook, which publishes to Redis, is run when the view's transaction commits.
    """
    celery_app.conf.broker_url = f"redis://127.0.0.1:{_closed_port()}/6"
    celery_app.conf.task_always_eager = False
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    report = make_report(school, chair)
    c = login(chair)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        resp = c.post(reverse("reports:export", args=[report.pk]), {"format": "pdf"})
    assert len(hooks) == 1 and resp.status_code == 302
    assert time.monotonic() - started < 15
    resp = c.get(resp.url)
    assert resp.status_code == 200
    page = resp.content.decode()
    assert services.QUEUE_DOWN_MESSAGE in page and "失败" in page
    export = ReportExport.objects.get()
    assert export.status == ReportExport.Status.FAILED and not export.file
    status = c.get(reverse("reports:export_status", args=[export.pk])).json()
    assert status["status"] == "failed" and status["error"] == services.QUEUE_DOWN_MESSAGE
    assert c.get(reverse("reports:detail", args=[report.pk])).status_code == 200

    # Redis is back (here: the in-process queue): the same click re-queues the same request.
    celery_app.conf.task_always_eager = True
    with django_capture_on_commit_callbacks(execute=True):
        resp = c.post(reverse("reports:export", args=[report.pk]), {"format": "pdf"})
    assert resp.status_code == 302 and c.get(resp.url).status_code == 200
    export.refresh_from_db()
    assert ReportExport.objects.count() == 1
    assert export.status == ReportExport.Status.DONE and export.error == "" and export.renders == 1
    assert c.get(reverse("reports:export_download", args=[export.pk])).getvalue()[:5] == b"%PDF-"


# --- SIGKILL in the middle of a render (real worker, real Redis, PostgreSQL) ------------------------


# Skipped at collection, not inside a fixture: a transactional test's flush would otherwise run on SQLite too.
needs_worker = [
    pytest.mark.redis,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set"),
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                       reason="the worker must reach the test database: PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker_env(settings, celery_app):
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    url = f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    queue = f"faults-{os.getpid()}-{time.monotonic_ns()}"
    celery_app.conf.task_default_queue = queue
    celery_app.conf.task_always_eager = False
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(settings.MEDIA_ROOT), "CONN_MAX_AGE": "0",
           "REPORT_TASK_SOFT_TIME_LIMIT": str(SOFT), "REPORT_TASK_TIME_LIMIT": str(HARD)}  # fmt: skip
    procs: list[subprocess.Popen] = []

    def start(pool: str) -> subprocess.Popen:
        # The Redis transport sweeps unacked messages every 10th tick of 10 s by default; the test
        # worker sweeps every second so redelivery after the (short) visibility timeout is prompt.
        code = (
            "from union_portal.celery import app; "
            "app.conf.broker_transport_options.update(unacked_restore_interval=1, unacked_restore_throttle=1); "
            f"app.worker_main(['worker', '--pool={pool}', '--concurrency=1', '-Q', '{queue}', '--loglevel=WARNING', "
            "'--without-heartbeat', '--without-gossip', '--without-mingle'])"
        )
        proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGQUIT)  # cold shutdown: nothing left to finish
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def _wait_for(export: ReportExport, statuses: set[str], timeout: float, step: float = 0.02) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        export.refresh_from_db()
        if export.status in statuses:
            return export.status
        time.sleep(step)
    return export.status


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def _files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file() and p.suffix == ".pdf"] if root.exists() else []


def _assert_one_clean_result(export: ReportExport, settings) -> None:
    export.refresh_from_db()
    assert export.status == ReportExport.Status.DONE, export.error
    assert export.renders == 1 and export.progress == 100 and export.error == ""
    assert export.file.read()[:5] == b"%PDF-"
    assert [p.name for p in _files(settings)] == [Path(export.file.name).name]
    assert ReportExport.objects.count() == 1


def _needs_worker(test):
    for mark in needs_worker:
        test = mark(test)
    return test


@_needs_worker
def test_prefork_child_killed_mid_render_is_requeued_at_once(worker_env, settings, school, chair):
    """reject_on_worker_lost: the parent sees its child die and puts the message straight back."""
    worker = worker_env("prefork")
    report = make_report(school, chair)
    export, queued = services.export_request(report=report, fmt="pdf", acting_user=chair)
    assert queued
    assert _wait_for(export, {"running", "done", "failed"}, 60) == "running", export.error
    children = _children(worker.pid)
    assert len(children) == 1
    os.kill(children[0], signal.SIGKILL)
    export.refresh_from_db()
    assert export.status == "running" and not export.file  # really killed in the middle
    assert _wait_for(export, {"done", "failed"}, 60, step=0.2) == "done", export.error
    _assert_one_clean_result(export, settings)
    assert worker.poll() is None  # the worker itself survived and started a new child


@_needs_worker
def test_whole_worker_killed_mid_render_is_redelivered_after_the_visibility_timeout(
    worker_env, settings, school, chair
):
    """acks_late: the unacknowledged message goes back to the queue; a second worker renders it once."""
    first = worker_env("solo")
    report = make_report(school, chair)
    export, _ = services.export_request(report=report, fmt="pdf", acting_user=chair)
    assert _wait_for(export, {"running", "done", "failed"}, 60) == "running", export.error
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    killed_at = time.monotonic()
    export.refresh_from_db()
    assert export.status == "running" and not export.file
    worker_env("solo")
    assert _wait_for(export, {"done", "failed"}, HARD * 2 + 40, step=0.3) == "done", export.error
    assert time.monotonic() - killed_at >= HARD * 2 - 8  # redelivered by the visibility timeout, not earlier
    _assert_one_clean_result(export, settings)
