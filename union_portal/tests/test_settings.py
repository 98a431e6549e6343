"""Settings come from the environment and fail loudly on wrong values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_check(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_embedded_default_needs_no_environment():
    assert run_check().returncode == 0


@pytest.mark.parametrize(
    "env,message",
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DEBUG": "off"}, "SECRET_KEY is required when DEBUG is off"),
        ({"DEBUG": "off", "SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS is required"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "PostgreSQL and SQLite only"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://localhost"}, "REDIS_URL='http://localhost' must start with redis://"),
        ({"TIME_ZONE": "Mars/Olympus"}, "is not an IANA time zone"),
        ({"LANGUAGE_CODE": "fr"}, "LANGUAGE_CODE='fr'"),
        ({"SESSION_IDLE_SECONDS": "soon"}, "SESSION_IDLE_SECONDS='soon' is not a whole number"),
    ],
)
def test_wrong_values_fail_at_start_with_improperly_configured(env, message):
    proc = run_check(**env)
    assert proc.returncode != 0
    assert "ImproperlyConfigured" in proc.stderr and message in proc.stderr


def test_celery_runs_eagerly_without_a_broker():
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL)",
        ],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stdout.split() == ["True", "memory://"]
