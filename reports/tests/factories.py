import datetime as dt

from reports import services
from reports.models import PeriodKind


def make_report(organization, user, *, year=2021, **kwargs):
    """A draft report for a calendar year, built by the real service (figures from the selectors)."""
    return services.report_create(
        organization=organization,
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
        period_kind=PeriodKind.CALENDAR_YEAR,
        acting_user=user,
        **kwargs,
    )
