"""``manage.py import_welfare FILE [--school CODE] [--dry-run]``: import a historical 慰问台账.

Exits with status 1 and prints every row error when the file has any; then
nothing is written.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from members.models import ImportBatch, Organization
from welfare.importer import welfare_import


class Command(BaseCommand):
    help = "Import a historical welfare ledger (.xlsx or .csv); all-or-nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--school", help="school union code (default: the only school)")
        parser.add_argument("--dry-run", action="store_true", help="check the file and write nothing")

    def handle(self, *args, file, school, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        schools = Organization.objects.filter(kind=Organization.Kind.SCHOOL)
        if school:
            schools = schools.filter(code=school)
        if schools.count() != 1:
            raise CommandError("请用 --school 指定学校工会编码" if not school else f"没有编码为 {school} 的学校工会")
        result = welfare_import(school=schools.get(), data=path.read_bytes(), filename=path.name, dry_run=dry_run)
        if result.file_error:
            self.stderr.write(f"文件错误：{result.file_error}")
            raise SystemExit(1)
        if result.errors:
            for e in result.errors:
                self.stderr.write(f"第 {e.row} 行 [{e.column}]：{e.message}")
            self.stderr.write(f"共 {len(result.errors)} 处错误，未写入任何数据。")
            raise SystemExit(1)
        verb = "检查通过（未写入）" if dry_run else "导入完成"
        self.stdout.write(self.style.SUCCESS(f"{verb}：{len(result.rows)} 条慰问记录，合计 {result.total:.2f} 元。"))
        _ = ImportBatch  # the browser flow records an ImportBatch; the command writes directly
