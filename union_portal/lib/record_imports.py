"""Importers of a school's past records (发放签领表, 捐款名单, 荣誉名单, 提案汇总表 …), on one shared shape.

Every kind of historical list a school keeps in Excel comes in the same way:

- **In the browser**, on four shared routes (``imports:upload``, ``imports:template``, ``imports:preview``,
  ``imports:confirm``, each taking the ``kind``), through the upload → preview → confirm flow of
  ``union_portal.lib.imports``. The list page of that kind links to ``imports:upload``.
- **On the command line**: ``manage.py import_<kind> FILE --school CODE [--dry-run]``; the command is
  ``RecordImportCommand`` with the importer's ``kind`` (``<app>/management/commands/import_<kind>.py``).

Both paths keep the file as an ``ImportBatch`` (the command's has no ``uploaded_by``) and write through the
importer's ``apply``, which must:

1. validate the whole file (``union_portal.lib.columns``; people through ``members.matching.MemberMatcher``);
   any row error and nothing is written;
2. skip rows whose record already exists by the kind's **natural key** (a re-import creates no
   duplicates; the result counts them in ``skipped``);
3. write the new records in one transaction, without the live workflow (no notices, reminders or e-mail),
   call ``mark_imported(batch, records)`` so each record's page can say where it came from, and
4. write one audit entry with ``audit_import``.

An app declares its importers in ``<app>/importers/<kind>.py`` and calls ``register(IMPORTER)`` at module
level; ``importers()`` imports every installed app's ``importers`` package on first use, so no list of
kinds is kept anywhere else (the permission matrix walks the registry).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy

from members.models import AuditEntry, ImportBatch, ImportedRecord, Organization

from . import imports
from .audit import audit
from .tabular import RowError


@dataclass
class RecordResult:
    """Outcome of a record import or its preview.

    ``file_error`` (a whole-file problem, Chinese) or ``errors`` (``tabular.RowError`` by row) mean nothing
    is written. ``rows`` are the clean rows (dicts, the importer's shape); ``created`` counts records written
    (or, in a preview, to be written) by kind label (``{"发放记录": 120}``), ``skipped`` the rows already
    present by natural key; ``totals`` are the file's totals an importer reports (``{"人次": 120,
    "金额": Decimal("24000.00")}``; yuan as ``Decimal``); ``written`` is True once committed.
    """

    file_error: str = ""
    errors: list[RowError] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    totals: dict[str, object] = field(default_factory=dict)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors

    def count(self, label: str, n: int = 1) -> None:
        """Add ``n`` to ``created[label]``."""
        self.created[label] = self.created.get(label, 0) + n

    def as_summary(self) -> dict:
        """JSON-able summary stored on the batch (Decimal totals as strings)."""
        return {
            "file_error": self.file_error,
            "errors": [e.as_dict() for e in self.errors],
            "rows": len(self.rows),
            "created": dict(self.created),
            "skipped": self.skipped,
            "totals": {k: str(v) if isinstance(v, Decimal) else v for k, v in self.totals.items()},
            "written": self.written,
        }


def describe(created: dict, skipped: int, totals: dict | None = None) -> str:
    """``新增 发放记录 120 条、节日发放 2 次；已存在跳过 3 行；人次 120，金额 24000.00`` (Chinese)."""
    made = "、".join(f"{label} {n} 条" for label, n in created.items() if n) or "无新增记录"
    text = f"新增 {made}" if created and any(created.values()) else made
    if skipped:
        text += f"；已存在（按自然键）跳过 {skipped} 行"
    if totals:
        text += "；文件合计：" + "，".join(f"{k} {v}" for k, v in totals.items())
    return text


class RecordImporter(imports.Importer):
    """A historical-record importer on the shared ``imports:`` routes (see the module docstring).

    A subclass sets ``kind`` (an ``ImportBatch.Kind``), ``title``, ``columns_help``, ``upload_note`` (optional),
    ``template_headers``/``template_example``/``template_title``/``template_filename``, ``done_url`` (the
    list page), ``natural_key_help`` (the natural key in words, for the note and the upload page) and
    implements ``validate(*, school, data, filename) → RecordResult`` and
    ``apply(*, school, data, filename, acting_user, request, batch, dry_run=False) → RecordResult``.
    ``school_for`` (who may import) defaults to the school's chair and committee (``members.access.import_school``).
    """

    namespace = "imports"
    takes_batch = True
    upload_note = gettext_lazy(
        "上传后先逐行检查，确认无误后才会写入；有任何错误时一条也不会写入；已导入过的行会跳过，不会重复。"
    )
    natural_key_help: str = ""
    spec = None
    """The importer's ``columns.ColumnSpec`` (or a list of them for a file with row kinds); when set, the
    accepted headers on the upload page, the imports index and ``headers()`` come from it."""

    @property
    def columns_help(self) -> str:
        """Every accepted header: the standard one, its aliases, and whether the column is required."""
        return "；".join(
            c.label + (f"（或：{'、'.join(c.aliases)}）" if c.aliases else "") + ("，必填" if c.required else "")
            for c in self.columns()
        )

    def columns(self) -> list:
        """The ``columns.Column`` objects of ``spec`` (every spec's, once per key), in order."""
        specs = self.spec if isinstance(self.spec, list | tuple) else [self.spec] if self.spec is not None else []
        seen, found = set(), []
        for spec in specs:
            for column in spec:
                if column.key not in seen:
                    seen.add(column.key)
                    found.append(column)
        return found

    @property
    def form_class(self):
        from .forms import ImportUploadForm

        return ImportUploadForm

    @property
    def urls(self) -> dict[str, str]:
        return {
            "upload": "imports:upload",
            "preview": "imports:preview",
            "confirm": "imports:confirm",
            "template": "imports:template",
        }

    def url_kwargs(self) -> dict:
        return {"kind": self.kind}

    def done_message(self, result: RecordResult) -> str:
        return "导入完成：" + describe(result.created, result.skipped, result.totals)

    def done_summary(self, summary: dict) -> str:
        return "该文件已导入：" + describe(summary.get("created", {}), summary.get("skipped", 0), summary.get("totals"))

    def ready_summary(self, result: RecordResult) -> str:
        return "全部通过检查。确认后将" + describe(result.created, result.skipped, result.totals)

    def upload_context(self, school: Organization) -> dict:
        return {"natural_key_help": self.natural_key_help}


_IMPORTERS: dict[str, RecordImporter] = {}
_DISCOVERED = False


def register(importer: RecordImporter) -> RecordImporter:
    """Make ``importer`` reachable on the shared routes and by ``RecordImportCommand``; returns it."""
    _IMPORTERS[importer.kind] = importer
    return importer


def importers() -> dict[str, RecordImporter]:
    """Every registered record importer by kind (imports each installed app's ``importers`` package once)."""
    global _DISCOVERED
    if not _DISCOVERED:
        for config in apps.get_app_configs():
            try:
                package = importlib.import_module(f"{config.name}.importers")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.importers":
                    raise
                continue
            for info in pkgutil.iter_modules(package.__path__):
                importlib.import_module(f"{package.__name__}.{info.name}")
        _DISCOVERED = True
    return dict(sorted(_IMPORTERS.items()))


def importer_for(kind: str) -> RecordImporter:
    """The importer of ``kind``; raises ``Http404`` for an unknown kind."""
    found = importers().get(kind)
    if found is None:
        raise Http404("没有这种导入")
    return found


# --- Provenance -------------------------------------------------------------------------------------


def mark_imported(batch: ImportBatch | None, records: Iterable) -> int:
    """Record that ``records`` (saved model instances, any models) came in with ``batch``; returns how many.

    Call inside the import's transaction. ``batch`` None (a dry run) writes nothing.
    """
    if batch is None:
        return 0
    rows = []
    types: dict[type, ContentType] = {}
    for record in records:
        model = type(record)
        if model not in types:
            types[model] = ContentType.objects.get_for_model(model)
        rows.append(ImportedRecord(batch=batch, content_type=types[model], object_id=record.pk))
    ImportedRecord.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def provenance(record) -> ImportBatch | None:
    """The batch ``record`` was imported with (uploader loaded), or None when it was entered in the portal.
    One query."""
    if record is None or record.pk is None:
        return None
    found = (
        ImportedRecord.objects.filter(content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk)
        .select_related("batch", "batch__uploaded_by")
        .first()
    )
    return found.batch if found else None


def imported_ids(model, ids: Iterable[int]) -> set[int]:
    """Which of ``ids`` (pks of ``model``) were imported; one query, for a list page's "导入" marks."""
    ids = list(ids)
    if not ids:
        return set()
    content_type = ContentType.objects.get_for_model(model)
    return set(
        ImportedRecord.objects.filter(content_type=content_type, object_id__in=ids).values_list("object_id", flat=True)
    )


def audit_import(
    *,
    request,
    acting_user,
    school: Organization,
    batch: ImportBatch | None,
    kind_label: str,
    filename: str,
    result: RecordResult,
) -> AuditEntry:
    """The one audit entry of a confirmed import: kind, file, batch number and what was written."""
    where = f"批次 #{batch.pk}" if batch is not None else "无批次"
    summary = f"导入{kind_label} {filename}（{where}）：{describe(result.created, result.skipped, result.totals)}"
    return audit(request, AuditEntry.Action.IMPORT, batch, user=acting_user, organization=school, summary=summary)


def import_finish(
    result: RecordResult,
    *,
    kind: str,
    records: Iterable,
    batch: ImportBatch | None,
    school: Organization,
    filename: str,
    acting_user=None,
    request=None,
) -> RecordResult:
    """The end of every importer's ``apply``, inside its transaction: mark ``records`` with ``batch``
    (provenance), set ``result.written`` and write the one audit entry, named by the ``ImportBatch.Kind``
    label of ``kind``. Returns ``result``."""
    mark_imported(batch, records)
    result.written = True
    audit_import(request=request, acting_user=acting_user, school=school, batch=batch,
                 kind_label=str(ImportBatch.Kind(kind).label), filename=filename, result=result)  # fmt: skip
    return result


# --- Running an import outside the browser ----------------------------------------------------------------


@transaction.atomic
def run_file(
    importer: RecordImporter,
    *,
    school: Organization,
    data: bytes,
    filename: str,
    acting_user=None,
    dry_run: bool = False,
) -> RecordResult:
    """Validate (``dry_run``) or import a file as the command line does: the file is kept as a batch
    (``uploaded_by`` = ``acting_user``, None from the command line) so its records can say where they came
    from; a file with errors keeps no batch. Returns the importer's ``RecordResult``."""
    if dry_run:
        return importer.validate(school=school, data=data, filename=filename)
    batch = ImportBatch.objects.create(
        kind=importer.kind,
        school=school,
        file=ContentFile(data, name=filename),
        original_name=filename[:255],
        uploaded_by=acting_user,
    )
    result = importer.apply(
        school=school, data=data, filename=filename, acting_user=acting_user, request=None, batch=batch
    )
    if not result.written:
        transaction.set_rollback(True)
        return result
    batch_finish(batch=batch, result=result)
    return result


def batch_finish(*, batch: ImportBatch, result: RecordResult) -> None:
    """Mark ``batch`` imported now with ``result``'s summary (as the browser flow's confirm does)."""
    imports.import_batch_record(batch=batch, result=result, status=ImportBatch.Status.DONE)


# --- The index of every import a school can run -------------------------------------------------------------

_FLOWS: dict[str, imports.Importer] = {}


def register_flow(importer: imports.Importer) -> imports.Importer:
    """List an import flow on its own routes (the roster, the welfare ledger) on the imports index page."""
    _FLOWS[importer.kind] = importer
    return importer


def catalogue(school: Organization) -> list[dict]:
    """Every import the school can run, in ``ImportBatch.Kind`` order (roster first: the other lists name
    people on it): ``[{"importer", "label", "links", "last": ImportBatch | None, "done": int}]`` where ``last`` is the
    latest batch of that kind and ``done`` counts the files imported. Three queries."""
    from django.db.models import Count, Max, Q

    found = {**_FLOWS, **importers()}
    order = {kind: i for i, kind in enumerate(ImportBatch.Kind.values)}
    per_kind = (
        ImportBatch.objects.filter(school=school)
        .values("kind")
        .annotate(last=Max("pk"), done=Count("pk", filter=Q(status=ImportBatch.Status.DONE)))
    )
    done = {r["kind"]: r["done"] for r in per_kind}
    latest = ImportBatch.objects.filter(pk__in=[r["last"] for r in per_kind]).select_related("uploaded_by")
    last = {b.kind: b for b in latest}
    return [
        {"importer": imp, "label": ImportBatch.Kind(kind).label, "links": imp.links(), "last": last.get(kind),
         "done": done.get(kind, 0)}
        for kind, imp in sorted(found.items(), key=lambda kv: order.get(kv[0], len(order)))
    ]
