"""The record-import kernel (union_portal/lib/record_imports.py): batches, provenance, all-or-nothing runs.

A small importer of departments stands in for the real kinds (each app tests its own importers); it is not
registered, so the shared routes and the permission matrix do not see it.
"""

from __future__ import annotations

import io

import pytest
from django.db import transaction
from django.http import Http404
from openpyxl import Workbook

from members.models import AuditEntry, Department, ImportBatch, ImportedRecord
from union_portal.lib import columns
from union_portal.lib.columns import Column, ColumnSpec, validate_rows
from union_portal.lib.record_imports import (
    RecordImporter,
    RecordResult,
    audit_import,
    describe,
    imported_ids,
    importer_for,
    mark_imported,
    provenance,
    run_file,
)
from union_portal.lib.tabular import TableFileError

pytestmark = pytest.mark.django_db
SPEC = ColumnSpec(
    Column("name", "部门", ("科室",), required=True, parse=columns.name(), blank_error="部门不能为空"),
    Column("note", "备注", (), default=""),
)


class DepartmentImport(RecordImporter):
    kind = ImportBatch.Kind.ROSTER
    title = "部门"

    def validate(self, *, school, data, filename):
        result = RecordResult()
        try:
            table = SPEC.read(data, filename)
        except TableFileError as exc:
            result.file_error = str(exc)
            return result
        rows, result.errors = validate_rows(table, SPEC)
        result.rows = [r.values for r in rows]
        return result

    @transaction.atomic
    def apply(self, *, school, data, filename, acting_user=None, request=None, batch=None, dry_run=False):
        result = self.validate(school=school, data=data, filename=filename)
        if not result.ok or dry_run:
            return result
        have = set(Department.objects.filter(school=school).values_list("name", flat=True))
        made = []
        for row in result.rows:
            if row["name"] in have:
                result.skipped += 1
                continue
            have.add(row["name"])
            made.append(Department.objects.create(school=school, name=row["name"]))
        result.count("部门", len(made))
        mark_imported(batch, made)
        result.written = True
        audit_import(request=request, acting_user=acting_user, school=school, batch=batch, kind_label="部门",
                     filename=filename, result=result)  # fmt: skip
        return result


def xlsx(*names) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["某校部门一览"])
    ws.append(["科室", "备注"])
    for n in names:
        ws.append([n, "x"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_run_file_keeps_the_file_as_a_batch_and_marks_every_record(school):
    importer = DepartmentImport()
    result = run_file(importer, school=school, data=xlsx("教务处", "总务处"), filename="部门.xlsx")
    assert result.written and result.created == {"部门": 2}
    batch = ImportBatch.objects.get(original_name="部门.xlsx")
    assert batch.status == "done" and batch.uploaded_by is None and batch.imported_at is not None
    assert batch.summary["created"] == {"部门": 2}
    made = Department.objects.filter(school=school, name__in=["教务处", "总务处"])
    assert imported_ids(Department, [d.pk for d in made]) == {d.pk for d in made}
    assert provenance(made[0]) == batch
    entry = AuditEntry.objects.get(action="import")
    assert f"批次 #{batch.pk}" in entry.summary and "部门.xlsx" in entry.summary

    again = run_file(importer, school=school, data=xlsx("教务处", "总务处", "后勤处"), filename="部门.xlsx")
    assert again.skipped == 2 and again.created == {"部门": 1}
    assert Department.objects.filter(school=school).count() == made.count() + 1


def test_a_file_with_errors_keeps_no_batch_and_writes_nothing(school):
    before = Department.objects.count()
    result = run_file(DepartmentImport(), school=school, data=xlsx("教务处", None, "  "), filename="坏.xlsx")
    assert not result.written and Department.objects.count() == before
    # A blank row is skipped by the reader; the errors name rows when a cell is blank in a kept row.
    assert not ImportBatch.objects.filter(original_name="坏.xlsx").exists()
    assert not ImportedRecord.objects.exists()


def test_dry_run_writes_nothing(school):
    result = run_file(DepartmentImport(), school=school, data=xlsx("教务处"), filename="部门.xlsx", dry_run=True)
    assert result.ok and not result.written and not ImportBatch.objects.exists()


def test_records_entered_in_the_portal_have_no_provenance(school):
    dept = Department.objects.create(school=school, name="校长室")
    assert provenance(dept) is None and imported_ids(Department, [dept.pk]) == set()
    assert imported_ids(Department, []) == set()


def test_unknown_kind_is_404():
    with pytest.raises(Http404):
        importer_for("nosuch")


def test_describe_is_plain_chinese():
    assert describe({"发放记录": 3}, 2, {"人次": 3}) == "新增 发放记录 3 条；已存在（按自然键）跳过 2 行；文件合计：人次 3"
    assert describe({}, 0) == "无新增记录"


def test_index_lists_every_import_roster_first(login, chair, school, member):
    from django.urls import reverse

    from union_portal.lib.record_imports import importers

    client = login(chair)
    html = client.get(reverse("imports:index")).content.decode()
    kinds = [k for k in ImportBatch.Kind.values if f'data-kind="{k}"' in html]
    assert kinds[:2] == ["roster", "welfare"] and set(importers()) <= set(kinds)
    assert html.index('data-kind="roster"') < html.index('data-kind="welfare"')
    assert login(member).get(reverse("imports:index")).status_code == 403


def test_the_reader_keeps_the_title_rows_above_the_header():
    """``Table.preamble``: what importers read a list's title, festival or session from (one reading)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["２０２５年中秋节　慰问品发放签领表"])
    ws.append([None, None])
    ws.append(["制表日期：", "2025年9月1日"])
    ws.append(["科室", "备注"])
    ws.append(["教务处", "x"])
    buf = io.BytesIO()
    wb.save(buf)
    table = SPEC.read(buf.getvalue(), "a.xlsx")
    assert table.preamble == ["2025年中秋节 慰问品发放签领表", "制表日期: 2025年9月1日"]
    assert table.header_row == 4 and len(table.rows) == 1
