import datetime as dt
from decimal import Decimal

from django.db.models import Count, Sum

from members.retention import ANONYMISED, purge_expired
from members.tests.factories import MemberFactory
from welfare.models import HardshipCase, WelfareVisit
from welfare.tests.factories import WelfareVisitFactory, occasion


def test_purge_blanks_welfare_details_of_expired_members_and_keeps_the_totals(school, settings):
    settings.RETENTION_YEARS = 5
    gone = MemberFactory(organization=school, status="left", status_changed_on=dt.date(2018, 6, 30))
    here = MemberFactory(organization=school)
    WelfareVisitFactory(member=gone, occasion=occasion("hospitalisation"), notes="胃癌术后住院", cash_amount=Decimal("800"))
    WelfareVisitFactory(member=here, occasion=occasion("hospitalisation"), notes="骨折住院")
    HardshipCase.objects.create(member=gone, reason="配偶重病", level="general", opened_on=dt.date(2017, 3, 1),
                                notes="医疗费用高")
    totals = lambda: WelfareVisit.objects.aggregate(n=Count("pk"), cash=Sum("cash_amount"))  # noqa: E731
    before = totals()

    result = purge_expired(on=dt.date(2026, 11, 21))
    assert result.app_rows == 2
    assert WelfareVisit.objects.get(member=gone).notes == ""
    assert WelfareVisit.objects.get(member=here).notes == "骨折住院"
    case = HardshipCase.objects.get(member=gone)
    assert (case.reason, case.notes) == (ANONYMISED, "")
    assert totals() == before

    assert purge_expired(on=dt.date(2026, 11, 21)).app_rows == 0
