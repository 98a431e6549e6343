"""``manage.py reset_report_stats``: forget every cached report statistic (after a restore or psql edits)."""

from django.core.management.base import BaseCommand

from reports.stats_cache import invalidate


class Command(BaseCommand):
    help = "让报告统计缓存全部失效（恢复备份或直接改库之后使用）。"

    def handle(self, *args, **options):
        invalidate()
        self.stdout.write("报告统计缓存已失效。")
