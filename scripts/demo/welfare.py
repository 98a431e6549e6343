"""Demo welfare data for one school, modelled on the seeds' 送温暖 paragraphs.

Deterministic (only ``ctx.rng``), scale-aware and bulk-inserted:

- visits from 1 January of ``ctx.first_year`` (five years back) to ``ctx.today``,
  about 235 × scale per year (so scale 10 × 3 schools gives more than 40,000),
  a few percent more or less each year: 生病住院, 直系亲属去世, 生育,
  结婚, 家庭困难, 退休, 重阳 visits to retirees …, with 慰问金, 慰问品 and visitors;
- festival distributions every year: 春节 and 中秋 for all staff and retirees,
  送清凉 for active staff, and 三八 for women;
- mutual-aid plans (重大疾病, 意外伤害, 女职工特殊疾病) with yearly enrolment and claims;
- a health check every year (contract staff included, women's special check);
- a 一日捐 drive, blood donation and a 扶贫济困 募捐 every year;
- hardship cases opened every year, with aid, some closed; services (子女入学入托, 疗养, 法律援助);
- pending visits relative to ``ctx.today`` (some overdue) and upcoming retirements.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from members.models import EmploymentType, FamilyMember
from welfare.defaults import ensure_defaults
from welfare.models import (
    AidClaim,
    DistributionRecipient,
    Donation,
    DonationDrive,
    FestivalDistribution,
    FundingSource,
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
from welfare.services import pending_retirements_create

VISITS_PER_YEAR = 235  # per unit of scale; about 210 per school-year of active staff plus 重阳 visits

# occasion code → (weight, cash choices, gift choices as (description, value))
VISIT_KINDS = {
    "hospitalisation": (
        30,
        [300, 500, 500, 500, 800],
        [("水果篮", 100), ("牛奶、水果", 150), ("营养品", 200), ("", 0)],
    ),
    "relative_death": (14, [500, 500, 800, 1000], [("花圈", 200), ("", 0)]),
    "childbirth": (9, [500, 600], [("婴儿用品", 200), ("鸡蛋、红糖", 100), ("", 0)]),
    "marriage": (6, [500, 600], [("床上用品", 300), ("", 0)]),
    "hardship": (5, [1000, 1500, 2000], [("米、油", 200), ("", 0)]),
    "accident": (3, [500, 800], [("水果", 100)]),
    "serious_illness": (3, [1000, 2000], [("营养品", 300)]),
}
NOTES = {
    "hospitalisation": ["工会主席带队到医院看望", "分工会主席到家中探望", "术后在家休养，上门慰问", ""],
    "relative_death": ["父亲病故，登门慰问", "母亲去世，送去慰问金", "配偶父亲去世", ""],
    "childbirth": ["喜得千金", "喜得贵子", "产假期间上门看望"],
    "marriage": ["新婚祝福"],
    "hardship": ["子女重病，家庭经济困难", "配偶下岗，家庭负担重", "春节前走访困难教职工"],
    "accident": ["上班途中摔伤", "运动受伤"],
    "serious_illness": ["重大疾病治疗期间慰问"],
    "member_death": ["抚恤金由工会主席送至家属"],
}
SERVICE_TEXT = {
    ServiceRecord.Kind.CHILD_SCHOOL: [
        ("协调子女就近入学", "已解决"),
        ("协调子女入托", "已解决"),
        ("子女转学咨询", "已答复"),
    ],
    ServiceRecord.Kind.SANATORIUM: [("安排暑期疗养", "已参加疗养"), ("推荐劳模疗休养", "已安排")],
    ServiceRecord.Kind.LEGAL_AID: [("购房合同法律咨询", "已提供咨询"), ("交通事故理赔法律援助", "已协助调解")],
    ServiceRecord.Kind.MATCHMAKING: [("参加单身青年联谊活动", "已参加")],
}


def _date(rng, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max((end - start).days, 1)))


def _occasions(school) -> dict[str, VisitOccasion]:
    # The defaults come from a data migration; `load_demo --flush` (or a test flush) removes them.
    ensure_defaults(VisitOccasion, SpendingCapRuleSet, SpendingCap)
    return {o.code: o for o in VisitOccasion.objects.filter(school__isnull=True)}


def load(ctx) -> None:
    rng = ctx.rng
    scale = ctx.scale
    today = ctx.today
    school = ctx.school
    occ = _occasions(school)
    active = [m for m in ctx.active_members]
    retirees = ctx.retirees
    union_active = [m for m in active if m.is_union_member] or active
    visitor_pool = [m for m in active if m.employment_type == EmploymentType.ESTABLISHED][:8] or active[:8]
    chair_user = ctx.users.get("chair")
    family: dict[int, list[FamilyMember]] = {}
    for f in FamilyMember.objects.filter(member__school=school).only("pk", "member_id", "relation"):
        family.setdefault(f.member_id, []).append(f)
    years = ctx.years

    # --- Visits ------------------------------------------------------------------------------------
    kinds = list(VISIT_KINDS)
    weights = [VISIT_KINDS[k][0] for k in kinds]
    visits: list[WelfareVisit] = []
    for year in years:
        start, end = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today - dt.timedelta(days=1))
        if end < start:
            continue
        fraction = ((end - start).days + 1) / 365
        on_staff = [m for m in ctx.staff_on(start) if m.is_union_member] or union_active  # as of 1 January
        n_regular = round((VISITS_PER_YEAR - 25) * scale * fraction * rng.uniform(0.92, 1.08))
        for _ in range(n_regular):
            code = rng.choices(kinds, weights)[0]
            _w, cashes, gifts = VISIT_KINDS[code]
            m = rng.choice(on_staff)
            gift, gift_value = rng.choice(gifts)
            relative = None
            if code == "relative_death" and family.get(m.pk):
                relative = rng.choice(family[m.pk])
            funding = (
                FundingSource.HIGHER_UNION
                if code == "hardship" and rng.random() < 0.4
                else rng.choices([FundingSource.UNION_FUNDS, FundingSource.SCHOOL_WELFARE], [85, 15])[0]
            )
            visits.append(
                WelfareVisit(
                    member=m,
                    family_member=relative,
                    occasion=occ[code],
                    visited_on=_date(rng, start, end + dt.timedelta(days=1)),
                    cash_amount=Decimal(rng.choice(cashes)),
                    gift_description=gift,
                    gift_value=Decimal(gift_value),
                    funding_source=funding,
                    notes=rng.choice(NOTES[code]),
                    recorded_by=chair_user,
                )
            )
        # 退休: colleagues who retired that year get a souvenir; 重阳: retirees visited in October.
        for m in retirees:
            if m.status_changed_on and m.status_changed_on.year == year and m.status_changed_on <= end:
                visits.append(
                    WelfareVisit(
                        member=m,
                        occasion=occ["retirement"],
                        visited_on=m.status_changed_on,
                        cash_amount=Decimal("0"),
                        gift_description="退休纪念品（相册、纪念章）",
                        gift_value=Decimal("800"),
                        notes="召开欢送退休教师座谈会",
                        recorded_by=chair_user,
                    )
                )
        for m in ctx.members:
            if m.status == "deceased" and m.status_changed_on and m.status_changed_on.year == year:
                visits.append(
                    WelfareVisit(
                        member=m,
                        occasion=occ["member_death"],
                        visited_on=m.status_changed_on,
                        cash_amount=Decimal("2000"),
                        gift_description="花圈",
                        gift_value=Decimal("300"),
                        notes=rng.choice(NOTES["member_death"]),
                        recorded_by=chair_user,
                    )
                )
        chongyang = dt.date(year, 10, 14)
        elders = ctx.retirees_on(chongyang)
        if chongyang <= end and elders:
            for m in rng.sample(elders, min(len(elders), round(25 * scale))):
                visits.append(
                    WelfareVisit(
                        member=m,
                        occasion=occ["elderly"],
                        visited_on=chongyang + dt.timedelta(days=rng.randrange(0, 6)),
                        cash_amount=Decimal("200"),
                        gift_description="重阳糕、牛奶",
                        gift_value=Decimal("100"),
                        notes="重阳节走访退休老同志",
                        recorded_by=chair_user,
                    )
                )
    visits.sort(key=lambda v: v.visited_on)
    WelfareVisit.objects.bulk_create(visits, batch_size=2000)
    Through = WelfareVisit.visitors.through
    through = []
    for v in visits:
        for p in rng.sample(visitor_pool, rng.choice([1, 2, 2, 3])):
            if p.pk != v.member_id:
                through.append(Through(welfarevisit_id=v.pk, member_id=p.pk))
    Through.objects.bulk_create(through, batch_size=5000)

    # --- Pending visits relative to today ---------------------------------------------------------------
    pending = []
    events = [
        (PendingVisit.Event.HOSPITALISATION, "hospitalisation", "住院治疗"),
        (PendingVisit.Event.HOSPITALISATION, "hospitalisation", "手术后住院观察"),
        (PendingVisit.Event.BIRTH, "childbirth", "产假中"),
        (PendingVisit.Event.BEREAVEMENT, "relative_death", "父亲病故"),
        (PendingVisit.Event.MARRIAGE, "marriage", "国庆节举行婚礼"),
    ]
    for i in range(max(4, round(5 * scale))):
        event, code, note = events[i % len(events)]
        m = rng.choice(union_active)
        event_date = today - dt.timedelta(days=1 + (3 * i) % 13)  # a spread of due dates, some overdue
        pending.append(
            PendingVisit(
                member=m,
                event=event,
                occasion=occ[code],
                event_date=event_date,
                due_on=event_date + dt.timedelta(days=7),
                notes=note,
                created_by=chair_user,
            )
        )
    PendingVisit.objects.bulk_create(pending)
    pending_retirements_create(school=school, today=today, within_days=60)

    # --- Festival distributions ----------------------------------------------------------------------------
    plan = [
        ("spring", 1, 20, "春节慰问品", "米、油、年货大礼包", Decimal("500"), True, "全体在职及退休教职工"),
        ("summer", 7, 10, "送清凉", "西瓜、绿豆、防暑饮品", Decimal("200"), False, "全体在职教职工"),
        ("mid_autumn", 9, 15, "中秋慰问品", "月饼、水果", Decimal("300"), True, "全体在职及退休教职工"),
    ]
    recipients = []
    for year in years:
        for festival, month, day, label, item, value, with_retirees, rule in plan:
            when = dt.date(year, month, day)
            if when >= today:
                continue
            ids = [m.pk for m in ctx.staff_on(when)] + ([m.pk for m in ctx.retirees_on(when)] if with_retirees else [])
            d = FestivalDistribution.objects.create(
                organization=school,
                festival=festival,
                title=f"{year}年{label}",
                distributed_on=when,
                item=item,
                value_per_person=value,
                recipient_rule=rule,
                created_by=chair_user,
            )
            old = (today - when).days > 30
            recipients.extend(
                DistributionRecipient(distribution=d, member_id=i, value=value, signed=old or rng.random() < 0.6)
                for i in ids
            )
        if dt.date(year, 3, 8) < today:
            d = FestivalDistribution.objects.create(
                organization=school,
                festival="womens_day",
                title=f"{year}年三八节慰问",
                distributed_on=dt.date(year, 3, 8),
                item="鲜花、护手霜",
                value_per_person=Decimal("150"),
                recipient_rule="全体在职女教职工",
                created_by=chair_user,
            )
            recipients.extend(
                DistributionRecipient(distribution=d, member_id=m.pk, value=Decimal("150"), signed=True)
                for m in ctx.staff_on(dt.date(year, 3, 8))
                if m.gender == "female"
            )
    DistributionRecipient.objects.bulk_create(recipients, batch_size=5000)

    # --- Mutual-aid plans ---------------------------------------------------------------------------------
    plans = [
        MutualAidPlan(
            organization=school, kind="critical_illness", name="在职职工重大疾病互助保障计划", premium=Decimal("60")
        ),
        MutualAidPlan(
            organization=school,
            kind="accident",
            name="在职职工意外伤害互助保障计划",
            premium=Decimal("20"),
            is_health=True,
        ),
        MutualAidPlan(
            organization=school, kind="female_illness", name="女职工特殊疾病互助保障计划", premium=Decimal("30")
        ),
    ]
    MutualAidPlan.objects.bulk_create(plans)
    enrolments, claims = [], []
    for year in years:
        for p in plans:
            staff = ctx.staff_on(dt.date(year, 1, 1)) or active
            members = [m for m in staff if m.gender == "female"] if p.kind == "female_illness" else staff
            enrolments.extend(PlanEnrollment(plan=p, member_id=m.pk, year=year, premium=p.premium) for m in members)
            for _ in range(rng.randrange(0, 2 + scale)):
                claimed_on = _date(rng, dt.date(year, 1, 1), min(dt.date(year, 12, 31), today))
                amount = Decimal(rng.choice([3000, 5000, 8000, 10000, 13200, 20000]))
                old = (today - claimed_on).days > 90
                status = (
                    rng.choice(["paid", "paid", "paid", "rejected"]) if old else rng.choice(["applied", "submitted"])
                )
                claims.append(
                    AidClaim(
                        plan=p,
                        member=rng.choice(members),
                        claimed_on=claimed_on,
                        claimed_amount=amount,
                        paid_amount=amount if status == "paid" else Decimal("0"),
                        paid_on=claimed_on + dt.timedelta(days=45) if status == "paid" else None,
                        status=status,
                        recorded_by=chair_user,
                    )
                )
    PlanEnrollment.objects.bulk_create(enrolments, batch_size=5000)
    AidClaim.objects.bulk_create(claims)

    # --- Health checks ----------------------------------------------------------------------------------------
    participants = []
    for year in years:
        held = dt.date(year, 11, 10)
        if held >= today:
            continue
        camp = HealthCheckCampaign.objects.create(
            organization=school,
            year=year,
            name=f"{year}年教职工健康体检",
            held_on=held,
            provider="市第一人民医院体检中心",
            cost_per_person=Decimal("450"),
        )
        takers = [m for m in ctx.staff_on(held) if rng.random() < 0.96]
        participants.extend(
            HealthCheckParticipant(campaign=camp, member_id=m.pk, womens_check=m.gender == "female") for m in takers
        )
    HealthCheckParticipant.objects.bulk_create(participants, batch_size=5000)

    # --- Donations and blood donation -----------------------------------------------------------------------
    donations = []
    for year in years:
        when = dt.date(year, 6, 28)
        if when >= today:
            continue
        drive = DonationDrive.objects.create(
            organization=school, kind="one_day", title=f"{year}年“一日捐”爱心捐款", held_on=when, notes="慈善一日捐"
        )
        staff = ctx.staff_on(when)
        for m in staff:
            if rng.random() < 0.9:
                donations.append(
                    Donation(drive=drive, member_id=m.pk, amount=Decimal(rng.choice([50, 60, 80, 100, 100, 200])))
                )
        blood = DonationDrive.objects.create(
            organization=school, kind="blood", title=f"{year}年无偿献血", held_on=dt.date(year, 4, 20)
        )
        for m in rng.sample(staff, min(len(staff), rng.randrange(7, 11) * scale)):
            donations.append(Donation(drive=blood, member_id=m.pk, blood_ml=rng.choice([200, 300, 400])))
        if dt.date(year, 12, 1) < today:
            charity = DonationDrive.objects.create(
                organization=school, kind="poverty", title=f"{year}年扶贫济困募捐", held_on=dt.date(year, 12, 1)
            )
            givers = ctx.staff_on(dt.date(year, 12, 1))
            for m in rng.sample(givers, min(len(givers), rng.randrange(100, 140) * scale)):
                donations.append(Donation(drive=charity, member_id=m.pk, amount=Decimal(rng.choice([50, 100, 200]))))
    Donation.objects.bulk_create(donations, batch_size=5000)

    # --- Hardship cases ---------------------------------------------------------------------------------------
    reasons = ["子女患重病，医疗费用负担重", "配偶失业，家庭收入低", "本人患重大疾病", "家庭遭受意外灾害"]
    aids = []
    n_cases = 2 * scale * len(years)
    for i in range(n_cases):
        year = years[i % len(years)]  # new cases every year, the current one up to a month ago
        opened = _date(rng, dt.date(year, 1, 1), min(dt.date(year, 12, 31), today - dt.timedelta(days=30)))
        closed = opened + dt.timedelta(days=rng.randrange(300, 900)) if rng.random() < 0.6 else None
        if closed and closed >= today:
            closed = None
        case = HardshipCase.objects.create(
            member=rng.choice([m for m in ctx.staff_on(opened) if m.is_union_member] or union_active),
            opened_on=opened,
            reason=reasons[i % len(reasons)],
            level=rng.choice(["general", "general", "serious"]),
            status="closed" if closed else "open",
            closed_on=closed,
            recorded_by=chair_user,
        )
        for k in range(rng.randrange(1, 4)):
            paid = opened + dt.timedelta(days=20 + k * 180)
            if paid < (closed or today):
                aids.append(
                    HardshipAid(
                        case=case,
                        paid_on=paid,
                        amount=Decimal(rng.choice([1000, 2000, 3000])),
                        funding_source=rng.choice([FundingSource.UNION_FUNDS, FundingSource.HIGHER_UNION]),
                        notes="春节前送温暖" if paid.month in (1, 2) else "",
                    )
                )
    HardshipAid.objects.bulk_create(aids)

    # --- Services -----------------------------------------------------------------------------------------------
    services = []
    kinds_s = list(SERVICE_TEXT)
    for year in years:
        served = ctx.staff_on(dt.date(year, 1, 1)) or active
        for _ in range(round(18 * scale)):
            kind = rng.choice(kinds_s)
            description, outcome = rng.choice(SERVICE_TEXT[kind])
            when = _date(rng, dt.date(year, 1, 1), min(dt.date(year, 12, 31), today))
            services.append(
                ServiceRecord(
                    member=rng.choice(served),
                    kind=kind,
                    served_on=when,
                    description=description,
                    outcome=outcome,
                    recorded_by=chair_user,
                )
            )
    ServiceRecord.objects.bulk_create(services, batch_size=2000)
