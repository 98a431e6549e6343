"""Writes of the welfare app: keyword-only, typed, atomic, audited where a person acts.

Spending caps warn and never block: the write goes through and the caller
shows the returned warnings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, Sum

from members.models import AuditEntry, EmploymentType, FamilyMember, Member, MemberStatus, Organization
from union_portal.lib.audit import audit

from .models import (
    AidClaim,
    DistributionRecipient,
    FestivalDistribution,
    HardshipAid,
    HardshipCase,
    PendingVisit,
    SpendingCap,
    SpendingCapRuleSet,
    VisitOccasion,
    WelfareVisit,
)

EVENT_OCCASION = {
    PendingVisit.Event.HOSPITALISATION: "hospitalisation",
    PendingVisit.Event.BIRTH: "childbirth",
    PendingVisit.Event.BEREAVEMENT: "relative_death",
    PendingVisit.Event.RETIREMENT: "retirement",
    PendingVisit.Event.MARRIAGE: "marriage",
    PendingVisit.Event.OTHER: "other",
}


def due_days() -> int:
    """Days after a life event within which the visit is due (``WELFARE_VISIT_DUE_DAYS``, default 7)."""
    return int(getattr(settings, "WELFARE_VISIT_DUE_DAYS", 7))


def occasions_for(school: Organization | None):
    """Active occasions usable in ``school``: the shared list plus the school's own."""
    q = Q(school__isnull=True)
    if school is not None:
        q |= Q(school=school)
    return VisitOccasion.objects.filter(q, is_active=True).order_by("sort_order", "pk")


def occasion_by_code(school: Organization | None, code: str) -> VisitOccasion | None:
    qs = occasions_for(school).filter(code=code)
    return qs.filter(school=school).first() or qs.first()


def retirement_date(member: Member) -> dt.date | None:
    """Statutory retirement date from birth date and ``RETIREMENT_AGE_MALE/FEMALE``."""
    if not member.birth_date:
        return None
    age = settings.RETIREMENT_AGE_MALE if member.gender == "male" else settings.RETIREMENT_AGE_FEMALE
    b = member.birth_date
    try:
        return b.replace(year=b.year + age)
    except ValueError:  # 29 February
        return b.replace(year=b.year + age, day=28)


# --- Spending caps ------------------------------------------------------------------


def rule_set_for(organization: Organization | None, on: dt.date) -> SpendingCapRuleSet | None:
    """The rule set in force on ``on`` for ``organization``: the school's own latest, else the shipped example."""
    school = organization.school if organization is not None else None
    base = SpendingCapRuleSet.objects.filter(effective_from__lte=on).prefetch_related("caps")
    own = base.filter(organization=school).first() if school is not None else None
    return own or base.filter(organization__isnull=True).first()


def cap_for(rule_set: SpendingCapRuleSet | None, occasion_code: str) -> Decimal | None:
    if rule_set is None:
        return None
    for cap in rule_set.caps.all():
        if cap.occasion_code == occasion_code:
            return cap.amount
    return None


def visit_cap_warnings(
    *, member: Member, occasion: VisitOccasion, on: dt.date, amount: Decimal, exclude_pk: int | None = None
) -> list[str]:
    """Warnings when a visit of ``amount`` (慰问金 + 慰问品) passes the occasion's cap."""
    rule_set = rule_set_for(member.school, on)
    cap = cap_for(rule_set, occasion.code)
    if cap is not None and amount > cap:
        return [
            f"{member.name} 的“{occasion.name}”慰问共 {amount:.2f} 元，超过《{rule_set.name}》每次 {cap:.2f} 元的标准。"
            "本次仍已保存，请确认资金依据。"
        ]
    return []


def festival_totals(*, member_ids, year: int) -> dict[int, Decimal]:
    """Festival-gift value per member in ``year`` (one grouped query)."""
    rows = (
        DistributionRecipient.objects.filter(member_id__in=member_ids, distribution__distributed_on__year=year)
        .exclude(distribution__festival="birthday")
        .values("member_id")
        .annotate(total=Sum("value"))
    )
    return {r["member_id"]: r["total"] for r in rows}


# --- Visits ---------------------------------------------------------------------------


@dataclass
class VisitResult:
    visit: WelfareVisit
    warnings: list[str] = field(default_factory=list)


@transaction.atomic
def welfare_visit_record(
    *,
    member: Member,
    occasion: VisitOccasion,
    visited_on: dt.date,
    cash_amount: Decimal = Decimal("0"),
    gift_description: str = "",
    gift_value: Decimal = Decimal("0"),
    funding_source: str = "union_funds",
    visitors: list[Member] | None = None,
    family_member: FamilyMember | None = None,
    notes: str = "",
    pending: PendingVisit | None = None,
    acting_user=None,
    request=None,
) -> VisitResult:
    """Record a visit, close the pending item it answers, audit it, and return cap warnings."""
    visit = WelfareVisit.objects.create(
        member=member,
        family_member=family_member,
        occasion=occasion,
        visited_on=visited_on,
        cash_amount=cash_amount or Decimal("0"),
        gift_description=gift_description,
        gift_value=gift_value or Decimal("0"),
        funding_source=funding_source,
        notes=notes,
        recorded_by=acting_user,
    )
    if visitors:
        visit.visitors.set(visitors)
    if pending is not None:
        pending.status = PendingVisit.Status.DONE
        pending.visit = visit
        pending.save(update_fields=["status", "visit"])
    audit(
        request,
        AuditEntry.Action.CREATE,
        visit,
        user=acting_user,
        organization=member.school,
        summary=f"登记慰问 {member.name}（{occasion.name}）",
    )
    warnings = visit_cap_warnings(member=member, occasion=occasion, on=visited_on, amount=visit.total_value)
    return VisitResult(visit, warnings)


@transaction.atomic
def life_event_record(
    *,
    member: Member,
    event: str,
    event_date: dt.date,
    family_member: FamilyMember | None = None,
    notes: str = "",
    acting_user=None,
) -> PendingVisit:
    """Record a life event (住院, 生育, 亲属去世, 退休 …) as a pending visit due a few days later."""
    occasion = occasion_by_code(member.school, EVENT_OCCASION.get(event, "other")) or occasion_by_code(
        member.school, "other"
    )
    due = event_date if event == PendingVisit.Event.RETIREMENT else event_date + dt.timedelta(days=due_days())
    return PendingVisit.objects.create(
        member=member,
        family_member=family_member,
        event=event,
        occasion=occasion,
        event_date=event_date,
        due_on=due,
        notes=notes,
        created_by=acting_user,
    )


@transaction.atomic
def pending_retirements_create(*, school: Organization, today: dt.date, within_days: int = 60) -> int:
    """Create a pending 退休 visit for each active member of ``school`` reaching retirement soon.

    Idempotent: a member with an open or done retirement item is skipped. Returns how many were created.
    """
    horizon = today + dt.timedelta(days=within_days)
    occasion = occasion_by_code(school, "retirement")
    already = set(
        PendingVisit.objects.filter(member__school=school, event=PendingVisit.Event.RETIREMENT)
        .exclude(status=PendingVisit.Status.CANCELLED)
        .values_list("member_id", flat=True)
    )
    ages = {"male": settings.RETIREMENT_AGE_MALE}
    rows = []
    for m in Member.objects.filter(school=school, status=MemberStatus.ACTIVE, birth_date__isnull=False).only(
        "pk", "birth_date", "gender"
    ):
        if m.pk in already:
            continue
        age = ages.get(m.gender, settings.RETIREMENT_AGE_FEMALE)
        if not (today.year - age - 1 <= m.birth_date.year <= horizon.year - age):
            continue
        day = retirement_date(m)
        if day and today <= day <= horizon:
            rows.append(
                PendingVisit(
                    member=m, event=PendingVisit.Event.RETIREMENT, occasion=occasion, event_date=day, due_on=day
                )
            )
    PendingVisit.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def pending_cancel(*, pending: PendingVisit) -> None:
    pending.status = PendingVisit.Status.CANCELLED
    pending.save(update_fields=["status"])


# --- Festival distributions ------------------------------------------------------------


def recipients_queryset(
    *,
    organization: Organization,
    include_retirees: bool = True,
    include_contract: bool = True,
    union_members_only: bool = False,
    sub_union: Organization | None = None,
):
    """Members picked by a distribution's filter (active, optionally retirees and contract staff)."""
    node = sub_union or organization
    statuses = [MemberStatus.ACTIVE] + ([MemberStatus.RETIRED] if include_retirees else [])
    qs = Member.objects.within(node).filter(status__in=statuses)
    if not include_contract:
        qs = qs.filter(Q(employment_type=EmploymentType.ESTABLISHED) | Q(status=MemberStatus.RETIRED))
    if union_members_only:
        qs = qs.filter(is_union_member=True)
    return qs


def describe_rule(*, include_retirees: bool, include_contract: bool, union_members_only: bool, sub_union) -> str:
    parts = [sub_union.name if sub_union else "全体"]
    parts.append("在职" + ("及退休" if include_retirees else ""))
    parts.append("工会会员" if union_members_only else "教职工")
    if not include_contract:
        parts.append("（不含合同制等编外人员）")
    return "".join(parts)


def _insert_recipients(dist: FestivalDistribution, members) -> int:
    """One ``INSERT … SELECT`` of a recipient row per member of the ``members`` queryset."""
    select_sql, params = members.annotate(picked_id=F("pk")).values_list("picked_id").query.sql_with_params()
    table = connection.ops.quote_name(DistributionRecipient._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (distribution_id, member_id, value, signed) "  # noqa: S608 (identifiers from model meta; values are parameters)
            f"SELECT %s, picked.picked_id, %s, %s FROM ({select_sql}) picked",
            [dist.pk, dist.value_per_person, False, *params],
        )
        return cursor.rowcount


@dataclass
class IssueResult:
    distribution: FestivalDistribution
    issued: int
    warnings: list[str] = field(default_factory=list)


@transaction.atomic
def distribution_issue(
    *,
    organization: Organization,
    festival: str,
    title: str,
    distributed_on: dt.date,
    item: str,
    value_per_person: Decimal,
    funding_source: str = "union_funds",
    include_retirees: bool = True,
    include_contract: bool = True,
    union_members_only: bool = False,
    sub_union: Organization | None = None,
    acting_user=None,
    request=None,
) -> IssueResult:
    """Create a distribution and insert one recipient row per picked member, set-based.

    Queries: the distribution INSERT, one ``INSERT … SELECT`` that writes every
    recipient row from the member filter inside the database, the rule set
    and its caps, one grouped SELECT for the yearly festival cap, and the audit
    INSERT — the same for 15 or 15,000 recipients.
    """
    dist = FestivalDistribution.objects.create(
        organization=organization,
        festival=festival,
        title=title,
        distributed_on=distributed_on,
        item=item,
        value_per_person=value_per_person,
        funding_source=funding_source,
        recipient_rule=describe_rule(
            include_retirees=include_retirees,
            include_contract=include_contract,
            union_members_only=union_members_only,
            sub_union=sub_union,
        ),
        created_by=acting_user,
    )
    picked = recipients_queryset(
        organization=organization,
        include_retirees=include_retirees,
        include_contract=include_contract,
        union_members_only=union_members_only,
        sub_union=sub_union,
    ).order_by()
    issued = _insert_recipients(dist, picked)
    warnings = []
    rule_set = rule_set_for(organization, distributed_on)
    if festival == "birthday":
        if rule_set and rule_set.birthday_cap is not None and value_per_person > rule_set.birthday_cap:
            warnings.append(f"生日慰问每人 {value_per_person:.2f} 元，超过 {rule_set.birthday_cap:.2f} 元的标准。")
    elif rule_set is not None and rule_set.festival_yearly_cap is not None and issued:
        cap = rule_set.festival_yearly_cap
        over = (
            DistributionRecipient.objects.filter(
                member_id__in=dist.recipients.values("member_id"),
                distribution__distributed_on__year=distributed_on.year,
            )
            .exclude(distribution__festival="birthday")
            .values("member_id")
            .annotate(total=Sum("value"))
            .filter(total__gt=cap)
            .count()
        )
        if over:
            warnings.append(
                f"发放后有 {over} 人本年度节日慰问品合计超过《{rule_set.name}》每人每年 {cap:.2f} 元的标准。"
                "本次仍已发放，详见“标准与合规”页面。"
            )
    audit(
        request,
        AuditEntry.Action.CREATE,
        dist,
        user=acting_user,
        organization=organization,
        summary=f"发放{dist.get_festival_display()}慰问品“{title}” {issued} 人次",
    )
    return IssueResult(dist, issued, warnings)


@transaction.atomic
def recipients_sign(*, distribution: FestivalDistribution, member_ids: list[int], signed: bool = True) -> int:
    """Mark recipients as signed-for (签领) in one UPDATE; returns the number of rows changed."""
    return DistributionRecipient.objects.filter(distribution=distribution, member_id__in=member_ids).update(
        signed=signed
    )


# --- Spending caps rule sets ------------------------------------------------------------


@transaction.atomic
def rule_set_save(
    *,
    organization: Organization,
    name: str,
    effective_from: dt.date,
    festival_yearly_cap: Decimal | None,
    birthday_cap: Decimal | None,
    caps: dict[str, Decimal],
    source: str = "",
    acting_user=None,
    request=None,
) -> SpendingCapRuleSet:
    """Save a new rule set for the school (older ones stay for past dates)."""
    rs = SpendingCapRuleSet.objects.create(
        organization=organization,
        name=name,
        effective_from=effective_from,
        festival_yearly_cap=festival_yearly_cap,
        birthday_cap=birthday_cap,
        source=source,
        created_by=acting_user,
    )
    SpendingCap.objects.bulk_create(
        [SpendingCap(rule_set=rs, occasion_code=c, amount=a) for c, a in caps.items() if a is not None]
    )
    audit(
        request, AuditEntry.Action.CREATE, rs, user=acting_user, organization=organization, summary=f"保存慰问标准 {rs}"
    )
    return rs


# --- Claims and hardship ----------------------------------------------------------------

CLAIM_NEXT = {
    AidClaim.Status.APPLIED: {AidClaim.Status.SUBMITTED, AidClaim.Status.REJECTED},
    AidClaim.Status.SUBMITTED: {AidClaim.Status.PAID, AidClaim.Status.REJECTED},
}


@transaction.atomic
def claim_advance(
    *, claim: AidClaim, status: str, paid_amount: Decimal | None = None, on: dt.date | None = None
) -> AidClaim:
    """Move a claim along 申请 → 已提交 → 已赔付 / 拒赔; raises ``ValueError`` for other moves."""
    if status not in CLAIM_NEXT.get(claim.status, set()):
        raise ValueError("理赔状态不能这样变更")
    claim.status = status
    fields = ["status"]
    if status == AidClaim.Status.PAID:
        claim.paid_amount = paid_amount if paid_amount is not None else claim.claimed_amount
        claim.paid_on = on or dt.date.today()
        fields += ["paid_amount", "paid_on"]
    claim.save(update_fields=fields)
    return claim


@transaction.atomic
def hardship_aid_pay(
    *, case: HardshipCase, paid_on: dt.date, amount: Decimal, funding_source: str, notes: str = ""
) -> HardshipAid:
    if case.status != HardshipCase.Status.OPEN:
        raise ValueError("该档案已脱困，不能再发放帮扶金")
    return HardshipAid.objects.create(
        case=case, paid_on=paid_on, amount=amount, funding_source=funding_source, notes=notes
    )


@transaction.atomic
def hardship_case_close(*, case: HardshipCase, closed_on: dt.date, notes: str = "") -> HardshipCase:
    case.status = HardshipCase.Status.CLOSED
    case.closed_on = closed_on
    if notes:
        case.notes = (case.notes + "\n" + notes).strip()
    case.save(update_fields=["status", "closed_on", "notes"])
    return case
