"""The real Celery path: a worker subprocess over Redis renders a PDF into the test database."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from reports import services
from reports.models import ReportExport
from reports.tests.factories import make_report

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(settings):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL not set")
    if connection.vendor != "postgresql":
        pytest.skip("the worker must reach the test database: PostgreSQL only")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(settings.MEDIA_ROOT), "CONN_MAX_AGE": "0"}
    queue = f"reports-test-{os.getpid()}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    from union_portal.celery import app

    app.conf.task_default_queue = queue
    app.conf.task_always_eager = False
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "union_portal", "worker", "--pool=solo",
         "-Q", queue, "--loglevel=WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    yield proc
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    app.conf.task_default_queue = "celery"


def test_worker_renders_the_pdf_once(worker, school, chair):
    report = make_report(school, chair)
    export, queued = services.export_request(report=report, fmt="pdf", acting_user=chair)
    assert queued
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        export.refresh_from_db()
        if export.status in (ReportExport.Status.DONE, ReportExport.Status.FAILED):
            break
        time.sleep(0.5)
    assert export.status == ReportExport.Status.DONE, export.error
    assert export.file.read()[:5] == b"%PDF-"
    again, queued_again = services.export_request(report=report, fmt="pdf", acting_user=chair)
    assert again.pk == export.pk and not queued_again and again.renders == 1
