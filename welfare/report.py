"""What the welfare app gives the annual report: its figures, tables, charts and links.

``report_stats`` gathers one figure group per function below (visits, distributions, mutual-aid
plans, health checks, hardship, donations, services), each with a fixed number of queries, all
aggregated in SQL. Registered in ``WelfareConfig.ready()``; ``reports`` reads it through the registry.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Case, CharField, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth

from members.models import EmploymentType, Organization
from reports.models import ReportBlock, ReportSection
from reports.providers import (
    PERSON_TIMES,
    PERSONS,
    YUAN,
    Chart,
    Column,
    Figure,
    Link,
    ReportProvider,
    Table,
    coverage_figures,
    month_coverage,
)
from reports.sentences import names, sentence, subhead

from .models import (
    AidClaim,
    DistributionRecipient,
    Donation,
    DonationDrive,
    Festival,
    FundingSource,
    HardshipAid,
    HardshipCase,
    HealthCheckParticipant,
    MutualAidPlan,
    PlanEnrollment,
    ServiceRecord,
    WelfareVisit,
)
from .selectors import MONEY_FIELD, VISIT_TOTAL, ZERO, _sum, _visit_aggregates


def _sub_union_annotations(prefix: str = "member__organization") -> dict:
    """SQL expressions for the sub-union of a member: the unit itself, or its parent for a group."""
    is_group = Q(**{f"{prefix}__kind": Organization.Kind.GROUP})
    return {
        "sub_id": Case(
            When(is_group, then=F(f"{prefix}__parent_id")), default=F(f"{prefix}_id"), output_field=IntegerField()
        ),
        "sub_name": Case(
            When(is_group, then=F(f"{prefix}__parent__name")), default=F(f"{prefix}__name"), output_field=CharField()
        ),
        "sub_sort": Case(
            When(is_group, then=F(f"{prefix}__parent__path")), default=F(f"{prefix}__path"), output_field=CharField()
        ),
    }


def _visits_in(node: Organization) -> Q:
    """Visits about members of ``node``'s subtree, on the indexed denormalised ``school`` column.

    A school is ``school_id = S`` (the (school, visited_on) index range); a district joins only
    its schools; a sub-union adds the member's path to its school's range.
    """
    if node.kind == Organization.Kind.SCHOOL:
        return Q(school_id=node.pk)
    if node.kind == Organization.Kind.DISTRICT:
        return Q(school__path__startswith=node.path)
    school = node.school
    return Q(school_id=school.pk if school else None, member__organization__path__startswith=node.path)


def _members_in(node: Organization, prefix: str = "member") -> Q:
    """Rows about members of ``node``'s subtree, led by the indexed ``Member.school`` column.

    Filtering only on the organisation path makes PostgreSQL hash every school's staff; the
    school condition gives the same rows from one school's slice of the members index.
    """
    if node.kind == Organization.Kind.SCHOOL:
        return Q(**{f"{prefix}__school_id": node.pk})
    if node.kind == Organization.Kind.DISTRICT:
        return Q(**{f"{prefix}__school__path__startswith": node.path})
    school = node.school
    return Q(**{f"{prefix}__school_id": school.pk if school else None,
                f"{prefix}__organization__path__startswith": node.path})


def _per_group() -> dict:
    return {"count": Count("pk"), "persons": Count("member_id", distinct=True), "total": _sum(VISIT_TOTAL)}


FOLDED = "其他慰问"  # the row small sensitive counts are folded into (DOMAIN.md, "Small counts")
FOLDED_CLAIMS = "其他理赔"  # the same for claims on health plans


def small_count_min() -> int:
    """``settings.REPORT_SMALL_COUNT_MIN`` (default 3): fewer persons than this are folded."""
    return getattr(settings, "REPORT_SMALL_COUNT_MIN", 3)


def _sum_where(expr, condition: Q) -> Coalesce:
    return Coalesce(Sum(expr, filter=condition), Value(ZERO), output_field=MONEY_FIELD)


def _folded_row(totals: dict, **labels) -> dict:
    return {**labels, "count": totals["count"], "persons": totals["persons"], "total": totals["total"]}


def visit_stats(organization: Organization, start: dt.date, end: dt.date) -> dict:
    """``visits``, ``visits_by_occasion``, ``visits_by_funding_source``, ``visits_by_sub_union``,
    ``visits_by_month`` and ``visits_folded`` (keys in :func:`report_stats`). Five queries.

    Small counts: a sensitive (health-related) occasion visited for fewer than
    :func:`small_count_min` persons is folded: its visits leave every split (occasion, funding
    source, sub-union, month) and are counted once in a row named "其他慰问" (``code`` "folded"),
    except in the monthly list, which gets no row for them (a month would date the illness). The
    ``visits`` totals stay exact.
    """
    visits = WelfareVisit.objects.filter(_visits_in(organization), visited_on__range=(start, end))
    by_occasion = list(
        visits.values("occasion_id", code=F("occasion__code"), name=F("occasion__name"),
                      is_sensitive=F("occasion__is_sensitive"))
        .annotate(**_visit_aggregates())
        .order_by("occasion__sort_order", "code")
    )
    folded_ids = [r["occasion_id"] for r in by_occasion if r["is_sensitive"] and r["persons"] < small_count_min()]
    folded_q = Q(occasion_id__in=folded_ids)
    stats: dict = {}
    row = visits.aggregate(
        **_visit_aggregates(),
        folded_count=Count("pk", filter=folded_q),
        folded_persons=Count("member_id", filter=folded_q, distinct=True),
        folded_cash=_sum_where("cash_amount", folded_q),
        folded_gift=_sum_where("gift_value", folded_q),
        folded_total=_sum_where(VISIT_TOTAL, folded_q),
    )
    folded = {key: row.pop(f"folded_{key}") for key in ("count", "persons", "cash", "gift", "total")}
    stats["visits"] = row
    stats["visits_folded"] = folded
    kept = visits.exclude(folded_q) if folded_ids else visits
    stats["visits_by_occasion"] = [
        {k: v for k, v in r.items() if k != "occasion_id"} for r in by_occasion if r["occasion_id"] not in folded_ids
    ]
    labels = dict(FundingSource.choices)
    stats["visits_by_funding_source"] = [
        {**row, "label": str(labels.get(row["code"], row["code"]))}
        for row in kept.values(code=F("funding_source")).annotate(**_per_group()).order_by("code")
    ]
    # The member join also narrowed to the school, so PostgreSQL hashes one school's staff, not all.
    by_member = kept.filter(member__school_id=organization.pk) if organization.kind == "school" else kept
    stats["visits_by_sub_union"] = [
        {k: row[k] for k in ("name", "count", "persons", "total")}
        for row in by_member.annotate(**_sub_union_annotations())
        .values("sub_id", "sub_sort", name=F("sub_name"))
        .annotate(**_per_group())
        .order_by("sub_sort")
    ]
    stats["visits_by_month"] = list(
        kept.annotate(month=TruncMonth("visited_on")).values("month").annotate(**_per_group()).order_by("month")
    )
    for row in stats["visits_by_month"]:
        if isinstance(row["month"], dt.datetime):
            row["month"] = row["month"].date()
    if folded["count"]:
        stats["visits_by_occasion"].append(
            {"code": "folded", "name": FOLDED, "is_sensitive": False, **folded}
        )
        stats["visits_by_funding_source"].append(_folded_row(folded, code="folded", label=FOLDED))
        stats["visits_by_sub_union"].append(_folded_row(folded, name=FOLDED))
    return stats


def distribution_stats(organization: Organization, start: dt.date, end: dt.date) -> dict:
    """``distributions`` (keys in :func:`report_stats`). Two queries."""
    recipients = DistributionRecipient.objects.filter(
        distribution__organization__path__startswith=organization.path,
        distribution__distributed_on__range=(start, end),
    )
    per_group = {
        "count": Count("distribution_id", distinct=True),
        "recipients": Count("pk"),
        "persons": Count("member_id", distinct=True),
        "total": _sum("value"),
    }
    dist = recipients.aggregate(**per_group, signed=Count("pk", filter=Q(signed=True)))
    order = {code: i for i, code in enumerate(Festival.values)}
    festival_labels = dict(Festival.choices)
    by_festival = recipients.values(code=F("distribution__festival")).annotate(**per_group).order_by("code")
    dist["by_festival"] = sorted(
        ({**r, "label": str(festival_labels.get(r["code"], r["code"]))} for r in by_festival),
        key=lambda r: order.get(r["code"], 99),
    )
    return dist


def plan_stats(organization: Organization, start: dt.date, end: dt.date) -> dict:
    """``plans`` and ``plans_total`` (keys in :func:`report_stats`). Four queries."""
    path = organization.path
    enrolled_qs = PlanEnrollment.objects.filter(
        plan__organization__path__startswith=path, year__gte=start.year, year__lte=end.year
    )
    enrolments = (
        enrolled_qs.values("plan_id", name=F("plan__name"), kind=F("plan__kind"))
        .annotate(enrolled=Count("pk"), persons=Count("member_id", distinct=True), premium=_sum("premium"))
        .order_by("plan_id")
    )
    claims_qs = AidClaim.objects.filter(plan__organization__path__startswith=path, claimed_on__range=(start, end))
    claims = (
        claims_qs.values("plan_id", name=F("plan__name"), kind=F("plan__kind"), is_health=F("plan__is_health"))
        .annotate(
            claims=Count("pk"),
            claim_persons=Count("member_id", distinct=True),
            claimed=_sum("claimed_amount"),
            paid_claims=Count("pk", filter=Q(status=AidClaim.Status.PAID)),
            paid=_sum("paid_amount"),
        )
        .order_by("plan_id")
    )
    plans: dict[int, dict] = {}
    blank = {"enrolled": 0, "premium": ZERO, "claims": 0, "claimed": ZERO, "paid_claims": 0, "paid": ZERO}
    for row in enrolments:
        plans.setdefault(row["plan_id"], {"name": row["name"], "kind": row["kind"], **blank}).update(
            enrolled=row["enrolled"], premium=row["premium"]
        )
    for row in claims:
        plans.setdefault(row["plan_id"], {"name": row["name"], "kind": row["kind"], **blank}).update(
            claims=row["claims"], claimed=row["claimed"], paid_claims=row["paid_claims"], paid=row["paid"]
        )
    kind_labels = dict(MutualAidPlan.Kind.choices)
    claim_totals = claims_qs.aggregate(claim_persons=Count("member_id", distinct=True))
    enrol_persons = enrolled_qs.aggregate(n=Count("member_id", distinct=True))["n"]
    totals = {
        "enrolled": sum(p["enrolled"] for p in plans.values()),
        "enrolled_persons": enrol_persons,
        "claims": sum(p["claims"] for p in plans.values()),
        "claim_persons": claim_totals["claim_persons"],
        "paid_claims": sum(p["paid_claims"] for p in plans.values()),
        "claimed": sum((p["claimed"] for p in plans.values()), ZERO),
        "paid": sum((p["paid"] for p in plans.values()), ZERO),
    }
    folded = _fold_small_claims(plans, {r["plan_id"]: r["claim_persons"] for r in claims if r["is_health"]})
    # A plan listed only for its folded claims would show that someone claimed: leave it out.
    rows = [
        {**p, "kind_label": str(kind_labels.get(p["kind"], p["kind"]))}
        for _pk, p in sorted(plans.items())
        if p["enrolled"] or p["claims"]
    ]
    return {
        "plans": rows + ([folded] if folded else []),
        "plans_total": totals,
    }


def _fold_small_claims(plans: dict[int, dict], claim_persons: dict[int, int]) -> dict | None:
    """Move the claims of health plans (``claim_persons``: ``{plan_id: persons}`` of the plans marked
    ``is_health``) claimed by fewer than :func:`small_count_min` persons out of
    their plan's row (``plans``: ``{plan_id: row}``, changed in place) and return them as one row
    "其他理赔" (kind "folded", no enrolment), or None when nothing is folded. Enrolment (not health
    information) stays on the plan's row."""
    folded = {"claims": 0, "claimed": ZERO, "paid_claims": 0, "paid": ZERO}
    for plan_id, row in plans.items():
        persons = claim_persons.get(plan_id, 0)
        if 0 < persons < small_count_min():
            for key, zero in (("claims", 0), ("claimed", ZERO), ("paid_claims", 0), ("paid", ZERO)):
                folded[key] += row[key]
                row[key] = zero
    if not folded["claims"]:
        return None
    return {"name": FOLDED_CLAIMS, "kind": "folded", "kind_label": FOLDED_CLAIMS, "enrolled": 0, "premium": ZERO,
            **folded}


def health_check_stats(organization: Organization, start: dt.date, end: dt.date) -> dict:
    """``health_checks`` (keys in :func:`report_stats`): those who took the check. One query.

    A campaign whose attendance was recorded (at least one participant marked 已参检) counts only those
    marked; a campaign without any attendance record (an old list, or one entered before attendance was
    kept) counts its whole list, the only record there is. So a list imported with 未参检 rows never makes
    the speech say they were checked.
    """
    recorded = HealthCheckParticipant.objects.filter(campaign=OuterRef("campaign"), attended=True)
    return HealthCheckParticipant.objects.filter(
        campaign__organization__path__startswith=organization.path, campaign__held_on__range=(start, end)
    ).filter(Q(attended=True) | ~Exists(recorded)).aggregate(
        campaigns=Count("campaign_id", distinct=True),
        participants=Count("pk"),
        persons=Count("member_id", distinct=True),
        womens_checks=Count("pk", filter=Q(womens_check=True)),
        contract_staff=Count("pk", filter=~Q(member__employment_type=EmploymentType.ESTABLISHED)),
    )


def hardship_stats(organization: Organization, start: dt.date, end: dt.date) -> dict:
    """``hardship`` (keys in :func:`report_stats`). Two queries."""
    hardship = HardshipCase.objects.filter(_members_in(organization)).aggregate(
        opened=Count("pk", filter=Q(opened_on__range=(start, end))),
        closed=Count("pk", filter=Q(closed_on__range=(start, end))),
        open_at_end=Count("pk", filter=Q(opened_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))),
    )
    hardship.update(
        HardshipAid.objects.filter(_members_in(organization, "case__member"), paid_on__range=(start, end)).aggregate(
            aid_count=Count("pk"), aid_persons=Count("case__member_id", distinct=True), aid_total=_sum("amount")
        )
    )
    return hardship


def donation_stats(organization: Organization, start: dt.date, end: dt.date) -> dict:
    """``donations`` (keys in :func:`report_stats`; blood drives only under ``blood``). Two queries."""
    donations = Donation.objects.filter(
        drive__organization__path__startswith=organization.path, drive__held_on__range=(start, end)
    )
    per_group = {
        "drives": Count("drive_id", distinct=True),
        "donations": Count("pk"),
        "donors": Count("member_id", distinct=True),
        "total": _sum("amount"),
    }
    stats = donations.exclude(drive__kind=DonationDrive.Kind.BLOOD).aggregate(**per_group)
    drive_labels = dict(DonationDrive.Kind.choices)
    by_kind = list(
        donations.values(code=F("drive__kind"))
        .annotate(**per_group, ml=Coalesce(Sum("blood_ml"), Value(0)))
        .order_by("code")
    )
    blood = next((r for r in by_kind if r["code"] == DonationDrive.Kind.BLOOD), None)
    stats["by_kind"] = [
        {k: r[k] for k in ("code", "drives", "donations", "donors", "total")}
        | {"label": str(drive_labels.get(r["code"], r["code"]))}
        for r in by_kind
        if r["code"] != DonationDrive.Kind.BLOOD
    ]
    stats["blood"] = {"donors": blood["donors"] if blood else 0, "ml": blood["ml"] if blood else 0}
    return stats


def service_stats(organization: Organization, start: dt.date, end: dt.date) -> dict:
    """``services`` and ``services_total`` (keys in :func:`report_stats`). One query."""
    service_labels = dict(ServiceRecord.Kind.choices)
    services = [
        {**r, "label": str(service_labels.get(r["code"], r["code"]))}
        for r in ServiceRecord.objects.filter(_members_in(organization), served_on__range=(start, end))
        .values(code=F("kind"))
        .annotate(count=Count("pk"), persons=Count("member_id", distinct=True))
        .order_by("code")
    ]
    return {"services": services, "services_total": sum(r["count"] for r in services)}


def report_stats(*, organization: Organization, start: dt.date, end: dt.date) -> dict:
    """Welfare figures for the annual report over ``organization``'s subtree, dates in [start, end].

    Counts are 人次 (records) and 人 (distinct members); money is ``Decimal``
    yuan (慰问金 + 慰问品 value unless said otherwise). No names of illnesses
    or persons: aggregates only (PIPL). Twenty queries, whatever the data size.

    Keys:

    - ``visits``: ``{"count": 人次, "persons": 人, "cash": 慰问金, "gift": 慰问品价值, "total": cash + gift}``.
    - ``visits_by_occasion``: list, one per occasion used, in occasion order:
      ``{"code", "name", "is_sensitive", "count", "persons", "cash", "gift", "total"}``.
    - ``visits_by_funding_source``: list ``{"code", "label", "count", "persons", "total"}``
      (codes of ``FundingSource``: union_funds 工会经费, school_welfare 学校福利费, higher_union 上级工会, other 其他).
    - ``visits_by_sub_union``: list ``{"name", "count", "persons", "total"}`` in tree order
      (members attached directly to the school are under the school's name).
    - ``visits_by_month``: list ``{"month": first day of the month (date), "count", "persons", "total"}``,
      months with visits only, in date order.
    - Small counts (``settings.REPORT_SMALL_COUNT_MIN``, default 3; DOMAIN.md "Small counts"): a
      sensitive occasion visited for fewer persons than that leaves every list above and is counted
      once in a last row "其他慰问" (``code`` "folded") of ``visits_by_occasion``,
      ``visits_by_funding_source`` and ``visits_by_sub_union``; ``visits_by_month`` leaves it out
      (no month row for it); ``visits_folded``: ``{"count", "persons", "cash", "gift", "total"}`` of what
      was folded (zeros when nothing). ``visits`` and every other total stay exact.
    - ``distributions``: ``{"count": 发放次数, "recipients": 人次, "persons": 人, "total": 元,
      "signed": 已签领人次, "by_festival": [{"code", "label", "count", "recipients", "persons", "total"}]}``
      (by_festival in ``Festival`` order; 送清凉 is the ``summer`` code).
    - ``plans``: list per plan with activity ``{"name", "kind", "kind_label", "enrolled": 参保人次 in the
      calendar years start.year..end.year, "premium": 保费元, "claims": 理赔件数 (claimed in range), "claimed": 申请元,
      "paid_claims": 已赔付件数, "paid": 赔付元}``; ``plans_total``: the same numbers summed
      (``enrolled``, ``enrolled_persons``, ``claims``, ``claim_persons``, ``paid_claims``, ``claimed``, ``paid``).
      Claims on a health plan (``MutualAidPlan.is_health``) made by fewer persons than the
      small-count threshold leave their plan's row for a last row "其他理赔" (kind "folded");
      ``plans_total`` stays exact.
    - ``health_checks``: ``{"campaigns", "participants": 人次, "persons": 人, "womens_checks": 女职工专项人次,
      "contract_staff": 其中编外人员人次}`` for campaigns held in range.
    - ``hardship``: ``{"opened": 新建档, "closed": 脱困, "open_at_end": 期末在档, "aid_count": 帮扶人次,
      "aid_persons": 帮扶人, "aid_total": 帮扶金元}``.
    - ``donations``: ``{"drives", "donations": 捐款人次, "donors": 捐款人, "total": 元,
      "by_kind": [{"code", "label", "drives", "donations", "donors", "total"}],
      "blood": {"donors": 献血人, "ml": 献血毫升}}`` (blood drives are counted only under ``blood``).
    - ``services``: list ``{"code", "label", "count", "persons"}`` by 服务事项 type; ``services_total``: 件数.
    - ``duties``: ``{"pending_due", "pending_late", "over_cap"}`` (:func:`duty_stats`).
    - ``coverage``: ``{"months", "period_months"}``: calendar months of [start, end] with any welfare
      record (visit, distribution, health check, claim, hardship aid, donation drive, service), and the
      months the period touches (``reports.providers.month_coverage``).
    """
    stats: dict = visit_stats(organization, start, end)
    stats["distributions"] = distribution_stats(organization, start, end)
    stats.update(plan_stats(organization, start, end))
    stats["health_checks"] = health_check_stats(organization, start, end)
    stats["hardship"] = hardship_stats(organization, start, end)
    stats["donations"] = donation_stats(organization, start, end)
    stats.update(service_stats(organization, start, end))
    stats["duties"] = duty_stats(organization, start, end)
    stats["coverage"] = coverage_stats(organization, start, end)
    return stats


def duty_stats(organization: Organization, start: dt.date, end: dt.date) -> dict:
    """``duties`` (keys in :func:`report_stats`): how the 必访 duty and the spending caps were kept. Two queries.

    ``{"pending_due": 应慰问日期在期内的待慰问事项, "pending_late": of those, not visited by the due date
    (visited later, or still open at ``end``; cancelled ones left out), "over_cap": visits in range whose
    慰问金 + 慰问品 exceed the cap for their occasion in the rule set in force at ``end``}`` (counts only:
    no person, no occasion; the caps: ``welfare.services.rule_set_for``).
    """
    from .models import PendingVisit, SpendingCap, SpendingCapRuleSet

    due = PendingVisit.objects.filter(_members_in(organization), due_on__range=(start, end)).exclude(
        status=PendingVisit.Status.CANCELLED
    )
    late = Q(visit__isnull=True) | Q(visit__visited_on__gt=F("due_on"))
    pending = due.aggregate(pending_due=Count("pk"), pending_late=Count("pk", filter=late))
    # The rule set in force at ``end`` (as ``welfare.services.rule_set_for``: the school's own latest,
    # else the shipped example), chosen inside the one counting query.
    school = organization.school
    rule_set = (
        SpendingCapRuleSet.objects.filter(Q(organization=school) if school is not None else Q(pk__in=[]),
                                          effective_from__lte=end)
        .order_by("-effective_from", "-pk").values("pk")[:1]
    )
    shipped = (
        SpendingCapRuleSet.objects.filter(organization__isnull=True, effective_from__lte=end)
        .order_by("-effective_from", "-pk").values("pk")[:1]
    )
    in_force = Coalesce(Subquery(rule_set), Subquery(shipped))
    over_cap = (
        WelfareVisit.objects.filter(_visits_in(organization), visited_on__range=(start, end))
        .annotate(_total=VISIT_TOTAL)
        .filter(Exists(SpendingCap.objects.filter(rule_set_id=in_force, occasion_code=OuterRef("occasion__code"),
                                                  amount__lt=OuterRef("_total"))))
        .count()
    )
    return {**pending, "over_cap": over_cap}


def coverage_stats(organization: Organization, start: dt.date, end: dt.date) -> dict:
    """``coverage`` (keys in :func:`report_stats`): months with any welfare record. One query."""
    path, span = organization.path, (start, end)
    return month_coverage(
        [
            (WelfareVisit.objects.filter(_visits_in(organization), visited_on__range=span), "visited_on"),
            (DistributionRecipient.objects.filter(distribution__organization__path__startswith=path,
                                                  distribution__distributed_on__range=span),
             "distribution__distributed_on"),
            (HealthCheckParticipant.objects.filter(campaign__organization__path__startswith=path,
                                                   campaign__held_on__range=span), "campaign__held_on"),
            (AidClaim.objects.filter(plan__organization__path__startswith=path, claimed_on__range=span),
             "claimed_on"),
            (HardshipAid.objects.filter(_members_in(organization, "case__member"), paid_on__range=span), "paid_on"),
            (Donation.objects.filter(drive__organization__path__startswith=path, drive__held_on__range=span),
             "drive__held_on"),
            (ServiceRecord.objects.filter(_members_in(organization), served_on__range=span), "served_on"),
        ],
        start,
        end,
    )


VISITS = Link("welfare:ledger", period=True)
DISTRIBUTIONS = Link("welfare:distributions", period=True)
PLANS = Link("welfare:plans", year=True)
HEALTH = Link("welfare:healthchecks", period=True)
HARDSHIP = Link("welfare:hardship", period=True)
DONATIONS = Link("welfare:donations", period=True)

FIGURES = {
    "visits.count": Figure("走访慰问", PERSON_TIMES, VISITS),
    "visits.persons": Figure("走访慰问教职工", PERSONS, VISITS),
    "visits.cash": Figure("慰问金", YUAN, VISITS),
    "visits.gift": Figure("慰问品价值", YUAN, VISITS),
    "visits.total": Figure("慰问金额合计", YUAN, VISITS),
    "distributions.count": Figure("慰问品发放", "次", DISTRIBUTIONS),
    "distributions.recipients": Figure("领取慰问品", PERSON_TIMES, DISTRIBUTIONS),
    "distributions.persons": Figure("领取慰问品教职工", PERSONS),
    "distributions.total": Figure("慰问品金额", YUAN, DISTRIBUTIONS),
    "plans_total.enrolled": Figure("互助保障参保", PERSON_TIMES, PLANS),
    "plans_total.enrolled_persons": Figure("互助保障参保教职工", PERSONS),
    "plans_total.claims": Figure("互助保障理赔申请", "件", PLANS),
    "plans_total.paid_claims": Figure("互助保障已赔付", "件", PLANS),
    "plans_total.paid": Figure("互助保障赔付金额", YUAN, PLANS),
    "health_checks.campaigns": Figure("体检组织", "次", HEALTH),
    "health_checks.participants": Figure("参加体检", PERSON_TIMES, HEALTH),
    "health_checks.persons": Figure("参加体检教职工", PERSONS),
    "health_checks.womens_checks": Figure("女职工专项体检", PERSON_TIMES, HEALTH),
    "health_checks.contract_staff": Figure("编外人员体检", PERSON_TIMES, HEALTH),
    "hardship.open_at_end": Figure("在档困难教职工", PERSONS, HARDSHIP),
    "hardship.aid_count": Figure("困难帮扶", PERSON_TIMES, HARDSHIP),
    "hardship.aid_persons": Figure("帮扶困难教职工", PERSONS, HARDSHIP),
    "hardship.aid_total": Figure("帮扶金", YUAN, HARDSHIP),
    "donations.drives": Figure("捐款活动", "次"),
    "donations.donations": Figure("捐款", PERSON_TIMES, DONATIONS),
    "donations.donors": Figure("捐款教职工", PERSONS),
    "donations.total": Figure("捐款金额", YUAN, DONATIONS),
    "donations.blood.donors": Figure("无偿献血", PERSONS),
    "donations.blood.ml": Figure("献血量", "毫升"),
    "services_total": Figure("服务事项", "件", Link("welfare:services", period=True)),
    **coverage_figures("福利工作"),
}

TABLES = {
    "visits_by_occasion": Table("走访慰问情况（按事由）", (
        Column("name", "事由"), Column("count", "人次", PERSON_TIMES), Column("persons", "人数", PERSONS),
        Column("total", "金额", YUAN),
    )),
    "distributions.by_festival": Table("节日慰问品发放情况", (
        Column("label", "节日"), Column("recipients", "人次", PERSON_TIMES), Column("total", "金额", YUAN),
    )),
    "plans": Table("互助保障情况", (
        Column("name", "项目"), Column("enrolled", "参保人次", PERSON_TIMES), Column("claims", "理赔件数", "件"),
        Column("paid", "赔付金额", YUAN),
    )),
}

CHARTS = {
    "visits_by_month": Chart("慰问支出（按月）", "month", "total", YUAN),
    "visits_by_sub_union": Chart("走访慰问人次（按分工会）", "name", "count", PERSON_TIMES),
}

# Blocks of the default report, by section kind: generated sentences (``SENTENCES``), tables and charts.
B = ReportBlock.Kind
DEFAULT_BLOCKS = {
    ReportSection.Kind.WELFARE: (
        (B.SENTENCE, "welfare.visiting"),
        (B.SENTENCE, "welfare.benefits"),
        (B.SENTENCE, "welfare.mutual_aid"),
        (B.SENTENCE, "welfare.women"),
        (B.SENTENCE, "welfare.services_work"),
        (B.TABLE, "welfare.visits_by_occasion"),
        (B.CHART, "welfare.visits_by_month"),
    ),
}


def _with_change(ctx, clause: str, key: str) -> str:
    """``clause`` followed by the comparison of the figure it states (when comparable)."""
    change = ctx.compare(key)
    return f"{clause}，{change}" if change else clause


def visits_sentence(ctx) -> str:
    """"全年走访慰问教职工及直系亲属131人次（涉及98人），同比增长10.0%，发放慰问金6.12万元。"
    Each comparison sits right after the figure it compares; totals only (no occasion, no person)."""
    if not ctx.n("welfare.visits.count"):
        return ""
    visits = _with_change(
        ctx, f"{ctx.words.this}走访慰问教职工及直系亲属{{welfare.visits.count}}（涉及{{welfare.visits.persons}}）",
        "welfare.visits.count",
    )
    cash = _with_change(ctx, "发放慰问金{welfare.visits.cash}", "welfare.visits.cash") if ctx.n("welfare.visits.cash") else ""
    return sentence(visits, cash)


def care_sentence(ctx) -> str:
    """Festival gifts, health checks and mutual-aid plans, each clause only with records."""
    gifts = ""
    if ctx.n("welfare.distributions.recipients"):
        gifts = "在传统节日为教职工发放慰问品{welfare.distributions.recipients}"
        if ctx.n("welfare.distributions.total"):
            gifts += "，金额{welfare.distributions.total}"
    checks = "组织教职工健康体检{welfare.health_checks.participants}" if ctx.n("welfare.health_checks.participants") else ""
    plans = ""
    if ctx.n("welfare.plans_total.enrolled"):
        paid = ""
        if ctx.n("welfare.plans_total.paid_claims"):
            paid = "，获得赔付{welfare.plans_total.paid_claims}"
            if ctx.n("welfare.plans_total.paid"):
                paid += "，赔付金额{welfare.plans_total.paid}"
        plans = "互助保障参保{welfare.plans_total.enrolled}" + paid
    return sentence(gifts, checks, plans, sep="；")


def hardship_sentence(ctx) -> str:
    """Hardship aid (figures only when at least ``REPORT_SMALL_COUNT_MIN`` colleagues were aided) and donations,
    each clause only with records."""
    aid = ""
    # Fewer aided than REPORT_SMALL_COUNT_MIN would point at a colleague's hardship: no figures then.
    if ctx.n("welfare.hardship.aid_persons") >= small_count_min():
        aid = "帮扶困难教职工{welfare.hardship.aid_persons}"
        if ctx.n("welfare.hardship.aid_total"):
            aid += "，发放帮扶金{welfare.hardship.aid_total}"
    return sentence(aid, _donations_clause(ctx), sep="；")


def _donations_clause(ctx) -> str:
    """"组织爱心捐款，86名教职工捐款1.72万元" ("" without donations; see ``_giving``)."""
    return "组织爱心捐款，" + _giving(ctx) if ctx.n("welfare.donations.donations") else ""


def _giving(ctx) -> str:
    """Who gave and how much: "86名教职工捐款1.72万元" (persons, not 人次: the speech names people; the
    人次 stays in the tables); the amount only when recorded."""
    money = "捐款{welfare.donations.total}" if ctx.n("welfare.donations.total") else "参加捐款"
    if ctx.n("welfare.donations.donors"):
        return "{welfare.donations.donors:num}名教职工" + money
    return "教职工" + money


def _rows(ctx, key: str) -> list[dict]:
    rows = ctx.value(key)
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _occasion(ctx, *codes: str) -> dict | None:
    """The non-folded, non-sensitive occasion row of one of ``codes`` with visits, or None."""
    for r in _rows(ctx, "welfare.visits_by_occasion"):
        if r.get("code") in codes and not r.get("is_sensitive") and r.get("count"):
            return r
    return None


def visiting_sentence(ctx) -> str:
    """（一）走访慰问: the 必访 practice in words, the totals with their comparison, retirees by occasion
    (non-sensitive occasions only; no person, no illness), hardship aid."""
    if not ctx.n("welfare.visits.count"):
        return ""
    visits = _with_change(
        ctx, f"{ctx.words.this}走访慰问教职工及直系亲属{{welfare.visits.count}}（涉及{{welfare.visits.persons}}）",
        "welfare.visits.count",
    )
    cash = "发放慰问金{welfare.visits.cash}" if ctx.n("welfare.visits.cash") else ""
    totals = sentence(visits, cash)
    practice = ("进一步优化帮扶慰问体系，坚持“必访”制度，对教职工生病住院、婚丧嫁娶、家庭发生困难等情况做到及时上门慰问，"
                "形成了日常慰问与节日慰问、全体覆盖与特殊群体慰问相结合的工作格局。")
    elderly = _occasion(ctx, "elderly")
    retirees = ("坚持在春节、重阳节前后走访慰问离退休老同志，落实好他们的福利待遇，让老同志感受到组织的关怀。"
                if elderly else "")
    aid = ""
    if ctx.n("welfare.hardship.aid_persons"):
        aid = "对困难教职工建档帮扶，及时发放帮扶金，帮助他们渡过难关。"
    return subhead("坚持走访慰问，把温暖送到教职工心坎上", practice + totals + retirees + aid)


def benefits_sentence(ctx) -> str:
    """（二）Festival gifts by festival name, and the health check (with contract staff)."""
    festivals = names([r.get("label", "") for r in _rows(ctx, "welfare.distributions.by_festival")
                       if r.get("code") != "birthday" and r.get("recipients")], 5)
    gifts = ""
    if ctx.n("welfare.distributions.recipients"):
        gifts = (f"按照工会经费使用的有关规定，在{festivals}等节日" if festivals else "在传统节日") + \
            "为教职工发放慰问品{welfare.distributions.recipients}，让教职工感受到学校大家庭的温暖。"
    checks = ""
    if ctx.n("welfare.health_checks.persons"):
        checks = "组织{welfare.health_checks.persons:num}名教职工参加健康体检"
        if ctx.n("welfare.health_checks.contract_staff"):
            checks += "（包括合同用工人员）"
        checks += "，做到早预防、早发现、早诊治，有效保障教职工的身心健康。"
    return subhead("办好节日福利和健康体检", gifts + checks)


def mutual_aid_sentence(ctx) -> str:
    """（三）Mutual-aid plans by name, enrolment, and claims paid (totals only, and only when at least
    ``REPORT_SMALL_COUNT_MIN`` persons claimed: a handful would point at the ill)."""
    plans = [r for r in _rows(ctx, "welfare.plans") if r.get("kind") != "folded" and r.get("enrolled")]
    if not plans:
        return ""
    named = "、".join(f"《{r['name']}》" for r in plans[:4])
    # Enrolment is per calendar year: only a calendar-year report can state the period's count.
    enrolled = "，参保{welfare.plans_total.enrolled}" if ctx.words.kind == "calendar_year" else ""
    text = f"为教职工办理了{named}{enrolled}，为广大教职工筑起了一道防御疾病和意外的屏障。"
    if ctx.n("welfare.plans_total.paid_claims") and ctx.n("welfare.plans_total.claim_persons") >= small_count_min():
        text += "优化理赔流程，协助教职工办理理赔申请"
        if ctx.n("welfare.plans_total.paid"):
            text += "，获得赔付{welfare.plans_total.paid}"
        text += "。"
    return subhead("织密互助保障网", text)


def women_sentence(ctx) -> str:
    """（四）Women's work: the 三八 gifts, the women's health check, the women's special-disease plan."""
    parts = []
    womens_day = next((r for r in _rows(ctx, "welfare.distributions.by_festival")
                       if r.get("code") == "womens_day" and r.get("recipients")), None)
    if womens_day:
        parts.append(f"“三八”妇女节为女教职工发放节日慰问品{womens_day['recipients']}人次")
    if ctx.n("welfare.health_checks.womens_checks"):
        parts.append("组织女教职工专项体检{welfare.health_checks.womens_checks}")
    female = next((r for r in _rows(ctx, "welfare.plans") if r.get("kind") == "female_illness" and r.get("enrolled")),
                  None)
    if female:
        parts.append(f"为女教职工办理《{female['name']}》")
    if not parts:
        return ""
    return subhead("关心关爱女教职工", "发挥女工委员会的作用，维护女教职工的合法权益和特殊利益。"
                   + "；".join(parts) + "。")


def services_work_sentence(ctx) -> str:
    """（五）Services (children's school places, sanatorium …), donations and blood donation."""
    parts = []
    school = next((r for r in _rows(ctx, "welfare.services") if r.get("code") == "child_school" and r.get("count")),
                  None)
    if school:
        parts.append("积极协调解决教职工子女入学入托问题")
    others = names([r.get("label", "") for r in _rows(ctx, "welfare.services")
                    if r.get("code") != "child_school" and r.get("count")], 3)
    if others:
        parts.append(f"为教职工提供{others}等服务")
    gifts = names([r.get("label", "") for r in _rows(ctx, "welfare.donations.by_kind") if r.get("donations")], 3)
    if gifts and ctx.n("welfare.donations.total"):
        parts.append(f"组织{gifts}等爱心捐款活动，" + _giving(ctx))
    if ctx.n("welfare.donations.blood.donors"):
        parts.append("{welfare.donations.blood.donors:num}名教职工参加无偿献血")
    if not parts:
        return ""
    return subhead("服务教职工，办好事实事", "；".join(parts) + "，发扬了教职工团结友爱、互助互济的光荣传统。")


def summary_sentence(ctx) -> str:
    """The overview's clause (for ``reports.overview``): visits and festival gifts."""
    return "深入开展走访慰问送温暖活动" if ctx.n("welfare.visits.count") else ""


def shortcomings_sentence(ctx) -> str:
    """Points for 存在的不足: 必访 visits made after their due date, visits above the spending caps."""
    parts = []
    late = int(ctx.n("welfare.duties.pending_late"))
    if late:
        parts.append(f"有{late}件必访事项未能在应慰问日期前完成慰问")
    over = int(ctx.n("welfare.duties.over_cap"))
    if over:
        parts.append(f"有{over}人次慰问超出了慰问标准")
    if not parts:
        return ""
    return "服务教职工的精准度和规范性还需提高，" + "，".join(parts) + "。"


def plans_sentence(ctx) -> str:
    """Points for 今后工作思路 on welfare, answering the records."""
    out = []
    if ctx.n("welfare.visits.count") or ctx.n("welfare.duties.pending_late"):
        out.append("坚持“必访”制度，及时掌握教职工的困难和诉求，做到慰问及时、标准统一，"
                   "建立和完善帮困扶弱的长效机制。")
    if ctx.n("welfare.duties.over_cap"):
        out.append("严格执行上级工会经费使用规定和慰问标准，规范慰问审批和发放流程。")
    return "\n".join(out)


SENTENCES = {
    "visits": visits_sentence,
    "care": care_sentence,
    "hardship": hardship_sentence,
    "visiting": visiting_sentence,
    "benefits": benefits_sentence,
    "mutual_aid": mutual_aid_sentence,
    "women": women_sentence,
    "services_work": services_work_sentence,
    "summary": summary_sentence,
    "shortcomings": shortcomings_sentence,
    "plans": plans_sentence,
}

PROVIDER = ReportProvider(
    label="welfare",
    report_stats=report_stats,
    figures=FIGURES,
    tables=TABLES,
    charts=CHARTS,
    default_blocks=DEFAULT_BLOCKS,
    sentences=SENTENCES,
    index=None,  # an undeclared figure gets no link: no list states its total
)
