"""The shared shape of the spreadsheet import commands (``import_members``, ``import_welfare``).

A subclass names what it imports and implements ``run_import`` and ``summary``; this base
resolves the file and the school, prints every row error in Chinese, and exits with status 1
when the file has any (then nothing was written, the importers being all-or-nothing).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from members.models import Organization


class ImportCommand(BaseCommand):
    """``manage.py <command> FILE [--school CODE] [--dry-run]`` for an all-or-nothing importer."""

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--school", help="school union code (default: the only school)")
        parser.add_argument("--dry-run", action="store_true", help="check the file and write nothing")

    def run_import(self, *, school: Organization, data: bytes, filename: str, dry_run: bool):
        """Validate and (unless ``dry_run``) write; return a result with ``file_error`` and ``errors``."""
        raise NotImplementedError

    def summary(self, result) -> str:
        """What was (or would be) written, in Chinese."""
        raise NotImplementedError

    def handle(self, *args, file, school, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        schools = Organization.objects.filter(kind=Organization.Kind.SCHOOL)
        if school:
            schools = schools.filter(code=school)
        if schools.count() != 1:
            raise CommandError("请用 --school 指定学校工会编码" if not school else f"没有编码为 {school} 的学校工会")
        result = self.run_import(school=schools.get(), data=path.read_bytes(), filename=path.name, dry_run=dry_run)
        if result.file_error:
            self.stderr.write(f"文件错误：{result.file_error}")
            raise SystemExit(1)
        if result.errors:
            for e in result.errors:
                self.stderr.write(f"第 {e.row} 行 [{e.column}]：{e.message}")
            self.stderr.write(f"共 {len(result.errors)} 处错误，未写入任何数据。")
            raise SystemExit(1)
        verb = "检查通过（未写入）" if dry_run else "导入完成"
        self.stdout.write(self.style.SUCCESS(f"{verb}：{self.summary(result)}"))


class RecordImportCommand(ImportCommand):
    """``manage.py import_<kind> FILE [--school CODE] [--dry-run]`` for a record importer
    (``union_portal.lib.record_imports``). A command module is just::

        class Command(RecordImportCommand):
            kind = ImportBatch.Kind.FESTIVAL

    The file is kept as an ``ImportBatch`` without an uploader, so the records say where they came from.
    """

    kind: str = ""

    @property
    def help(self):
        from .record_imports import importer_for

        importer = importer_for(self.kind)
        return f"Import {self.kind} ({importer.template_title}); all-or-nothing, re-import skips existing rows."

    def run_import(self, *, school: Organization, data: bytes, filename: str, dry_run: bool):
        from .record_imports import importer_for, run_file

        return run_file(importer_for(self.kind), school=school, data=data, filename=filename, dry_run=dry_run)

    def summary(self, result) -> str:
        from .record_imports import describe

        return describe(result.created, result.skipped, result.totals)
