"""manage.py build_report --org CODE --start YYYY-MM-DD --end YYYY-MM-DD [--period-kind KIND]
--format html|pdf|docx --out PATH

``--period-kind`` is calendar_year, school_year, congress_term or custom; by default it is guessed
from the dates (``reports.periods.guess_kind``). Works on a database without users (the batch
draft has no creator and is rolled back). ``--out`` may be a directory: the file is then named
by organisation and period ("XX学校工会2025—2026学年工作报告.pdf").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from members.models import Organization
from reports import periods, services
from reports.models import AnnualReport
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
        parser.add_argument("--period-kind", choices=list(periods.KINDS), default=None,
                            help="default: guessed from the dates")
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
        kind = opts["period_kind"] or periods.guess_kind(start, end)
        reports = AnnualReport.objects.filter(organization=org, start=start, end=end)
        if opts["period_kind"]:
            reports = reports.filter(period_kind=kind)
        report = None if opts["fresh"] else reports.order_by("-updated_at").first()
        if report is not None:
            version = report.versions.order_by("-number").first() if report.is_final else None
            snapshot = version.snapshot if version else services.report_snapshot(report)
            source = f"第{version.number}版定稿" if version else "草稿"
        else:
            from django.db import transaction

            with transaction.atomic():
                draft = services.report_create(organization=org, start=start, end=end, period_kind=kind,
                                               acting_user=None)
                snapshot = services.report_snapshot(draft)
                transaction.set_rollback(True)  # a batch run leaves no draft behind
            source = "按记录新生成"
        data = render(snapshot, opts["format"])
        out = Path(opts["out"])
        if out.is_dir():
            name = services.export_filename(org.name, snapshot.get("period_kind") or kind, start, end)
            out = out / f"{name}.{opts['format']}"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        self.stdout.write(f"{out}: {len(data)} bytes ({org.name}, {source})")
