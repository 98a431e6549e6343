"""Reads of the welfare app for pages and for the annual report.

Every aggregate runs in SQL (``aggregate``/``annotate`` with ``Count``/``Sum``),
with a fixed number of queries whatever the data size. The annual report's
figures are in ``welfare.report``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from members.models import Member, MemberStatus, Organization

from .access import hidden_visits_q, visible_visits_q
from .models import (
    DistributionRecipient,
    Festival,
    PendingVisit,
    WelfareVisit,
)

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


def _sum(expr) -> Coalesce:
    return Coalesce(Sum(expr), Value(ZERO), output_field=MONEY_FIELD)


VISIT_TOTAL = F("cash_amount") + F("gift_value")


def _visit_aggregates(member_field: str = "member_id") -> dict:
    return {
        "count": Count("pk"),
        "persons": Count(member_field, distinct=True),
        "cash": _sum("cash_amount"),
        "gift": _sum("gift_value"),
        "total": _sum(VISIT_TOTAL),
    }


# --- Pages --------------------------------------------------------------------------------


def visit_ledger(user) -> QuerySet[WelfareVisit]:
    """Visits ``user`` may see as records, with everything a ledger row shows in one query."""
    return (
        WelfareVisit.objects.filter(visible_visits_q(user))
        .select_related("member__organization__parent", "member__department", "occasion", "family_member")
        .order_by("-visited_on", "-pk")
    )


def hidden_sensitive_visits(user) -> QuerySet[WelfareVisit]:
    """Visits in the user's scope whose sensitive detail they may not read (shown as a count).

    Empty without a query when the user's rules leave nothing hidden (a school chair sees all).
    """
    q = hidden_visits_q(user)
    return WelfareVisit.objects.none() if q is None else WelfareVisit.objects.filter(q)


def ledger_totals(qs: QuerySet[WelfareVisit]) -> dict:
    """The totals row: 人次, 人, 慰问金, 慰问品, 合计 (one query)."""
    return qs.order_by().aggregate(**_visit_aggregates())


def pending_for(user, *, today: dt.date, limit: int = 10) -> tuple[list[PendingVisit], int, int]:
    """Open pending visits in the user's manager scope: (first ``limit`` by due date, open count, overdue count)."""
    from members.access import MANAGER_ROLES, scope_q

    qs = PendingVisit.objects.filter(
        scope_q(user, "member__organization", *MANAGER_ROLES), status=PendingVisit.Status.OPEN
    )
    counts = qs.aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    rows = list(
        qs.select_related("member__organization__parent", "occasion", "family_member").order_by("due_on", "pk")[:limit]
    )
    for row in rows:
        row.is_overdue = row.due_on < today
    return rows, counts["open"], counts["overdue"]


def birthdays_this_month(node: Organization, *, today: dt.date) -> QuerySet[Member]:
    """Active members of ``node``'s subtree whose birthday falls in the current month, by day."""
    return (
        Member.objects.within(node)
        .filter(status=MemberStatus.ACTIVE, birth_date__month=today.month)
        .select_related("organization__parent")
        .order_by("birth_date__day", "staff_no")
    )


def upcoming_retirements(node: Organization, *, today: dt.date, days: int = 90) -> list[tuple[Member, dt.date]]:
    """Active members reaching retirement age within ``days``: (member, retirement date), soonest first.

    The birth-date window is computed in SQL from ``RETIREMENT_AGE_MALE/FEMALE``.
    """
    from .services import retirement_date

    horizon = today + dt.timedelta(days=days)

    def window(age: int):
        def shift(d: dt.date) -> dt.date:
            try:
                return d.replace(year=d.year - age)
            except ValueError:
                return d.replace(year=d.year - age, day=28)

        return (shift(today), shift(horizon))

    q = Q(gender="male", birth_date__range=window(settings.RETIREMENT_AGE_MALE)) | (
        ~Q(gender="male") & Q(birth_date__range=window(settings.RETIREMENT_AGE_FEMALE))
    )
    members = Member.objects.within(node).filter(q, status=MemberStatus.ACTIVE).select_related("organization__parent")
    rows = [(m, retirement_date(m)) for m in members]
    return sorted(rows, key=lambda r: r[1])


def compliance(node: Organization, *, year: int) -> dict:
    """Visits over their occasion's cap and members over the yearly festival cap in ``year``.

    Uses the rule set in force on 31 December of ``year`` (the school's own, else the shipped example).
    Three queries plus the rule set.
    """
    from .services import rule_set_for

    end = dt.date(year, 12, 31)
    rule_set = rule_set_for(node, end)
    result = {"rule_set": rule_set, "visits": [], "festival_members": [], "festival_cap": None}
    if rule_set is None:
        return result
    caps = {c.occasion_code: c.amount for c in rule_set.caps.all()}
    over_q = Q(pk__in=[])
    for code, amount in caps.items():
        over_q |= Q(occasion__code=code, total__gt=amount)
    visits = (
        WelfareVisit.objects.filter(member__organization__path__startswith=node.path, visited_on__year=year)
        .annotate(total=VISIT_TOTAL)
        .filter(over_q)
        .select_related("member", "occasion")
        .order_by("visited_on")
    )
    result["visits"] = [(v, caps[v.occasion.code]) for v in visits]
    cap = rule_set.festival_yearly_cap
    result["festival_cap"] = cap
    if cap is not None:
        result["festival_members"] = list(
            DistributionRecipient.objects.filter(
                distribution__organization__path__startswith=node.path, distribution__distributed_on__year=year
            )
            .exclude(distribution__festival=Festival.BIRTHDAY)
            .values("member_id", "member__name", "member__staff_no")
            .annotate(total=_sum("value"), times=Count("pk"))
            .filter(total__gt=cap)
            .order_by("-total", "member__staff_no")
        )
    return result
