"""Reads of the welfare app for pages and for the annual report.

Every aggregate runs in SQL (``aggregate``/``annotate`` with ``Count``/``Sum``),
with a fixed number of queries whatever the data size. The annual report's
figures are in ``welfare.report``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from members.models import FamilyMember, Member, MemberStatus, Organization

from .access import hidden_visits_q, person_scope_q, sensitive_q, visible_visits_q
from .models import (
    AidClaim,
    DistributionRecipient,
    DonationDrive,
    Festival,
    FestivalDistribution,
    HardshipAid,
    HardshipCase,
    HealthCheckCampaign,
    MutualAidPlan,
    PendingVisit,
    ServiceRecord,
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
    """Open pending visits in the user's manager scope: (first ``limit`` by due date, open count, overdue count).

    The counts cover every open pending visit in scope; the rows listed leave out those of a sensitive
    (health-related) occasion unless the user may read the member's sensitive records (``sensitive_q``:
    a district role, for example, sees them only in the counts).
    """
    from members.access import MANAGER_ROLES, scope_q

    from .access import sensitive_q

    qs = PendingVisit.objects.filter(
        scope_q(user, "member__organization", *MANAGER_ROLES), status=PendingVisit.Status.OPEN
    )
    counts = qs.aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    rows = list(
        qs.filter(~Q(occasion__is_sensitive=True) | sensitive_q(user)).select_related("member__organization__parent", "occasion", "family_member").order_by("due_on", "pk")[:limit]
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



# --- Page aggregates (the views' reads) -----------------------------------------------------------


class CountedRows:
    """A sliceable queryset whose row count is already known, so a paginator runs no COUNT query."""

    def __init__(self, rows: QuerySet, count: int):
        self.rows = rows
        self._count = count

    def count(self) -> int:
        """The row count given at construction (no query)."""
        return self._count

    def __getitem__(self, key):
        return self.rows[key]


def ledger_page_rows(rows: QuerySet[WelfareVisit], *, fields: tuple[str, ...], count: int) -> CountedRows:
    """The ledger's rows as dicts of ``fields`` (which may name ``family_relation``), ``count`` rows long.

    ``family_relation`` (a ``FamilyMember.Relation`` code or None) is a correlated lookup run for one
    page's rows only: two joins fewer than the instances needed, which on PostgreSQL cut the
    planning of a seven-table join per page from ~7 ms to ~1.2 ms (EXPLAIN at 10×). ``count`` is the
    ledger's 人次 total, already counted by the totals row, so paging costs no second COUNT.
    """
    family_relation = FamilyMember.objects.filter(pk=OuterRef("family_member_id")).values("relation")[:1]
    return CountedRows(rows.annotate(family_relation=Subquery(family_relation)).values(*fields), count)


def ledger_visitors(visit_ids: list[int]) -> dict[int, list[str]]:
    """Visit pk → its visitors' names in staff-number order (one query; none for no ids)."""
    visitors: dict[int, list[str]] = {}
    if visit_ids:
        through = WelfareVisit.visitors.through.objects.filter(welfarevisit_id__in=visit_ids)
        for visit_id, visitor in through.order_by("member__staff_no").values_list("welfarevisit_id", "member__name"):
            visitors.setdefault(visit_id, []).append(visitor)
    return visitors


def distributions_with_totals(qs: QuerySet[FestivalDistribution]) -> tuple[list[FestivalDistribution], dict]:
    """Distributions by date, each with ``n`` (人次), ``signed_n`` (签领人次) and ``total`` (yuan or None).

    Returns (rows, totals) where totals is ``{"n": 人次, "total": Decimal yuan}`` over the rows. One query.
    """
    rows = list(
        qs.annotate(
            n=Count("recipients"),
            signed_n=Count("recipients", filter=Q(recipients__signed=True)),
            total=Sum("recipients__value"),
        ).order_by("distributed_on")
    )
    totals = {"n": sum(r.n for r in rows), "total": sum((r.total or Decimal(0) for r in rows), Decimal(0))}
    return rows, totals


def distribution_totals(distribution: FestivalDistribution) -> dict:
    """One distribution's ``n`` (人次), ``signed`` (签领人次) and ``total`` (yuan, None when empty). One query."""
    return distribution.recipients.aggregate(
        n=Count("pk"), signed=Count("pk", filter=Q(signed=True)), total=Sum("value")
    )


def plan_year_overview(user, plans: QuerySet[MutualAidPlan], *, year: int) -> dict:
    """互助保障 page for ``year``: plans with enrolment and claim figures, visible claims, totals.

    Each plan gets ``enrolled`` (人), ``claims_n``, ``claimed`` and ``paid`` (yuan) and ``paid_n``
    for claims in the user's person scope (``welfare.access.person_scope_q``). ``claims`` lists up
    to 200 claims the user may read (health-plan claims only with ``sensitive_q``); ``hidden`` counts
    those in scope the user may not read. ``totals`` sums enrolled, claims, paid_n, claimed and paid.
    """
    plans = list(plans.annotate(enrolled=Count("enrollments", filter=Q(enrollments__year=year), distinct=True)))
    in_scope = AidClaim.objects.filter(person_scope_q(user), claimed_on__year=year)
    claim_stats = {
        r["plan_id"]: r
        for r in in_scope.filter(plan__in=plans)
        .values("plan_id")
        .annotate(
            n=Count("pk"),
            claimed=Sum("claimed_amount"),
            paid=Sum("paid_amount"),
            paid_n=Count("pk", filter=Q(status="paid")),
        )
    }
    for p in plans:
        s = claim_stats.get(p.pk, {})
        p.claims_n, p.claimed, p.paid, p.paid_n = (
            s.get("n", 0),
            s.get("claimed") or 0,
            s.get("paid") or 0,
            s.get("paid_n", 0),
        )
    visible = AidClaim.objects.filter(person_scope_q(user) & (Q(plan__is_health=False) | sensitive_q(user))).filter(
        claimed_on__year=year
    )
    claims = visible.select_related("member", "plan")[:200]
    return {
        "plans": plans,
        "claims": claims,
        "hidden": in_scope.count() - visible.count(),
        "totals": {
            "enrolled": sum(p.enrolled for p in plans),
            "claims": sum(p.claims_n for p in plans),
            "paid_n": sum(p.paid_n for p in plans),
            "claimed": sum((Decimal(p.claimed) for p in plans), Decimal(0)),
            "paid": sum((Decimal(p.paid) for p in plans), Decimal(0)),
        },
    }


def campaigns_with_counts(qs: QuerySet[HealthCheckCampaign]) -> list[HealthCheckCampaign]:
    """Health-check campaigns with ``n`` participants (人), ``women`` (女职工专项) and ``contract`` (编外). One query."""
    return list(
        qs.annotate(
            n=Count("participants"),
            women=Count("participants", filter=Q(participants__womens_check=True)),
            contract=Count("participants", filter=~Q(participants__member__employment_type="established")),
        )
    )


def hardship_overview(user, found=None) -> dict:
    """困难职工 page: the cases ``user`` may read, and counts over every case in their scope.

    ``found`` (``union_portal.lib.lists.Trace`` or None): the report's ``org``/``start``/``end``.
    ``org`` narrows to members of that subtree; a period counts only 帮扶 paid in it
    (``paid_on``) and lists only the cases helped in it or open at its end, as the report's
    ``hardship`` figures do.

    ``rows``: readable cases (``sensitive_q``) with ``aid_total`` (yuan or None) and ``aid_n``;
    ``counts``: ``total``/``open``/``closed`` cases in the person scope and ``open_at_end`` (open
    at the period's end, or now); ``aid``: ``n`` payments (人次), ``persons`` (人) and ``total``
    yuan on those cases; ``hidden``: cases in scope the user may not read. Three queries.
    """
    in_scope = HardshipCase.objects.filter(person_scope_q(user))
    aids = HardshipAid.objects.all()
    paid = Q()
    if found is not None:
        from union_portal.lib.lists import apply_trace

        in_scope = apply_trace(in_scope, found, org_field="member__organization")
        aids = apply_trace(aids, found, org_field="case__member__organization", date_field="paid_on")
        if found.start:
            paid &= Q(aids__paid_on__gte=found.start)
        if found.end:
            paid &= Q(aids__paid_on__lte=found.end)
    end = found.end if found is not None and found.end else None
    open_at_end = Q(status="open") if end is None else Q(opened_on__lte=end) & (
        Q(closed_on__isnull=True) | Q(closed_on__gt=end)
    )
    readable = in_scope.filter(sensitive_q(user)).annotate(
        aid_total=Sum("aids__amount", filter=paid), aid_n=Count("aids", filter=paid)
    )
    if found is not None and found.has_period:
        readable = readable.filter(Q(aid_n__gt=0) | open_at_end)
    rows = list(readable.select_related("member__organization__parent"))
    counts = in_scope.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status="open")),
        closed=Count("pk", filter=Q(status="closed")),
        open_at_end=Count("pk", filter=open_at_end),
    )
    aid = aids.filter(case__in=in_scope).aggregate(
        n=Count("pk"), persons=Count("case__member_id", distinct=True), total=Sum("amount")
    )
    return {"rows": rows, "counts": counts, "aid": aid, "hidden": counts["total"] - len(rows)}


def drives_with_totals(qs: QuerySet[DonationDrive]) -> tuple[list[DonationDrive], dict]:
    """Donation drives with ``donors`` (人), ``total`` (yuan or None) and ``ml`` (献血毫升), and page totals.

    Totals: ``donors`` and ``total`` over money drives, ``blood`` donors over blood drives. One query.
    """
    rows = list(
        qs.annotate(
            donors=Count("donations__member", distinct=True),
            total=Sum("donations__amount"),
            ml=Sum("donations__blood_ml"),
        )
    )
    totals = {
        "donors": sum(r.donors for r in rows if r.kind != "blood"),
        "total": sum((r.total or Decimal(0) for r in rows if r.kind != "blood"), Decimal(0)),
        "blood": sum(r.donors for r in rows if r.kind == "blood"),
    }
    return rows, totals


def drive_totals(drive: DonationDrive) -> dict:
    """One drive's ``n`` donations, ``donors`` (人), ``total`` (yuan or None) and ``ml`` (or None). One query."""
    return drive.donations.aggregate(
        n=Count("pk"), donors=Count("member", distinct=True), total=Sum("amount"), ml=Sum("blood_ml")
    )


def services_by_kind(qs: QuerySet[ServiceRecord]) -> list[dict]:
    """Per ``ServiceRecord.Kind``: ``kind``, ``label``, ``n`` (人次) and ``persons`` (人), by kind code. One query."""
    labels = dict(ServiceRecord.Kind.choices)
    rows = list(qs.values("kind").annotate(n=Count("pk"), persons=Count("member", distinct=True)).order_by("kind"))
    for r in rows:
        r["label"] = labels.get(r["kind"], r["kind"])
    return rows


def healthcheck_attendance(campaign: HealthCheckCampaign) -> dict:
    """One campaign's ``n`` (参检名单, 人) and ``attended`` (已参检, 人). One query."""
    return campaign.participants.aggregate(n=Count("pk"), attended=Count("pk", filter=Q(attended=True)))


# --- Lists behind the exports (issue 16): the same rows the list pages show, every one of them. ---

MEMBER_RELATED = ("member__organization__parent", "member__department")


def distribution_recipients(distribution: FestivalDistribution, *, q: str = "") -> QuerySet[DistributionRecipient]:
    """签领 list of a distribution by 工号, optionally narrowed by ``q`` (part of a name, or the exact 工号).

    The rows of ``welfare:distribution_detail`` (paginated there), its export and its printed 签领表.
    """
    rows = distribution.recipients.select_related(*MEMBER_RELATED).order_by("member__staff_no")
    if q:
        rows = rows.filter(Q(member__name__icontains=q) | Q(member__staff_no=q))
    return rows


def donations_of(drives: QuerySet[DonationDrive]):
    """Every donation of ``drives`` (drive date, then 工号), with drive and member: one row per donation."""
    from .models import Donation

    return (
        Donation.objects.filter(drive__in=drives)
        .select_related("drive", *MEMBER_RELATED)
        .order_by("drive__held_on", "drive_id", "member__staff_no", "pk")
    )


def plan_enrollments(plans: QuerySet[MutualAidPlan], *, year: int):
    """Enrolments of ``plans`` in ``year`` (the 参保人数 of ``plan_year_overview``), by plan then 工号."""
    from .models import PlanEnrollment

    return (
        PlanEnrollment.objects.filter(plan__in=plans, year=year)
        .select_related("plan", *MEMBER_RELATED)
        .order_by("plan__name", "plan_id", "member__staff_no")
    )


def visible_claims(user, *, year: int) -> QuerySet[AidClaim]:
    """Claims of ``year`` that ``user`` may read (health-plan claims only with ``sensitive_q``), newest first.

    The same rule as the claims ``plan_year_overview`` lists (which shows the first 200).
    """
    return (
        AidClaim.objects.filter(person_scope_q(user) & (Q(plan__is_health=False) | sensitive_q(user)))
        .filter(claimed_on__year=year)
        .select_related("plan", *MEMBER_RELATED)
        .order_by("-claimed_on", "-pk")
    )


def healthcheck_participants(campaigns: QuerySet[HealthCheckCampaign]):
    """Participants of ``campaigns`` (campaign date, then 工号): the people behind ``campaigns_with_counts``."""
    from .models import HealthCheckParticipant

    return (
        HealthCheckParticipant.objects.filter(campaign__in=campaigns)
        .select_related("campaign", *MEMBER_RELATED)
        .order_by("campaign__held_on", "campaign_id", "member__staff_no")
    )


def hardship_aids(cases: list[HardshipCase], found=None) -> QuerySet[HardshipAid]:
    """帮扶 payments on ``cases`` (the readable rows of ``hardship_overview``), in the traced period if any."""
    aids = HardshipAid.objects.filter(case__in=[c.pk for c in cases])
    if found is not None and found.start:
        aids = aids.filter(paid_on__gte=found.start)
    if found is not None and found.end:
        aids = aids.filter(paid_on__lte=found.end)
    return aids.select_related("case__member__organization__parent").order_by("paid_on", "pk")


def pending_open(user, *, today: dt.date) -> list[PendingVisit]:
    """Every open pending visit ``pending_for`` would list (no limit), each with ``is_overdue``."""
    from members.access import MANAGER_ROLES, scope_q

    rows = list(
        PendingVisit.objects.filter(
            scope_q(user, "member__organization", *MANAGER_ROLES), status=PendingVisit.Status.OPEN
        )
        .filter(~Q(occasion__is_sensitive=True) | sensitive_q(user))
        .select_related("member__organization__parent", "member__department", "occasion", "family_member")
        .order_by("due_on", "pk")
    )
    for row in rows:
        row.is_overdue = row.due_on < today
    return rows


def spending_by_month(user, *, year: int) -> dict[int, list[Decimal]]:
    """Welfare spending (慰问金 + 慰问品价值, yuan) per month of ``year`` and ``year - 1`` in ``user``'s ledger.

    Returns ``{year: [12 Decimals], year - 1: [...]}`` (January first). One query.
    """
    from django.db.models.functions import ExtractMonth, ExtractYear

    out = {year: [ZERO] * 12, year - 1: [ZERO] * 12}
    rows = (
        visit_ledger(user)
        .filter(visited_on__gte=dt.date(year - 1, 1, 1), visited_on__lte=dt.date(year, 12, 31))
        .annotate(y=ExtractYear("visited_on"), m=ExtractMonth("visited_on"))
        .values("y", "m")
        .annotate(total=_sum(F("cash_amount") + F("gift_value")))
        .order_by()
    )
    for r in rows:
        out[r["y"]][r["m"] - 1] = r["total"] or ZERO
    return out


def member_visits_by_month(member: Member, *, year: int) -> list[int]:
    """Welfare visits (人次) to ``member`` in each month of ``year``, January first. One query."""
    from django.db.models.functions import ExtractMonth

    counts = [0] * 12
    rows = (
        WelfareVisit.objects.filter(member=member, visited_on__year=year)
        .annotate(m=ExtractMonth("visited_on"))
        .values("m")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in rows:
        counts[r["m"] - 1] = r["n"]
    return counts
