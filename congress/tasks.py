"""Background rendering of the 提案汇编 (Celery over Redis; eager in-process without REDIS_URL).

``render_compilation`` renders the HTML stored on a ``CompilationFile`` row (never the live records,
so the file matches the content hash it is stored under) and stores it through
``services.compilation_store``. It is idempotent: a row that already has its file is left alone.
"""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from union_portal.lib.pdf import html_to_pdf

from .models import CompilationFile


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.REPORT_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_TASK_TIME_LIMIT,
    name="congress.render_compilation",
)
def render_compilation(book_id: int) -> str:
    """Render one stored 提案汇编 page to PDF; returns "rendered", "cached", "missing" or "timeout"."""
    from . import services

    book = CompilationFile.objects.filter(pk=book_id).first()
    if book is None:
        return "missing"
    if book.status == CompilationFile.Status.DONE and book.file:
        return "cached"
    try:
        pdf = html_to_pdf(book.html)
    except SoftTimeLimitExceeded:
        CompilationFile.objects.filter(pk=book_id).update(status=CompilationFile.Status.FAILED, error="生成超时，请稍后重试。")
        return "timeout"
    except Exception as exc:
        CompilationFile.objects.filter(pk=book_id).update(
            status=CompilationFile.Status.FAILED, error=f"生成失败：{type(exc).__name__}"[:500]
        )
        raise
    return "rendered" if services.compilation_store(book_id=book_id, pdf=pdf) else "cached"


def enqueue_compilation(book_id: int) -> None:
    """Hand a book to the worker; without a reachable broker it stays PENDING and the next request retries.

    Called by the view after ``services.compilation_request`` has returned (its transaction committed;
    the project does not use ATOMIC_REQUESTS), so the worker always finds the row. Eager (no
    REDIS_URL): renders here, before this returns.
    """
    import logging

    from kombu.exceptions import OperationalError

    try:
        render_compilation.apply_async(
            (book_id,),
            ignore_result=True,
            retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
        )
    except OperationalError:
        logging.getLogger(__name__).warning("compilation %s: task broker unreachable", book_id)
        CompilationFile.objects.filter(pk=book_id).exclude(status=CompilationFile.Status.DONE).update(
            status=CompilationFile.Status.FAILED, error="后台生成服务暂时无法连接，请稍后刷新重试。"
        )
