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
    Donation,
    DonationDrive,
    FestivalDistribution,
    HardshipAid,
    HardshipCase,
    HealthCheckCampaign,
    HealthCheckParticipant,
    MutualAidPlan,
    PendingVisit,
    PlanEnrollment,
    ServiceRecord,
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


def _unit_below_school(node: Organization) -> Organization | None:
    """``node`` when it is a sub-union or group (a distribution to it is labelled with its name), else None."""
    return node if node.kind in (Organization.Kind.SUB_UNION, Organization.Kind.GROUP) else None


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
            sub_union=sub_union or _unit_below_school(organization),
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
    *,
    claim: AidClaim,
    status: str,
    paid_amount: Decimal | None = None,
    on: dt.date | None = None,
    acting_user=None,
    request=None,
) -> AidClaim:
    """Move a claim along 申请 → 已提交 → 已赔付 / 拒赔 and audit the change (UPDATE).

    ``paid_amount`` (yuan) defaults to the claimed amount when the claim is paid; ``on`` (the
    payment date) to today. Raises ``ValueError`` for any other move, writing nothing.
    """
    if status not in CLAIM_NEXT.get(claim.status, set()):
        raise ValueError("理赔状态不能这样变更")
    claim.status = status
    fields = ["status"]
    if status == AidClaim.Status.PAID:
        claim.paid_amount = paid_amount if paid_amount is not None else claim.claimed_amount
        claim.paid_on = on or dt.date.today()
        fields += ["paid_amount", "paid_on"]
    claim.save(update_fields=fields)
    audit(
        request,
        AuditEntry.Action.UPDATE,
        claim,
        user=acting_user,
        organization=claim.member.school,
        summary=f"理赔状态变更为“{claim.get_status_display()}” {claim.member.name}",
    )
    return claim


@transaction.atomic
def hardship_aid_pay(
    *,
    case: HardshipCase,
    paid_on: dt.date,
    amount: Decimal,
    funding_source: str,
    notes: str = "",
    acting_user=None,
    request=None,
) -> HardshipAid:
    """Record a 帮扶金 payment of ``amount`` yuan on an open case and audit it (CREATE).

    Raises ``ValueError`` when the case is closed (已脱困), writing nothing.
    """
    if case.status != HardshipCase.Status.OPEN:
        raise ValueError("该档案已脱困，不能再发放帮扶金")
    aid = HardshipAid.objects.create(
        case=case, paid_on=paid_on, amount=amount, funding_source=funding_source, notes=notes
    )
    audit(
        request,
        AuditEntry.Action.CREATE,
        aid,
        user=acting_user,
        organization=case.member.school,
        summary=f"发放帮扶金 {amount:.2f} 元 {case.member.name}",
    )
    return aid


@transaction.atomic
def hardship_case_close(
    *, case: HardshipCase, closed_on: dt.date, notes: str = "", acting_user=None, request=None
) -> HardshipCase:
    """Mark a case 已脱困 on ``closed_on`` (``notes`` appended to the case's notes) and audit it (UPDATE)."""
    case.status = HardshipCase.Status.CLOSED
    case.closed_on = closed_on
    if notes:
        case.notes = (case.notes + "\n" + notes).strip()
    case.save(update_fields=["status", "closed_on", "notes"])
    audit(
        request,
        AuditEntry.Action.UPDATE,
        case,
        user=acting_user,
        organization=case.member.school,
        summary=f"困难职工脱困 {case.member.name}",
    )
    return case


@transaction.atomic
def claim_record(
    *,
    member: Member,
    plan: MutualAidPlan,
    claimed_on: dt.date,
    claimed_amount: Decimal,
    notes: str = "",
    acting_user=None,
    request=None,
) -> AidClaim:
    """Record a 理赔申请 (status 申请) of ``claimed_amount`` yuan for ``member`` and audit it (CREATE)."""
    claim = AidClaim.objects.create(
        plan=plan,
        member=member,
        claimed_on=claimed_on,
        claimed_amount=claimed_amount,
        notes=notes,
        recorded_by=acting_user,
    )
    audit(
        request,
        AuditEntry.Action.CREATE,
        claim,
        user=acting_user,
        organization=member.school,
        summary=f"登记理赔申请 {member.name}",
    )
    return claim


@transaction.atomic
def hardship_case_open(
    *,
    member: Member,
    opened_on: dt.date,
    reason: str,
    level: str = HardshipCase.Level.GENERAL,
    notes: str = "",
    acting_user=None,
    request=None,
) -> HardshipCase:
    """Open a 困难职工 case (status 帮扶中) for ``member`` and audit it (CREATE).

    The caller checks that the acting user may see the member's sensitive records (``welfare.access``).
    """
    case = HardshipCase.objects.create(
        member=member, opened_on=opened_on, reason=reason, level=level, notes=notes, recorded_by=acting_user
    )
    audit(
        request,
        AuditEntry.Action.CREATE,
        case,
        user=acting_user,
        organization=member.school,
        summary=f"困难职工建档 {member.name}",
    )
    return case


# --- Mutual aid plans, health checks, donations, services ---------------------------------


@dataclass
class PlanResult:
    plan: MutualAidPlan
    enrolled: int


@transaction.atomic
def plan_create(
    *,
    organization: Organization,
    kind: str,
    name: str,
    premium: Decimal,
    is_health: bool = True,
    description: str = "",
    enroll_year: int | None = None,
    enroll_women_only: bool = False,
    acting_user=None,
    request=None,
) -> PlanResult:
    """Create a 互助保障计划 of ``organization`` and, for ``enroll_year``, enrol its active members.

    ``premium`` is yuan per person per year and is copied onto each enrolment. With
    ``enroll_women_only`` only female members are enrolled (女职工特殊疾病). The plan, its
    enrolments (one batched INSERT per 5,000) and the audit entry are written together or not at all.
    """
    plan = MutualAidPlan.objects.create(
        organization=organization, kind=kind, name=name, premium=premium, is_health=is_health, description=description
    )
    enrolled = 0
    if enroll_year:
        members = Member.objects.within(organization).filter(status="active")
        if enroll_women_only:
            members = members.filter(gender="female")
        enrolled = len(
            PlanEnrollment.objects.bulk_create(
                [
                    PlanEnrollment(plan=plan, member_id=i, year=enroll_year, premium=plan.premium)
                    for i in members.values_list("pk", flat=True)
                ],
                batch_size=5000,
            )
        )
    summary = f"新建互助保障计划“{name}”" + (f"，{enroll_year} 年参保 {enrolled} 人" if enroll_year else "")
    audit(request, AuditEntry.Action.CREATE, plan, user=acting_user, organization=organization, summary=summary)
    return PlanResult(plan, enrolled)


@transaction.atomic
def healthcheck_campaign_create(
    *,
    organization: Organization,
    members_of: Organization,
    name: str,
    held_on: dt.date,
    provider: str = "",
    cost_per_person: Decimal | None = None,
    include_retirees: bool = False,
    acting_user=None,
    request=None,
) -> HealthCheckCampaign:
    """Create a 体检 campaign of ``organization`` with every active member of ``members_of`` as participant.

    Contract staff are included; retirees too with ``include_retirees``. Women get the special
    check (``womens_check``). ``cost_per_person`` is yuan (None → 0). Audited (CREATE).
    """
    campaign = HealthCheckCampaign.objects.create(
        organization=organization,
        year=held_on.year,
        name=name,
        held_on=held_on,
        provider=provider,
        cost_per_person=cost_per_person or 0,
    )
    statuses = ["active"] + (["retired"] if include_retirees else [])
    participants = HealthCheckParticipant.objects.bulk_create(
        [
            HealthCheckParticipant(campaign=campaign, member_id=pk, womens_check=g == "female")
            for pk, g in Member.objects.within(members_of).filter(status__in=statuses).values_list("pk", "gender")
        ],
        batch_size=5000,
    )
    audit(
        request,
        AuditEntry.Action.CREATE,
        campaign,
        user=acting_user,
        organization=organization,
        summary=f"新建体检“{name}” {len(participants)} 人",
    )
    return campaign


@transaction.atomic
def donation_record(
    *,
    drive: DonationDrive,
    member: Member,
    amount: Decimal | None,
    blood_ml: int | None = None,
    acting_user=None,
    request=None,
) -> Donation:
    """Record ``member``'s gift of ``amount`` yuan (None → 0) or, for a blood drive, ``blood_ml`` millilitres.

    Audited (CREATE).
    """
    donation = Donation.objects.create(drive=drive, member=member, amount=amount or 0, blood_ml=blood_ml)
    audit(
        request,
        AuditEntry.Action.CREATE,
        donation,
        user=acting_user,
        organization=drive.organization,
        summary=f"登记捐助“{drive.title}” {member.name}",
    )
    return donation


@transaction.atomic
def service_record_create(
    *,
    member: Member,
    kind: str,
    served_on: dt.date,
    description: str,
    outcome: str = "",
    acting_user=None,
    request=None,
) -> ServiceRecord:
    """Record a 服务事项 (``ServiceRecord.Kind`` code) done for ``member`` and audit it (CREATE)."""
    record = ServiceRecord.objects.create(
        member=member, kind=kind, served_on=served_on, description=description, outcome=outcome, recorded_by=acting_user
    )
    audit(
        request,
        AuditEntry.Action.CREATE,
        record,
        user=acting_user,
        organization=member.school,
        summary=f"登记服务事项 {member.name}（{record.get_kind_display()}）",
    )
    return record


# --- Visit occasions (慰问事由) -----------------------------------------------------------------
# The shared list (``school`` empty) ships with a data migration and is read-only in the portal;
# a school's chair adds, edits and deactivates the school's own occasions.


def _require_chair(user, school: Organization) -> None:
    from django.core.exceptions import PermissionDenied

    from members.access import has_role
    from members.models import Role

    if not has_role(user, Role.CHAIR, within=school):
        raise PermissionDenied("只有本校工会主席可以维护慰问事由。")


@transaction.atomic
def occasion_save(
    *, acting_user, request=None, school: Organization, occasion: VisitOccasion | None = None,
    code: str, name: str, is_mandatory: bool, is_sensitive: bool, concerns_relative: bool, sort_order: int,
) -> VisitOccasion:  # fmt: skip
    """Add an occasion of ``school`` (``occasion`` None) or change one of its own; audited.

    Raises ``ValidationError`` (on ``code``/``name``) when the code or name is taken by another
    active occasion of the school or the shared list, ``PermissionDenied`` unless ``acting_user`` is
    the school's chair or when ``occasion`` is shared or another school's.
    """
    from django.core.exceptions import PermissionDenied, ValidationError

    _require_chair(acting_user, school)
    if occasion is not None and occasion.pk and occasion.school_id != school.pk:
        raise PermissionDenied("通用事由和其他学校的事由不能在这里修改。")
    others = VisitOccasion.objects.filter(Q(school__isnull=True) | Q(school=school))
    if occasion is not None and occasion.pk:
        others = others.exclude(pk=occasion.pk)
    if others.filter(code=code).exists():
        raise ValidationError({"code": "该编码已被使用。"})
    if others.filter(name=name, is_active=True).exists():
        raise ValidationError({"name": "已有同名的慰问事由。"})
    creating = occasion is None or occasion.pk is None
    occasion = occasion or VisitOccasion()
    occasion.school, occasion.code, occasion.name = school, code, name
    occasion.is_mandatory, occasion.is_sensitive = is_mandatory, is_sensitive
    occasion.concerns_relative, occasion.sort_order = concerns_relative, sort_order
    occasion.save()
    audit(request, AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE, occasion, user=acting_user,
          organization=school, summary=f"{'新增' if creating else '修改'}慰问事由 {name}")  # fmt: skip
    return occasion


@transaction.atomic
def occasion_set_active(*, acting_user, request=None, school: Organization, occasion: VisitOccasion, active: bool):
    """Deactivate (停用) or reactivate one of ``school``'s own occasions; audited. Past visits keep it.

    Raises ``PermissionDenied`` as :func:`occasion_save`.
    """
    from django.core.exceptions import PermissionDenied

    _require_chair(acting_user, school)
    if occasion.school_id != school.pk:
        raise PermissionDenied("通用事由和其他学校的事由不能在这里修改。")
    occasion.is_active = active
    occasion.save(update_fields=["is_active"])
    audit(request, AuditEntry.Action.UPDATE, occasion, user=acting_user, organization=school,
          summary=f"{'启用' if active else '停用'}慰问事由 {occasion.name}")  # fmt: skip
    return occasion


# --- Enrolments per member, health-check attendance, donations in bulk (issue 16) --------------------------


@transaction.atomic
def plan_enrollment_save(
    *,
    member: Member,
    plan: MutualAidPlan,
    year: int,
    premium: Decimal,
    paid_by: str,
    acting_user=None,
    request=None,
) -> PlanEnrollment:
    """Enrol ``member`` in ``plan`` for ``year`` (参保), or change that enrolment's ``premium`` (yuan per year)
    and ``paid_by`` (a ``FundingSource``) when it exists. Audited (CREATE or UPDATE), in the same transaction.

    Raises ``ValueError`` when the plan belongs to another school than the member."""
    if (plan.organization.school or plan.organization).pk != member.school_id:
        raise ValueError("该计划不属于该教职工所在学校。")
    enrollment, created = PlanEnrollment.objects.update_or_create(
        plan=plan, member=member, year=year, defaults={"premium": premium, "paid_by": paid_by}
    )
    audit(
        request,
        AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        enrollment,
        user=acting_user,
        organization=member.school,
        summary=f"{'登记' if created else '修改'}参保 {member.name} {year}年“{plan.name}” {premium:.2f} 元",
    )
    return enrollment


@transaction.atomic
def plan_enrollment_remove(*, enrollment: PlanEnrollment, acting_user=None, request=None) -> None:
    """Remove one enrolment (退保 or a correction); refused with ``ValueError`` when the member has a claim
    under the plan in that year. Audited (DELETE)."""
    if AidClaim.objects.filter(
        plan_id=enrollment.plan_id, member_id=enrollment.member_id, claimed_on__year=enrollment.year
    ).exists():
        raise ValueError("该年度已有理赔记录，不能删除参保。")
    audit(
        request,
        AuditEntry.Action.DELETE,
        enrollment,
        user=acting_user,
        organization=enrollment.member.school,
        summary=f"删除参保 {enrollment.member.name} {enrollment.year}年“{enrollment.plan.name}”",
    )
    enrollment.delete()


@transaction.atomic
def healthcheck_attendance_set(
    *, campaign: HealthCheckCampaign, member_ids: list[int], attended: bool, acting_user=None, request=None
) -> int:
    """Mark the participants ``member_ids`` of ``campaign`` as attended (or not). Returns the number of
    participant rows changed (人); ids that are not participants are ignored. Audited (UPDATE)."""
    changed = (
        HealthCheckParticipant.objects.filter(campaign=campaign, member_id__in=member_ids)
        .exclude(attended=attended)
        .update(attended=attended)
    )
    if changed:
        audit(
            request,
            AuditEntry.Action.UPDATE,
            campaign,
            user=acting_user,
            organization=campaign.organization,
            summary=f"体检“{campaign.name}” {'登记参检' if attended else '取消参检'} {changed} 人",
        )
    return changed


@dataclass
class DonationRow:
    """One donation to record in bulk: the member, yuan (Decimal or None) and blood in ml (or None)."""

    member: Member
    amount: Decimal | None
    blood_ml: int | None = None


@transaction.atomic
def donations_record_bulk(
    *, drive: DonationDrive, rows: list[DonationRow], acting_user=None, request=None
) -> list[Donation]:
    """Record every row's donation to ``drive`` at once, all or nothing (one INSERT, one audit entry).

    The rows are validated by the form (members in scope, amounts ≥ 0); a member named twice is refused
    with ``ValueError`` and nothing is written."""
    seen: set[int] = set()
    for row in rows:
        if row.member.pk in seen:
            raise ValueError(f"{row.member.name} 重复出现。")
        seen.add(row.member.pk)
    donations = Donation.objects.bulk_create(
        [Donation(drive=drive, member=r.member, amount=r.amount or 0, blood_ml=r.blood_ml) for r in rows]
    )
    audit(
        request,
        AuditEntry.Action.CREATE,
        drive,
        user=acting_user,
        organization=drive.organization,
        summary=f"批量登记捐助“{drive.title}” {len(donations)} 人，合计 {sum((r.amount or 0) for r in rows):.2f} 元",
    )
    return donations
