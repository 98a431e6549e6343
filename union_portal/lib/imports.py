"""The upload → preview → confirm flow every spreadsheet import shares.

1. *Upload* (GET/POST): the form checks size and extension; the file is kept as an
   ``ImportBatch`` (``members.models``) so the preview and the confirmed write read the same bytes.
2. *Preview* (GET): the importer validates the file without writing; the page lists every error
   by row and column, or a summary of what confirming will write. The batch's ``summary`` and
   ``status`` (``preview`` when clean, ``failed`` otherwise) record the outcome.
3. *Confirm* (POST): the importer validates again and, when clean, writes everything in one
   transaction (all-or-nothing) and audits it; the batch becomes ``done`` and a second confirm
   only says it was already imported.

An app plugs in an ``Importer`` subclass; its four views come from ``views(importer)``, and both steps render
the shared ``templates/imports/upload.html`` and ``preview.html`` with the importer's texts and
URLs. The welfare ledger, for example (``welfare/importer.py`` holds ``welfare_validate``/``welfare_import``)::

    class LedgerImport(imports.Importer):
        kind = ImportBatch.Kind.WELFARE
        form_class = ImportUploadForm
        namespace = "welfare"            # welfare:import, :import_preview, :import_confirm, :import_template
        done_url = "welfare:ledger"
        denied = _("只有学校工会主席和工会委员可以导入慰问台账。")
        title = _("导入历史慰问台账")
        preview_title = _("慰问台账导入预览")
        upload_note = _("上传后先逐行检查，确认无误后才会写入；有任何错误时一条也不会写入。")
        columns_help = _("日期/慰问日期；工号；……")
        template_headers = ["日期", "工号", ...]
        template_example = ["2021-03-15", "S0100012", ...]
        template_title, template_filename = "慰问台账模板", "welfare-template.xlsx"

        validate = staticmethod(welfare_validate)   # (*, school, data, filename) → ImportResult
        apply = staticmethod(welfare_import)         # (*, school, data, filename, acting_user, request)
        def done_message(self, result): ...     # after confirming
        def done_summary(self, summary): ...    # a batch imported before (its stored summary)
        def ready_summary(self, result): ...    # a clean preview, above the confirm button

    LEDGER = LedgerImport()
    # login_required and GET/POST-only, for urls.py (import, import_preview, import_confirm, import_template):
    import_upload, import_preview, import_confirm, import_template = imports.views(LEDGER)

The result an importer returns (``members.services.RosterResult``, ``welfare.importer.ImportResult``)
has ``ok``, ``file_error`` (a whole-file problem, Chinese), ``errors`` (``tabular.RowError``),
``rows``, ``written`` and ``as_summary()`` (JSON-able, stored on the batch). The preview
template gets ``importer``, ``batch``, ``result`` (None when done), ``done`` and ``summary_line``
(``done_summary`` or ``ready_summary``) and ``note`` (``ready_note``); the upload template gets
``importer``, ``form``, ``school``, ``recent`` (the school's last five batches of this kind) and
whatever ``upload_context`` adds.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.models import ImportBatch, Organization

from .exports import xlsx_response


class Importer:
    """What one spreadsheet import plugs into the flow (see the module docstring).

    Class attributes: ``kind`` (an ``ImportBatch.Kind`` code), ``form_class`` (the upload
    form, with a ``file`` field), ``namespace`` (the URL namespace holding ``import``,
    ``import_preview`` and ``import_confirm`` (both taking ``pk``) and ``import_template``),
    ``done_url`` (URL name to go to once imported), ``denied`` (the 403 message for users who
    may not import); the pages' texts ``title`` (upload page), ``preview_title``, ``upload_note``
    and ``columns_help``; the blank template's ``template_headers``, ``template_example`` (one
    row), ``template_title`` (sheet name) and ``template_filename``.
    """

    kind: str
    form_class: type
    namespace: str
    done_url: str
    denied: str = "您没有导入数据的权限。"
    upload_template = "imports/upload.html"
    preview_template = "imports/preview.html"
    title: str
    preview_title: str = gettext_lazy("导入预览")
    upload_note: str
    columns_help: str
    template_headers: list[str]
    template_example: list
    template_title: str
    template_filename: str
    takes_batch: bool = False
    """``apply`` takes the ``batch`` being confirmed (record importers mark what they write with it)."""
    steps_template: str = ""
    """A fragment above both pages (gets ``step``: 2 upload, 3 preview), e.g. the set-up's steps."""
    detail_template: str = ""
    """A fragment shown on a clean preview above the confirm button (gets ``result``), e.g. the changes."""
    confirm_template: str = ""
    """A fragment inside the confirm form (options the importer's ``apply`` reads from ``request.POST``)."""

    @property
    def urls(self) -> dict[str, str]:
        """The flow's URL names: ``upload``, ``preview`` and ``confirm`` (both taking ``pk``), ``template``."""
        names = {
            "upload": "import",
            "preview": "import_preview",
            "confirm": "import_confirm",
            "template": "import_template",
        }
        return {step: f"{self.namespace}:{name}" for step, name in names.items()}

    def links(self, pk: int | None = None) -> dict[str, str]:
        """Resolved URLs of the flow for templates and redirects: ``upload``, ``template`` and, given a
        batch ``pk``, ``preview`` and ``confirm``."""
        from django.urls import reverse

        names = self.urls
        links = {"upload": reverse(names["upload"], kwargs=self.url_kwargs()),
                 "template": reverse(names["template"], kwargs=self.url_kwargs())}
        if pk is not None:
            links["preview"] = reverse(names["preview"], kwargs={**self.url_kwargs(), "pk": pk})
            links["confirm"] = reverse(names["confirm"], kwargs={**self.url_kwargs(), "pk": pk})
        return links

    def url_kwargs(self) -> dict:
        """Extra URL arguments of every step (``{}``; record importers' shared routes take ``kind``)."""
        return {}

    def school_for(self, user) -> Organization:
        """The school ``user`` imports into (chair or committee member of a school; superusers
        their first school); raises ``PermissionDenied(self.denied)`` for anyone else."""
        from members.access import import_school

        school = import_school(user)
        if school is None:
            raise PermissionDenied(self.denied)
        return school

    def school_for_request(self, request) -> Organization:
        """The school this request imports into; ``school_for(request.user)`` unless a flow (the
        first-run set-up) keeps its school elsewhere. Raises ``PermissionDenied``."""
        return self.school_for(request.user)

    def validate(self, *, school: Organization, data: bytes, filename: str):
        """Check the file without writing; return the result (see the module docstring).
        An app usually sets ``validate = staticmethod(<app>_validate)``."""
        raise NotImplementedError

    def apply(self, *, school: Organization, data: bytes, filename: str, acting_user, request):
        """Validate and, when clean, write and audit in one transaction; return the result.
        An app usually sets ``apply = staticmethod(<app>_import)``."""
        raise NotImplementedError

    def done_message(self, result) -> str:
        """The success message after a confirmed import (what was written, in Chinese)."""
        raise NotImplementedError

    def done_summary(self, summary: dict) -> str:
        """The preview's line for a batch imported before, from its stored ``as_summary()``."""
        raise NotImplementedError

    def ready_summary(self, result) -> str:
        """The preview's line above the confirm button for a clean file (what confirming writes)."""
        raise NotImplementedError

    def ready_note(self, result) -> str:
        """A small extra line under ``ready_summary`` (empty for none)."""
        return ""

    def upload_context(self, school: Organization) -> dict:
        """Extra context for the upload page."""
        return {}


def fill(message: str, **values) -> str:
    """``message % values`` with each value localized as a template's ``{{ value }}`` would show it
    (numbers, ``Decimal`` yuan); for the importers' ``done_summary``/``ready_summary`` lines."""
    return message % {key: formats.localize(value) for key, value in values.items()}


# --- Batch services and selectors ---------------------------------------------------------------


@transaction.atomic
def import_batch_create(*, kind: str, school: Organization, upload, acting_user) -> ImportBatch:
    """Keep an uploaded file as a batch awaiting preview (``upload`` is the form's file)."""
    return ImportBatch.objects.create(
        kind=kind, school=school, file=upload, original_name=upload.name[:255], uploaded_by=acting_user
    )


def import_batch_record(*, batch: ImportBatch, result, status: str) -> None:
    """Store a validation or import outcome (``result.as_summary()``) and the batch's new status."""
    from django.utils import timezone

    batch.summary = result.as_summary()
    batch.status = status
    fields = ["summary", "status"]
    if status == ImportBatch.Status.DONE:
        batch.imported_at = timezone.now()
        fields.append("imported_at")
    batch.save(update_fields=fields)


@transaction.atomic
def import_files_purge(*, now=None) -> tuple[int, int]:
    """Delete uploaded import files past ``settings.IMPORT_FILE_RETENTION_DAYS`` (default 30 days).

    An uploaded roster or ledger holds every ID and bank number of a school (PIPL art. 19: keep it
    only as long as needed). Batches never imported (``preview``/``failed``) older than the period are
    deleted with their file; imported ones (``done``) keep their row and stored summary (the upload page
    lists them) but lose the file. Files are deleted after the commit. Idempotent.
    Returns ``(batches deleted, files removed from imported batches)``. Run by ``manage.py purge_expired``.
    """
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
    old = ImportBatch.objects.filter(created_at__lt=cutoff).exclude(file="")
    names = []
    stale = list(old.exclude(status=ImportBatch.Status.DONE))
    names += [b.file.name for b in stale]
    deleted = ImportBatch.objects.filter(pk__in=[b.pk for b in stale]).delete()[0]
    done = list(old.filter(status=ImportBatch.Status.DONE))
    names += [b.file.name for b in done]
    ImportBatch.objects.filter(pk__in=[b.pk for b in done]).update(file="")
    storage = ImportBatch._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(n) for n in names if n])
    return deleted, len(done)


def recent_batches(*, kind: str, school: Organization, limit: int = 5) -> list[ImportBatch]:
    """The school's latest batches of ``kind``, newest first, with their uploaders."""
    return list(ImportBatch.objects.filter(kind=kind, school=school).select_related("uploaded_by")[:limit])


def get_batch_for_user(importer: Importer, request, pk: int) -> ImportBatch:
    """The batch ``pk`` of the importer's kind in the request's school; 403 for non-importers, else 404."""
    school = importer.school_for_request(request)
    return get_object_or_404(ImportBatch, pk=pk, kind=importer.kind, school=school)


def _read(batch: ImportBatch) -> bytes:
    with batch.file.open("rb") as fh:
        return fh.read()


# --- The three steps (called by the app's decorated views) ---------------------------------------


def upload(request, importer: Importer) -> HttpResponse:
    """GET: the upload page; POST: keep a valid upload as a batch and go to its preview."""
    school = importer.school_for_request(request)
    form = importer.form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = import_batch_create(
            kind=importer.kind, school=school, upload=form.cleaned_data["file"], acting_user=request.user
        )
        return redirect(importer.links(batch.pk)["preview"])
    recent = recent_batches(kind=importer.kind, school=school)
    for batch in recent:
        batch.preview_url = importer.links(batch.pk)["preview"]
    context = {"importer": importer, "form": form, "school": school, "recent": recent, "links": importer.links()}
    context.update(importer.upload_context(school))
    return render(request, importer.upload_template, context)


def preview(request, importer: Importer, pk: int) -> HttpResponse:
    """Every problem by row and column, or a summary of what confirming will write."""
    batch = get_batch_for_user(importer, request, pk)
    context = {"importer": importer, "batch": batch, "result": None, "done": True, "note": "",
               "links": importer.links(batch.pk)}
    if batch.status == ImportBatch.Status.DONE:
        context["summary_line"] = importer.done_summary(batch.summary)
        return render(request, importer.preview_template, context)
    result = importer.validate(school=batch.school, data=_read(batch), filename=batch.original_name)
    status = ImportBatch.Status.PREVIEW if result.ok else ImportBatch.Status.FAILED
    import_batch_record(batch=batch, result=result, status=status)
    context.update(result=result, done=False)
    if result.ok:
        context.update(summary_line=importer.ready_summary(result), note=importer.ready_note(result))
    return render(request, importer.preview_template, context)


def confirm(request, importer: Importer, pk: int) -> HttpResponse:
    """Write a clean, previewed file in one transaction; a file with errors writes nothing."""
    batch = get_batch_for_user(importer, request, pk)
    if batch.status == ImportBatch.Status.DONE:
        messages.info(request, _("该文件已经导入过了。"))
        return redirect(importer.done_url)
    extra = {"batch": batch} if importer.takes_batch else {}
    result = importer.apply(
        school=batch.school, data=_read(batch), filename=batch.original_name, acting_user=request.user,
        request=request, **extra,
    )
    if not result.written:
        import_batch_record(batch=batch, result=result, status=ImportBatch.Status.FAILED)
        messages.error(request, _("文件有错误，未写入任何数据。请修改后重新上传。"))
        return redirect(importer.links(batch.pk)["preview"])
    import_batch_record(batch=batch, result=result, status=ImportBatch.Status.DONE)
    messages.success(request, importer.done_message(result))
    return redirect(importer.done_url)


def template(request, importer: Importer) -> HttpResponse:
    """A blank .xlsx template (standard headers, one example row) for users who may import."""
    importer.school_for_request(request)
    return xlsx_response(
        importer.template_headers,
        [importer.template_example],
        title=importer.template_title,
        filename=importer.template_filename,
    )


def views(importer: Importer):
    """The four views of ``importer``'s flow, decorated, for the app's ``urls.py``:
    ``upload`` (GET/POST), ``preview`` (GET, ``pk``), ``confirm`` (POST, ``pk``) and
    ``template`` (GET), all for logged-in users; see ``upload``, ``preview``, ``confirm``, ``template``."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def upload_view(request):
        return upload(request, importer)

    @login_required
    @require_GET
    def preview_view(request, pk: int):
        return preview(request, importer, pk)

    @login_required
    @require_POST
    def confirm_view(request, pk: int):
        return confirm(request, importer, pk)

    @login_required
    @require_GET
    def template_view(request):
        return template(request, importer)

    for view, step in (
        (upload_view, upload),
        (preview_view, preview),
        (confirm_view, confirm),
        (template_view, template),
    ):
        view.__doc__ = step.__doc__
    return upload_view, preview_view, confirm_view, template_view
