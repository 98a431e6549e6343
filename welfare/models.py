"""送温暖: welfare visits, pending visits, festival distributions, spending caps,
mutual-aid plans, health checks, hardship cases, donations and services.

Scoping follows ``members.access``: person-level records are scoped through
``member__organization``; school-level records (distributions, plans,
campaigns, drives, rule sets) through ``organization``. Sensitive records
(visits with a sensitive occasion, claims under health plans, hardship cases)
are shown only to the people named in ``welfare.access``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import FamilyMember, Member, Organization

MONEY = {"max_digits": 12, "decimal_places": 2}


class FundingSource(models.TextChoices):
    UNION_FUNDS = "union_funds", _("工会经费")
    SCHOOL_WELFARE = "school_welfare", _("学校福利费")
    HIGHER_UNION = "higher_union", _("上级工会")
    OTHER = "other", _("其他")


class VisitOccasion(models.Model):
    """A reason for a welfare visit (慰问事由); the 必访 set ships with a data migration.

    ``school`` empty means the shared default list; a school may add its own.
    ``is_sensitive`` marks health-related occasions (PIPL): their visits are
    shown only to the people allowed by ``welfare.access.can_see_sensitive``.
    ``concerns_relative`` asks the form for the family member concerned.
    """

    school = models.ForeignKey(
        Organization, verbose_name=_("学校"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    code = models.SlugField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=50)
    is_mandatory = models.BooleanField(_("必访"), default=True)
    is_sensitive = models.BooleanField(_("敏感（健康相关）"), default=False)
    concerns_relative = models.BooleanField(_("涉及直系亲属"), default=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("慰问事由")
        verbose_name_plural = _("慰问事由")
        ordering = ["sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["school", "code"], name="welfare_occasion_unique_code")]

    def __str__(self) -> str:
        return self.name


class WelfareVisitQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Fill the denormalised ``school`` from each visit's member before a bulk insert (one query at most)."""
        objs = list(objs)
        missing = [o for o in objs if o.school_id is None]
        if missing:
            known = {o.member_id: o.member.school_id for o in missing if "member" in o._state.fields_cache}
            unknown = {o.member_id for o in missing} - known.keys()
            if unknown:
                known.update(Member.objects.filter(pk__in=unknown).values_list("pk", "school_id"))
            for o in missing:
                o.school_id = known.get(o.member_id)
        return super().bulk_create(objs, *args, **kwargs)


class WelfareVisit(models.Model):
    """One welfare visit (慰问): who, why, when, who went, money and gift, who paid.

    ``school`` is the school the visit was recorded in: taken from ``member.school`` when the visit
    is created (save and bulk insert) and kept afterwards, so that a transfer leaves the old school's
    figures as they were (``welfare.signals`` moves only visits dated after a transfer). The ledger
    filters and sorts on the (school, visited_on) index instead of joining members and organisations.
    """

    member = models.ForeignKey(
        Member, verbose_name=_("慰问对象"), on_delete=models.PROTECT, related_name="welfare_visits"
    )
    school = models.ForeignKey(
        Organization,
        verbose_name=_("学校"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # led by the (school, visited_on, id) index below
    )
    family_member = models.ForeignKey(
        FamilyMember, verbose_name=_("涉及亲属"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occasion = models.ForeignKey(
        VisitOccasion, verbose_name=_("慰问事由"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("慰问日期"), db_index=True)
    visitors = models.ManyToManyField(Member, verbose_name=_("慰问人"), blank=True, related_name="welfare_visits_made")
    cash_amount = models.DecimalField(_("慰问金（元）"), default=0, **MONEY)
    gift_description = models.CharField(_("慰问品"), max_length=200, blank=True)
    gift_value = models.DecimalField(_("慰问品价值（元）"), default=0, **MONEY)
    funding_source = models.CharField(
        _("经费来源"), max_length=16, choices=FundingSource.choices, default=FundingSource.UNION_FUNDS
    )
    notes = models.TextField(_("备注"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WelfareVisitQuerySet.as_manager()

    history = HistoricalRecords()  # field-level history (who changed what and when)

    class Meta:
        verbose_name = _("慰问记录")
        verbose_name_plural = _("慰问记录")
        ordering = ["-visited_on", "-pk"]
        indexes = [
            models.Index(fields=["member", "visited_on"], name="welfare_visit_member_date"),
            # The ledger: one school's visits in a period, newest first (backward index scan + LIMIT).
            models.Index(fields=["school", "visited_on", "id"], name="welfare_visit_school_date"),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.member.name} {self.occasion.name}"

    def _member_changed(self) -> bool:
        """True when an existing visit was loaded for another member than it now names (no query)."""
        loaded = getattr(self, "_loaded_member_id", None)
        return loaded is not None and loaded != self.member_id

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_member_id = instance.__dict__.get("member_id")
        return instance

    def save(self, *args, **kwargs):
        # A new visit, or its member changed: the member's school. An edit keeps the recorded school.
        if self.member_id and (self.school_id is None or self._state.adding or self._member_changed()):
            self.school_id = self.member.school_id
        super().save(*args, **kwargs)

    @property
    def total_value(self):
        return (self.cash_amount or 0) + (self.gift_value or 0)


class PendingVisit(models.Model):
    """A visit still to be made (待慰问), created when a life event is recorded."""

    class Event(models.TextChoices):
        HOSPITALISATION = "hospitalisation", _("生病住院")
        BIRTH = "birth", _("生育")
        BEREAVEMENT = "bereavement", _("直系亲属去世")
        RETIREMENT = "retirement", _("退休")
        MARRIAGE = "marriage", _("结婚")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("待慰问")
        DONE = "done", _("已慰问")
        CANCELLED = "cancelled", _("已取消")

    member = models.ForeignKey(
        Member, verbose_name=_("教职工"), on_delete=models.CASCADE, related_name="pending_visits"
    )
    family_member = models.ForeignKey(
        FamilyMember, verbose_name=_("涉及亲属"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.CharField(_("事件"), max_length=16, choices=Event.choices)
    occasion = models.ForeignKey(VisitOccasion, verbose_name=_("慰问事由"), on_delete=models.PROTECT, related_name="+")
    event_date = models.DateField(_("事件日期"))
    due_on = models.DateField(_("应慰问日期"), db_index=True)
    notes = models.CharField(_("情况说明"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    visit = models.OneToOneField(
        WelfareVisit,
        verbose_name=_("慰问记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pending",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("待慰问")
        verbose_name_plural = _("待慰问")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.member.name} {self.get_event_display()} {self.due_on:%Y-%m-%d}"


class Festival(models.TextChoices):
    SPRING = "spring", _("春节")
    LANTERN = "lantern", _("元宵")
    WOMENS_DAY = "womens_day", _("三八")
    DRAGON_BOAT = "dragon_boat", _("端午")
    SUMMER = "summer", _("送清凉")
    MID_AUTUMN = "mid_autumn", _("中秋")
    NATIONAL_DAY = "national_day", _("国庆")
    CHONGYANG = "chongyang", _("重阳")
    NEW_YEAR = "new_year", _("元旦")
    BIRTHDAY = "birthday", _("生日")
    OTHER = "other", _("其他")


class FestivalDistribution(models.Model):
    """节日慰问品发放: one item at one value per person, one row per recipient."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="festival_distributions"
    )
    festival = models.CharField(_("节日"), max_length=16, choices=Festival.choices)
    title = models.CharField(_("名称"), max_length=100)
    distributed_on = models.DateField(_("发放日期"), db_index=True)
    item = models.CharField(_("物品"), max_length=200)
    value_per_person = models.DecimalField(_("人均价值（元）"), **MONEY)
    funding_source = models.CharField(
        _("经费来源"), max_length=16, choices=FundingSource.choices, default=FundingSource.UNION_FUNDS
    )
    recipient_rule = models.CharField(_("发放范围"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("节日慰问发放")
        verbose_name_plural = _("节日慰问发放")
        ordering = ["-distributed_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class DistributionRecipient(models.Model):
    """One recipient of a distribution, with the 签领 mark."""

    distribution = models.ForeignKey(FestivalDistribution, on_delete=models.CASCADE, related_name="recipients")
    member = models.ForeignKey(Member, verbose_name=_("领取人"), on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("价值（元）"), **MONEY)
    signed = models.BooleanField(_("已签领"), default=False)

    history = HistoricalRecords()  # field-level history (who changed what and when)

    class Meta:
        verbose_name = _("发放对象")
        verbose_name_plural = _("发放对象")
        constraints = [
            models.UniqueConstraint(fields=["distribution", "member"], name="welfare_recipient_unique_member")
        ]

    def __str__(self) -> str:
        return f"{self.distribution_id}:{self.member_id}"


class SpendingCapRuleSet(models.Model):
    """A set of spending caps in force from ``effective_from`` (the latest one in force applies).

    ``organization`` empty means the shipped example (安徽省 2018 年试行标准,
    documented in the data migration); a chair saves their school's own set.
    Caps warn; they never block.
    """

    organization = models.ForeignKey(
        Organization, verbose_name=_("组织"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=100)
    effective_from = models.DateField(_("生效日期"))
    festival_yearly_cap = models.DecimalField(_("节日慰问品每人每年上限（元）"), null=True, blank=True, **MONEY)
    birthday_cap = models.DecimalField(_("生日慰问上限（元）"), null=True, blank=True, **MONEY)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("慰问标准")
        verbose_name_plural = _("慰问标准")
        ordering = ["-effective_from", "-pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.effective_from:%Y-%m-%d} 起）"


class SpendingCap(models.Model):
    """Per-visit cap (慰问金 + 慰问品) for one occasion code within a rule set."""

    rule_set = models.ForeignKey(SpendingCapRuleSet, on_delete=models.CASCADE, related_name="caps")
    occasion_code = models.SlugField(_("慰问事由编码"), max_length=32)
    amount = models.DecimalField(_("每次上限（元）"), **MONEY)

    class Meta:
        verbose_name = _("慰问上限")
        verbose_name_plural = _("慰问上限")
        constraints = [models.UniqueConstraint(fields=["rule_set", "occasion_code"], name="welfare_cap_unique")]

    def __str__(self) -> str:
        return f"{self.occasion_code} ≤ {self.amount}"


class MutualAidPlan(models.Model):
    """互助保障计划; claims under a health plan (``is_health``) are sensitive."""

    class Kind(models.TextChoices):
        CRITICAL_ILLNESS = "critical_illness", _("在职职工重大疾病")
        ACCIDENT = "accident", _("意外伤害")
        FEMALE_ILLNESS = "female_illness", _("女职工特殊疾病")
        HOSPITAL = "hospital", _("住院医疗")
        OTHER = "other", _("其他")

    organization = models.ForeignKey(Organization, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    premium = models.DecimalField(_("每人每年费用（元）"), default=0, **MONEY)
    is_health = models.BooleanField(_("健康类（理赔为敏感信息）"), default=True)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("互助保障计划")
        verbose_name_plural = _("互助保障计划")
        ordering = ["organization", "pk"]

    def __str__(self) -> str:
        return self.name


class PlanEnrollment(models.Model):
    plan = models.ForeignKey(
        MutualAidPlan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="enrollments"
    )
    member = models.ForeignKey(Member, verbose_name=_("参保人"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    premium = models.DecimalField(_("费用（元）"), default=0, **MONEY)
    paid_by = models.CharField(
        _("缴费方"), max_length=16, choices=FundingSource.choices, default=FundingSource.UNION_FUNDS
    )

    class Meta:
        verbose_name = _("参保")
        verbose_name_plural = _("参保")
        constraints = [models.UniqueConstraint(fields=["plan", "member", "year"], name="welfare_enrollment_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.plan_id}:{self.member_id}"


class AidClaim(models.Model):
    """理赔: 申请 → 已提交 → 已赔付 / 拒赔."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("申请")
        SUBMITTED = "submitted", _("已提交")
        PAID = "paid", _("已赔付")
        REJECTED = "rejected", _("拒赔")

    plan = models.ForeignKey(MutualAidPlan, verbose_name=_("计划"), on_delete=models.PROTECT, related_name="claims")
    member = models.ForeignKey(Member, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="aid_claims")
    claimed_on = models.DateField(_("申请日期"), db_index=True)
    claimed_amount = models.DecimalField(_("申请金额（元）"), default=0, **MONEY)
    paid_amount = models.DecimalField(_("赔付金额（元）"), default=0, **MONEY)
    paid_on = models.DateField(_("赔付日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.APPLIED)
    notes = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()  # field-level history (who changed what and when)

    class Meta:
        verbose_name = _("理赔")
        verbose_name_plural = _("理赔")
        ordering = ["-claimed_on", "-pk"]

    def __str__(self) -> str:
        return f"理赔 {self.claimed_on:%Y-%m-%d} {self.get_status_display()}"


class HealthCheckCampaign(models.Model):
    organization = models.ForeignKey(Organization, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=100)
    held_on = models.DateField(_("体检日期"))
    provider = models.CharField(_("体检机构"), max_length=100, blank=True)
    cost_per_person = models.DecimalField(_("人均费用（元）"), default=0, **MONEY)

    class Meta:
        verbose_name = _("体检")
        verbose_name_plural = _("体检")
        ordering = ["-year", "-pk"]

    def __str__(self) -> str:
        return self.name


class HealthCheckParticipant(models.Model):
    campaign = models.ForeignKey(HealthCheckCampaign, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(Member, verbose_name=_("参检人"), on_delete=models.PROTECT, related_name="+")
    womens_check = models.BooleanField(_("女职工专项检查"), default=False)
    attended = models.BooleanField(_("已参检"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "member"], name="welfare_checkup_unique")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.member_id}"


class HardshipCase(models.Model):
    """困难职工建档 → 帮扶 → 脱困. Always sensitive."""

    class Level(models.TextChoices):
        GENERAL = "general", _("一般困难")
        SERIOUS = "serious", _("特别困难")

    class Status(models.TextChoices):
        OPEN = "open", _("帮扶中")
        CLOSED = "closed", _("已脱困")

    member = models.ForeignKey(
        Member, verbose_name=_("困难职工"), on_delete=models.PROTECT, related_name="hardship_cases"
    )
    opened_on = models.DateField(_("建档日期"), db_index=True)
    reason = models.CharField(_("致困原因"), max_length=200)
    level = models.CharField(_("困难程度"), max_length=16, choices=Level.choices, default=Level.GENERAL)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("脱困日期"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("困难职工档案")
        verbose_name_plural = _("困难职工档案")
        ordering = ["-opened_on", "-pk"]

    def __str__(self) -> str:
        return f"困难职工档案 {self.opened_on:%Y-%m-%d}"


class HardshipAid(models.Model):
    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="aids")
    paid_on = models.DateField(_("发放日期"), db_index=True)
    amount = models.DecimalField(_("帮扶金（元）"), **MONEY)
    funding_source = models.CharField(
        _("经费来源"), max_length=16, choices=FundingSource.choices, default=FundingSource.UNION_FUNDS
    )
    notes = models.CharField(_("备注"), max_length=200, blank=True)

    history = HistoricalRecords()  # field-level history (who changed what and when)

    class Meta:
        ordering = ["paid_on", "pk"]

    def __str__(self) -> str:
        return f"帮扶金 {self.paid_on:%Y-%m-%d} {self.amount}"


class DonationDrive(models.Model):
    class Kind(models.TextChoices):
        ONE_DAY = "one_day", _("一日捐")
        CHARITY = "charity", _("慈善募捐")
        POVERTY = "poverty", _("扶贫济困")
        BLOOD = "blood", _("无偿献血")
        OTHER = "other", _("其他")

    organization = models.ForeignKey(Organization, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=100)
    held_on = models.DateField(_("日期"), db_index=True)
    notes = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("捐助活动")
        verbose_name_plural = _("捐助活动")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class Donation(models.Model):
    """A donor's gift (元), or for blood drives a participant with the volume (毫升)."""

    drive = models.ForeignKey(DonationDrive, on_delete=models.CASCADE, related_name="donations")
    member = models.ForeignKey(Member, verbose_name=_("捐助人"), on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("金额（元）"), default=0, **MONEY)
    blood_ml = models.PositiveIntegerField(_("献血量（毫升）"), null=True, blank=True)

    history = HistoricalRecords()  # field-level history (who changed what and when)

    def __str__(self) -> str:
        return f"{self.drive_id}:{self.member_id} {self.amount}"


class ServiceRecord(models.Model):
    """服务事项: what else the union did for a member, with the outcome."""

    class Kind(models.TextChoices):
        CHILD_SCHOOL = "child_school", _("子女入学入托")
        SANATORIUM = "sanatorium", _("疗养")
        LEGAL_AID = "legal_aid", _("法律援助")
        MATCHMAKING = "matchmaking", _("青年联谊")
        OTHER = "other", _("其他")

    member = models.ForeignKey(
        Member, verbose_name=_("教职工"), on_delete=models.PROTECT, related_name="welfare_services"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    served_on = models.DateField(_("日期"), db_index=True)
    description = models.CharField(_("事项"), max_length=200)
    outcome = models.CharField(_("结果"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")
        ordering = ["-served_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.served_on:%Y-%m-%d}"
