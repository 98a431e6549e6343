"""Cultural and sports activities (文体活动), interest groups (兴趣小组) and honours (荣誉).

What makes the report's sentences true: "运动会由15个二级工会、416人组成",
"气排球比赛由15支队伍、180余名球员参加，进行了50多场次", "邀请近520名教师、家长、学生",
"支持二级工会开展活动经费合计5.9万元".

Participation is kept two ways and never mixed: ``Registration`` rows (one per
person, 人次 and distinct 人 can be counted) and ``Activity.headcount`` for
audiences nobody registered one by one (with ``headcount_note`` saying how it
was counted). Every record hangs off an ``Organization`` so the one scoping
mechanism (``members.access.scope_q``) applies.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.models import FamilyMember, Member, Organization

MONEY = {"max_digits": 12, "decimal_places": 2}


class Level(models.TextChoices):
    """Level of an award or honour (级别)."""

    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    MUNICIPAL = "municipal", _("市级")
    DISTRICT = "district", _("区级")
    SCHOOL = "school", _("校级")


class ActivityQuerySet(models.QuerySet):
    def within(self, node: Organization):
        """Activities organised in ``node``'s subtree."""
        return self.filter(organizer__path__startswith=node.path)

    def in_range(self, start, end):
        """Activities starting on a date in [start, end] (local dates).

        Compared as a range of aware datetimes (local midnight to the midnight after ``end``)
        rather than ``starts_at__date``: the same rows, but PostgreSQL can use an index and
        estimate the row count instead of guessing a cast expression's selectivity.
        """
        import datetime as dt

        from django.utils import timezone

        tz = timezone.get_current_timezone()
        lower = timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz)
        upper = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), tz)
        return self.filter(starts_at__gte=lower, starts_at__lt=upper)


class Activity(models.Model):
    """One activity organised by the school union or a sub-union."""

    class Type(models.TextChoices):
        SPORTS = "sports", _("体育比赛")
        PERFORMANCE = "performance", _("文艺演出")
        FESTIVAL = "festival", _("节日活动")
        LECTURE = "lecture", _("讲座培训")
        SKILLS = "skills", _("技能竞赛")
        VISIT = "visit", _("参观疗养")
        CHARITY = "charity", _("公益")
        INTEREST = "interest", _("兴趣小组活动")
        OTHER = "other", _("其他")

    class Audience(models.TextChoices):
        ALL = "all", _("全体教职工")
        WOMEN = "women", _("女教职工")
        RETIREES = "retirees", _("离退休教职工")
        FAMILIES = "families", _("教职工及家属子女")

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("activity status", "计划")
        OPEN = "open", _("报名中")
        ONGOING = "ongoing", _("进行中")
        FINISHED = "finished", _("已结束")
        CANCELLED = "cancelled", pgettext_lazy("activity status", "取消")

    class FundingSource(models.TextChoices):
        UNION = "union", _("工会经费")
        SCHOOL_WELFARE = "school_welfare", _("学校福利费")
        SUB_UNION = "sub_union", _("分工会活动经费")
        SUPERIOR = "superior", _("上级工会补助")
        OTHER = "other", _("其他")

    organizer = models.ForeignKey(
        Organization,
        verbose_name=_("主办单位"),
        on_delete=models.PROTECT,
        related_name="activities",
        limit_choices_to={"kind__in": ["school", "sub_union"]},
    )
    title = models.CharField(_("活动名称"), max_length=120)
    type = models.CharField(_("类型"), max_length=16, choices=Type.choices, default=Type.OTHER)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    description = models.TextField(_("活动说明"), blank=True)
    audience = models.CharField(_("参加对象"), max_length=16, choices=Audience.choices, default=Audience.ALL)
    admits_families = models.BooleanField(_("可携家属报名"), default=False)
    capacity = models.PositiveIntegerField(_("名额"), null=True, blank=True, help_text=_("留空表示不限名额"))
    registration_opens_at = models.DateTimeField(_("报名开始"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("报名截止"), null=True, blank=True)
    budget = models.DecimalField(_("预算（元）"), null=True, blank=True, **MONEY)
    spent = models.DecimalField(_("实际支出（元）"), null=True, blank=True, **MONEY)
    funding_source = models.CharField(
        _("经费来源"), max_length=16, choices=FundingSource.choices, default=FundingSource.UNION
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    headcount = models.PositiveIntegerField(
        _("现场人数"), null=True, blank=True, help_text=_("未逐一报名的活动，记录到场人数（人次）")
    )
    headcount_note = models.CharField(
        _("人数说明"), max_length=200, blank=True, help_text=_("例如：教师、家长、学生约520人，按入场券统计")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("文体活动")
        verbose_name_plural = _("文体活动")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["starts_at"], name="activity_starts_at")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="activity_ends_after_start"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0), name="activity_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def registration_is_open(self) -> bool:
        """Open for registration now: status 报名中 and inside the window, if one is set."""
        if self.status != self.Status.OPEN:
            return False
        now = timezone.now()
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        return not (self.registration_closes_at and now > self.registration_closes_at)

    @property
    def is_today(self) -> bool:
        today = timezone.localdate()
        return timezone.localtime(self.starts_at).date() <= today <= timezone.localtime(self.ends_at).date()


class Registration(models.Model):
    """One place taken (or waited for) by a member or one of their family members.

    A family registration names the family member; the staff member is the one
    who registered them. Places are counted per row, so a member with their
    child takes two places.
    """

    class Status(models.TextChoices):
        REGISTERED = "registered", _("已报名")
        WAITLISTED = "waitlisted", _("候补")
        CANCELLED = "cancelled", _("已取消")

    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="registrations"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("教职工"), on_delete=models.CASCADE, related_name="activity_registrations"
    )
    family_member = models.ForeignKey(
        FamilyMember,
        verbose_name=_("家属"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activity_registrations",
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REGISTERED)
    registered_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    promoted_at = models.DateTimeField(_("候补转正时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["registered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "member"],
                condition=Q(family_member__isnull=True) & ~Q(status="cancelled"),
                name="registration_one_live_per_member",
            ),
            models.UniqueConstraint(
                fields=["activity", "family_member"],
                condition=Q(family_member__isnull=False) & ~Q(status="cancelled"),
                name="registration_one_live_per_family_member",
            ),
        ]
        indexes = [models.Index(fields=["activity", "status"], name="registration_activity_status")]

    def __str__(self) -> str:
        who = self.family_member.name if self.family_member_id else self.member.name
        return f"{self.activity} · {who}"

    @property
    def person_name(self) -> str:
        return self.family_member.name if self.family_member_id else self.member.name


class Team(models.Model):
    """A team (参赛队) of a team event, usually fielded by a sub-union."""

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("队名"), max_length=60)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所属分工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams",
    )
    players = models.ManyToManyField(Member, verbose_name=_("队员"), blank=True, related_name="teams")

    class Meta:
        verbose_name = _("参赛队")
        verbose_name_plural = _("参赛队")
        ordering = ["activity", "name"]
        constraints = [models.UniqueConstraint(fields=["activity", "name"], name="team_unique_name_per_activity")]

    def __str__(self) -> str:
        return self.name


class Match(models.Model):
    """One match (场次) between two teams, with its score."""

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="matches")
    round_name = models.CharField(_("轮次"), max_length=40, blank=True, help_text=_("例如：小组赛、半决赛、决赛"))
    played_on = models.DateField(_("比赛日期"))
    home = models.ForeignKey(Team, verbose_name=_("甲队"), on_delete=models.CASCADE, related_name="home_matches")
    away = models.ForeignKey(Team, verbose_name=_("乙队"), on_delete=models.CASCADE, related_name="away_matches")
    home_score = models.PositiveSmallIntegerField(_("甲队得分"), null=True, blank=True)
    away_score = models.PositiveSmallIntegerField(_("乙队得分"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("比赛场次")
        verbose_name_plural = _("比赛场次")
        ordering = ["played_on", "id"]
        constraints = [models.CheckConstraint(condition=~Q(home=models.F("away")), name="match_two_different_teams")]

    def __str__(self) -> str:
        return f"{self.home} vs {self.away}"

    @property
    def result(self) -> str:
        if self.home_score is None or self.away_score is None:
            return "—"
        return f"{self.home_score} : {self.away_score}"


class Award(models.Model):
    """A prize (获奖) in an internal contest or an external competition.

    ``organization`` is the union unit the award counts for (the winner's
    sub-union or the school), so scoping and statistics use one path test.
    """

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("个人")
        TEAM = "team", _("团体")

    class Prize(models.TextChoices):
        SPECIAL = "special", _("特等奖")
        FIRST = "first", _("一等奖")
        SECOND = "second", _("二等奖")
        THIRD = "third", _("三等奖")
        EXCELLENCE = "excellence", _("优秀奖")
        OTHER = "other", _("其他奖项")

    organization = models.ForeignKey(
        Organization, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="activity_awards"
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("校内活动"), null=True, blank=True, on_delete=models.SET_NULL, related_name="awards"
    )
    competition = models.CharField(_("比赛名称"), max_length=120)
    kind = models.CharField(_("个人/团体"), max_length=16, choices=Kind.choices, default=Kind.INDIVIDUAL)
    member = models.ForeignKey(
        Member, verbose_name=_("获奖人"), null=True, blank=True, on_delete=models.CASCADE, related_name="awards"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("获奖队"), null=True, blank=True, on_delete=models.SET_NULL, related_name="awards"
    )
    team_name = models.CharField(_("团体名称"), max_length=60, blank=True)
    prize = models.CharField(_("奖项"), max_length=16, choices=Prize.choices)
    prize_detail = models.CharField(_("奖项说明"), max_length=60, blank=True)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    grantor = models.CharField(_("授予单位"), max_length=100)
    awarded_on = models.DateField(_("获奖日期"))

    class Meta:
        verbose_name = _("获奖")
        verbose_name_plural = _("获奖")
        ordering = ["-awarded_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="individual") & Q(member__isnull=False))
                | (Q(kind="team") & Q(member__isnull=True) & (Q(team__isnull=False) | ~Q(team_name=""))),
                name="award_individual_or_team",
            )
        ]

    def __str__(self) -> str:
        return f"{self.competition} {self.get_prize_display()}"

    @property
    def winner_name(self) -> str:
        if self.kind == self.Kind.INDIVIDUAL and self.member_id:
            return self.member.name
        return self.team.name if self.team_id else self.team_name


class ActivityPhoto(models.Model):
    """A photo of an activity, resized on upload and served through a permission check."""

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("照片"), upload_to="activities/photos/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["activity", "id"]

    def __str__(self) -> str:
        return self.caption or f"照片 {self.pk}"


class SubUnionFund(models.Model):
    """The yearly activity allocation (活动经费) the school union gives one sub-union.

    Spending against it is the ``spent`` of that sub-union's activities in the
    year paid from ``Activity.FundingSource.SUB_UNION``.
    """

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("分工会"),
        on_delete=models.CASCADE,
        related_name="activity_funds",
        limit_choices_to={"kind": "sub_union"},
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    allocation = models.DecimalField(_("下拨金额（元）"), **MONEY)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("分工会活动经费")
        verbose_name_plural = _("分工会活动经费")
        ordering = ["-year", "organization__path"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="sub_union_fund_unique_year")]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}"


class InterestGroup(models.Model):
    """An interest group or association (兴趣小组/协会): 篮球队, 瑜伽班, 跑步队 …"""

    organization = models.ForeignKey(
        Organization, verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="interest_groups"
    )
    name = models.CharField(_("名称"), max_length=60)
    leader = models.ForeignKey(
        Member,
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_interest_groups",
    )
    members = models.ManyToManyField(Member, verbose_name=_("成员"), blank=True, related_name="interest_groups")
    schedule = models.CharField(_("活动时间"), max_length=100, blank=True, help_text=_("例如：每周三 16:30—18:00"))
    place = models.CharField(_("活动地点"), max_length=100, blank=True)
    description = models.TextField(_("简介"), blank=True)
    is_active = models.BooleanField(_("活动中"), default=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("兴趣小组")
        verbose_name_plural = _("兴趣小组")
        ordering = ["organization", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="interest_group_unique_name")]

    def __str__(self) -> str:
        return self.name


class GroupSession(models.Model):
    """One regular session of an interest group, with who attended."""

    group = models.ForeignKey(
        InterestGroup, verbose_name=_("兴趣小组"), on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField(_("日期"))
    topic = models.CharField(_("内容"), max_length=100, blank=True)
    attendees = models.ManyToManyField(Member, verbose_name=_("出勤"), blank=True, related_name="group_sessions")

    class Meta:
        verbose_name = _("小组活动")
        verbose_name_plural = _("小组活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.group} {self.held_on}"


class Honor(models.Model):
    """An honour (荣誉称号), individual (to a member) or collective (to the union or a sub-union).

    ``organization`` is the recipient for a collective honour and the member's
    unit for an individual one, so both are scoped by the same path test.
    """

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("个人荣誉")
        COLLECTIVE = "collective", _("集体荣誉")

    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.INDIVIDUAL)
    organization = models.ForeignKey(
        Organization, verbose_name=_("获得单位"), on_delete=models.PROTECT, related_name="honors"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("获得者"), null=True, blank=True, on_delete=models.CASCADE, related_name="honors"
    )
    title = models.CharField(_("荣誉称号"), max_length=100)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    grantor = models.CharField(_("授予单位"), max_length=100)
    awarded_on = models.DateField(_("授予日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("荣誉")
        verbose_name_plural = _("荣誉")
        ordering = ["-awarded_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="individual") & Q(member__isnull=False))
                | (Q(kind="collective") & Q(member__isnull=True)),
                name="honor_individual_has_member",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def recipient_name(self) -> str:
        return self.member.name if self.member_id else self.organization.name
