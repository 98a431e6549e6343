"""Demo: a draft report of the last full calendar year (``ctx.year``) for the first demo school."""

from __future__ import annotations

import datetime as dt

from reports.models import PeriodKind


def load(ctx) -> None:
    if not ctx.users:
        return  # only the first school has demo logins; other schools start without a report
    from reports.services import report_create

    report = report_create(
        organization=ctx.school,
        start=dt.date(ctx.year, 1, 1),
        end=dt.date(ctx.year, 12, 31),
        period_kind=PeriodKind.CALENDAR_YEAR,
        acting_user=ctx.users["chair"],
        speaker="工会主席",
        report_date=min(dt.date(ctx.year + 1, 1, 14), ctx.today),
    )
    report.show_toc = False
    report.save(update_fields=["show_toc"])
