"""Background rendering of report exports (Celery over Redis; eager in-process without REDIS_URL).

``render_export`` is idempotent: it renders from the snapshot stored on the export row (never from
live records), does nothing when the file is already there, and writes the file and the DONE state
together. ``acks_late`` + ``reject_on_worker_lost`` let Redis hand the task to another worker if this
one dies mid-render (the visibility timeout in settings is twice the hard limit); the soft limit
marks the export failed with a message instead of leaving it pending. If the worker's main process
is killed, no one marks the export: ``services.export_request`` finds it stale once
``settings.REPORT_EXPORT_STALE_SECONDS`` (the hard limit plus a margin) have passed since it started,
and queues it again.
"""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import ReportExport


def _progress(pk: int, value: int, status: str | None = None) -> None:
    fields = {"progress": value}
    if status:
        fields["status"] = status
    if status == ReportExport.Status.RUNNING:
        fields["started_at"] = timezone.now()  # the stale-export check counts from here
    ReportExport.objects.filter(pk=pk).exclude(status=ReportExport.Status.DONE).update(**fields)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.REPORT_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_TASK_TIME_LIMIT,
    name="reports.render_export",
)
def render_export(self, export_id: int) -> str:
    from .output import render

    export = ReportExport.objects.filter(pk=export_id).first()
    if export is None:
        return "missing"
    if export.status == ReportExport.Status.DONE and export.file:
        return "cached"
    _progress(export.pk, 10, ReportExport.Status.RUNNING)
    try:
        _progress(export.pk, 30)
        data = render(export.snapshot, export.format)
        _progress(export.pk, 90)
    except SoftTimeLimitExceeded:
        ReportExport.objects.filter(pk=export.pk).update(
            status=ReportExport.Status.FAILED, error="生成超时，请稍后重试或减少图表。"
        )
        return "timeout"
    except Exception as exc:
        ReportExport.objects.filter(pk=export.pk).update(
            status=ReportExport.Status.FAILED, error=f"生成失败：{type(exc).__name__}"[:500]
        )
        raise
    with transaction.atomic():
        export = ReportExport.objects.select_for_update().get(pk=export.pk)
        if export.status == ReportExport.Status.DONE and export.file:
            return "cached"  # another worker finished first
        name = f"report-{export.report_id}-{export.content_hash[:12]}.{export.format}"
        export.file.save(name, ContentFile(data), save=False)
        export.status = ReportExport.Status.DONE
        export.progress = 100
        export.finished_at = timezone.now()
        export.save(update_fields=["file", "status", "progress", "finished_at"])
        ReportExport.objects.filter(pk=export.pk).update(renders=F("renders") + 1)
    return "rendered"
