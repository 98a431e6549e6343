import pytest


@pytest.fixture
def eager_celery():
    """Run report tasks in-process even when REDIS_URL is set (the worker test covers Redis)."""
    from union_portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
