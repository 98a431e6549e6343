"""``manage.py load_demo [--scale N] [--district] [--schools N] [--today YYYY-MM-DD] [--flush]``: build the demo school."""

import datetime as dt
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from scripts.demo.members import DEMO_LOGINS, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Build the deterministic demo school (about 340 staff per scale unit) with one login per role."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="multiply the data (10 gives 3,400 staff per school)")
        parser.add_argument("--district", action="store_true", help="add a district union above several schools")
        parser.add_argument("--schools", type=int, default=3, help="number of schools with --district (default 3)")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="anchor date YYYY-MM-DD: records run over the five years before it (default: today)",
        )
        parser.add_argument("--flush", action="store_true", help="empty the database first")
        parser.add_argument("--if-empty", action="store_true", help="do nothing (exit 0) when demo data exists")

    def handle(self, *args, scale, district, schools, today, flush, if_empty, **options):
        if scale < 1 or schools < 1:
            raise CommandError("--scale 和 --schools 必须是正整数")
        if flush:
            call_command("flush", interactive=False, verbosity=0)
        started = time.monotonic()
        try:
            contexts = load_demo(scale=scale, district=district, schools=schools, today=today)
        except ValueError as exc:
            if if_empty:
                self.stdout.write(str(exc).split("。")[0] + "，跳过。")
                return
            raise CommandError(str(exc)) from None
        staff = sum(len(c.members) for c in contexts)
        self.stdout.write(
            self.style.SUCCESS(
                f"已创建 {len(contexts)} 所学校、{staff} 名教职工，用时 {time.monotonic() - started:.1f} 秒。"
            )
        )
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, _role, _where, _dept, label in DEMO_LOGINS:
            self.stdout.write(f"  {username:<10} {label}")
        self.stdout.write(f"  {'admin':<10} 系统管理员")
        if district:
            self.stdout.write(f"  {'district':<10} 区教育工会主席")
