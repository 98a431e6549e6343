"""manage.py build_report --org CODE --start YYYY-MM-DD --end YYYY-MM-DD --format html|pdf|docx --out PATH"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from members.models import Organization
from reports import services
from reports.models import AnnualReport, PeriodKind
from reports.output import render


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from None


class Command(BaseCommand):
    help = "Build the annual union work report of one organisation for a period (html, pdf or docx)."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organisation code, e.g. S01")
        parser.add_argument("--start", required=True)
        parser.add_argument("--end", required=True)
        parser.add_argument("--format", choices=["html", "pdf", "docx"], default="pdf")
        parser.add_argument("--out", required=True)
        parser.add_argument("--fresh", action="store_true",
                            help="ignore an existing report and use default text with current figures")

    def handle(self, *args, **opts):
        org = Organization.objects.filter(code=opts["org"]).first()
        if org is None:
            raise CommandError(f"没有编码为 {opts['org']} 的组织。")
        start, end = _date(opts["start"]), _date(opts["end"])
        if start > end:
            raise CommandError("截止日期不能早于起始日期。")
        report = None if opts["fresh"] else (
            AnnualReport.objects.filter(organization=org, start=start, end=end).order_by("-updated_at").first()
        )
        if report is not None:
            version = report.versions.order_by("-number").first() if report.is_final else None
            snapshot = version.snapshot if version else services.report_snapshot(report)
            source = f"第{version.number}版定稿" if version else "草稿"
        else:
            from django.contrib.auth import get_user_model
            from django.db import transaction

            user = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.first()
            if user is None:
                raise CommandError("数据库中没有用户。")
            with transaction.atomic():
                kind = PeriodKind.CALENDAR_YEAR if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) \
                    else PeriodKind.CUSTOM
                draft = services.report_create(organization=org, start=start, end=end, period_kind=kind,
                                               acting_user=user)
                snapshot = services.report_snapshot(draft)
                transaction.set_rollback(True)  # a batch run leaves no draft behind
            source = "按记录新生成"
        data = render(snapshot, opts["format"])
        out = Path(opts["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        self.stdout.write(f"{out}: {len(data)} bytes ({org.name}, {source})")
