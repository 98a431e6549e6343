"""The upload → preview → confirm flow every spreadsheet import shares.

1. *Upload* (GET/POST): the form checks size and extension; the file is kept as an
   ``ImportBatch`` (``members.models``) so the preview and the confirmed write read the same bytes.
2. *Preview* (GET): the importer validates the file without writing; the page lists every error
   by row and column, or a summary of what confirming will write. The batch's ``summary`` and
   ``status`` (``preview`` when clean, ``failed`` otherwise) record the outcome.
3. *Confirm* (POST): the importer validates again and, when clean, writes everything in one
   transaction (all-or-nothing) and audits it; the batch becomes ``done`` and a second confirm
   only says it was already imported.

An app plugs in an ``Importer`` subclass; its views stay three lines each. The welfare ledger,
for example (``welfare/importer.py`` holds ``welfare_validate``/``welfare_import``)::

    class LedgerImport(imports.Importer):
        kind = ImportBatch.Kind.WELFARE
        form_class = ImportUploadForm
        upload_template = "welfare/import_upload.html"
        preview_template = "welfare/import_preview.html"
        preview_url = "welfare:import_preview"
        done_url = "welfare:ledger"
        denied = _("只有学校工会主席和工会委员可以导入慰问台账。")

        def validate(self, *, school, data, filename):
            return welfare_validate(school=school, data=data, filename=filename)

        def apply(self, *, school, data, filename, acting_user, request):
            return welfare_import(school=school, data=data, filename=filename,
                                  acting_user=acting_user, request=request)

        def done_message(self, result):
            return _("导入完成：%(n)s 条慰问记录，合计 %(total)s 元。") % {
                "n": len(result.rows), "total": f"{result.total:.2f}"}

        def upload_context(self, school):
            return {"aliases": ALIASES}

    LEDGER = LedgerImport()

    @login_required
    @require_http_methods(["GET", "POST"])
    def import_upload(request):
        return imports.upload(request, LEDGER)

    # import_preview(request, pk) → imports.preview(request, LEDGER, pk)  (@require_GET)
    # import_confirm(request, pk) → imports.confirm(request, LEDGER, pk)  (@require_POST)
    # import_template(request): imports.template(request, LEDGER, headers, example,
    #                                             title=..., filename=...)

The result an importer returns (``members.services.RosterResult``, ``welfare.importer.ImportResult``)
has ``ok``, ``file_error`` (a whole-file problem, Chinese), ``errors`` (``tabular.RowError``),
``rows``, ``written`` and ``as_summary()`` (JSON-able, stored on the batch). The preview
template gets ``batch``, ``result`` (None when done) and ``done``; the upload template gets
``form``, ``school``, ``recent`` (the school's last five batches of this kind) and whatever
``upload_context`` adds.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from members.models import ImportBatch, Organization

from .exports import xlsx_response


class Importer:
    """What one spreadsheet import plugs into the flow (see the module docstring).

    Class attributes: ``kind`` (an ``ImportBatch.Kind`` code), ``form_class`` (the upload
    form, with a ``file`` field), ``upload_template``, ``preview_template``, ``preview_url``
    (URL name taking ``pk``), ``done_url`` (URL name to go to once imported) and ``denied``
    (the 403 message for users who may not import).
    """

    kind: str
    form_class: type
    upload_template: str
    preview_template: str
    preview_url: str
    done_url: str
    denied: str = "您没有导入数据的权限。"

    def school_for(self, user) -> Organization:
        """The school ``user`` imports into (chair or committee member of a school; superusers
        their first school); raises ``PermissionDenied(self.denied)`` for anyone else."""
        from members.access import import_school

        school = import_school(user)
        if school is None:
            raise PermissionDenied(self.denied)
        return school

    def validate(self, *, school: Organization, data: bytes, filename: str):
        """Check the file without writing; return the result (see the module docstring)."""
        raise NotImplementedError

    def apply(self, *, school: Organization, data: bytes, filename: str, acting_user, request):
        """Validate and, when clean, write and audit in one transaction; return the result."""
        raise NotImplementedError

    def done_message(self, result) -> str:
        """The success message after a confirmed import (what was written, in Chinese)."""
        raise NotImplementedError

    def upload_context(self, school: Organization) -> dict:
        """Extra context for the upload page."""
        return {}


# --- Batch services and selectors ---------------------------------------------------------------


@transaction.atomic
def import_batch_create(*, kind: str, school: Organization, upload, acting_user) -> ImportBatch:
    """Keep an uploaded file as a batch awaiting preview (``upload`` is the form's file)."""
    return ImportBatch.objects.create(
        kind=kind, school=school, file=upload, original_name=upload.name[:255], uploaded_by=acting_user
    )


def import_batch_record(*, batch: ImportBatch, result, status: str) -> None:
    """Store a validation or import outcome (``result.as_summary()``) and the batch's new status."""
    batch.summary = result.as_summary()
    batch.status = status
    batch.save(update_fields=["summary", "status"])


def recent_batches(*, kind: str, school: Organization, limit: int = 5) -> list[ImportBatch]:
    """The school's latest batches of ``kind``, newest first, with their uploaders."""
    return list(ImportBatch.objects.filter(kind=kind, school=school).select_related("uploaded_by")[:limit])


def get_batch_for_user(importer: Importer, user, pk: int) -> ImportBatch:
    """The batch ``pk`` of the importer's kind in the user's school; 403 for non-importers, else 404."""
    school = importer.school_for(user)
    return get_object_or_404(ImportBatch, pk=pk, kind=importer.kind, school=school)


def _read(batch: ImportBatch) -> bytes:
    with batch.file.open("rb") as fh:
        return fh.read()


# --- The three steps (called by the app's decorated views) ---------------------------------------


def upload(request, importer: Importer) -> HttpResponse:
    """GET: the upload page; POST: keep a valid upload as a batch and go to its preview."""
    school = importer.school_for(request.user)
    form = importer.form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = import_batch_create(
            kind=importer.kind, school=school, upload=form.cleaned_data["file"], acting_user=request.user
        )
        return redirect(importer.preview_url, pk=batch.pk)
    recent = recent_batches(kind=importer.kind, school=school)
    context = {"form": form, "school": school, "recent": recent, **importer.upload_context(school)}
    return render(request, importer.upload_template, context)


def preview(request, importer: Importer, pk: int) -> HttpResponse:
    """Every problem by row and column, or a summary of what confirming will write."""
    batch = get_batch_for_user(importer, request.user, pk)
    if batch.status == ImportBatch.Status.DONE:
        return render(request, importer.preview_template, {"batch": batch, "result": None, "done": True})
    result = importer.validate(school=batch.school, data=_read(batch), filename=batch.original_name)
    status = ImportBatch.Status.PREVIEW if result.ok else ImportBatch.Status.FAILED
    import_batch_record(batch=batch, result=result, status=status)
    return render(request, importer.preview_template, {"batch": batch, "result": result, "done": False})


def confirm(request, importer: Importer, pk: int) -> HttpResponse:
    """Write a clean, previewed file in one transaction; a file with errors writes nothing."""
    batch = get_batch_for_user(importer, request.user, pk)
    if batch.status == ImportBatch.Status.DONE:
        messages.info(request, _("该文件已经导入过了。"))
        return redirect(importer.done_url)
    result = importer.apply(
        school=batch.school, data=_read(batch), filename=batch.original_name, acting_user=request.user, request=request
    )
    if not result.written:
        import_batch_record(batch=batch, result=result, status=ImportBatch.Status.FAILED)
        messages.error(request, _("文件有错误，未写入任何数据。请修改后重新上传。"))
        return redirect(importer.preview_url, pk=batch.pk)
    import_batch_record(batch=batch, result=result, status=ImportBatch.Status.DONE)
    messages.success(request, importer.done_message(result))
    return redirect(importer.done_url)


def template(request, importer: Importer, headers: list[str], example: list, *, title: str, filename: str):
    """A blank .xlsx template (standard headers, one example row) for users who may import."""
    importer.school_for(request.user)
    return xlsx_response(headers, [example], title=title, filename=filename)
