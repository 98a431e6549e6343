"""``manage.py purge_expired [--dry-run]``: anonymise sensitive details past the retention period."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from members.retention import expired_members, purge_expired
from union_portal.lib.imports import import_files_purge


class Command(BaseCommand):
    help = "Anonymise sensitive details of members who left or died more than RETENTION_YEARS ago (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count who would be anonymised")

    def handle(self, *args, dry_run, **options):
        count = expired_members().count()
        if dry_run:
            self.stdout.write(f"保存期限 {settings.RETENTION_YEARS} 年：{count} 名已调离或去世的教职工到期。")
            return
        with transaction.atomic():
            result = purge_expired()
            batches, files = import_files_purge()
        self.stdout.write(self.style.SUCCESS(
            f"已匿名化：教职工 {result.members} 人，亲属 {result.family} 条，其他记录 {result.app_rows} 条。"
        ))
        self.stdout.write(f"导入文件（保存 {settings.IMPORT_FILE_RETENTION_DAYS} 天）：删除未导入批次 {batches} 个，"
                          f"清除已导入批次的文件 {files} 个。")
