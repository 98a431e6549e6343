"""Member registry: organisation tree, departments, staff, family, roles, audit.

Scoping rests on one mechanism: every ``Organization`` stores a materialised
``path`` of the codes from the root down (``/D01/S01/S01-05/``). A user's role
assignment names a node; the user sees every record whose organisation path
starts with that node's path. A district union, a school chair and a sub-union
chair are all served by that one prefix test (see ``members.access``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .idcard import mask_id_number, validate_id_number
from .pinyin import pinyin_fields


class Organization(models.Model):
    """A node of the union tree: district union → school union → sub-union → group.

    ``path`` is derived from the parent's path and this node's ``code`` and is
    rewritten for the whole subtree when a code or parent changes.
    """

    class Kind(models.TextChoices):
        DISTRICT = "district", _("区教育工会")
        SCHOOL = "school", _("学校工会")
        SUB_UNION = "sub_union", _("分工会")
        GROUP = "group", _("工会小组")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("编码"), max_length=32, unique=True, help_text=_("字母、数字或短横线，例如 S01-05"))
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    retired_on = models.DateField(
        _("撤销日期"), null=True, blank=True, help_text=_("撤销后不再登记新记录，历史记录保留")
    )

    class Meta:
        verbose_name = _("工会组织")
        verbose_name_plural = _("工会组织")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def build_path(self) -> str:
        """Return the materialised path for this node from its parent's path."""
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.code}/"

    def save(self, *args, **kwargs):
        old_path = self.path
        self.path = self.build_path()
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for node in Organization.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                node.path = self.path + node.path[len(old_path) :]
                node.save(update_fields=["path"])

    @property
    def is_retired(self) -> bool:
        return self.retired_on is not None

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def is_within(self, other: Organization) -> bool:
        """True when this node is ``other`` or one of its descendants."""
        return self.path.startswith(other.path)

    def subtree(self) -> models.QuerySet[Organization]:
        """This node and all its descendants."""
        return Organization.objects.filter(path__startswith=self.path)

    @property
    def school(self) -> Organization | None:
        """The school union this node belongs to (itself if it is one); None above schools."""
        if self.kind == self.Kind.SCHOOL:
            return self
        if self.kind == self.Kind.DISTRICT:
            return None
        codes = [c for c in self.path.split("/") if c]
        return Organization.objects.filter(code__in=codes, kind=self.Kind.SCHOOL).first()


class Department(models.Model):
    """An employer unit of a school (教务处, 后勤处 …), separate from the union tree.

    Proposals are handed to departments (交办), so they are kept apart from sub-unions.
    """

    school = models.ForeignKey(
        Organization,
        verbose_name=_("学校"),
        on_delete=models.CASCADE,
        related_name="departments",
        limit_choices_to={"kind": Organization.Kind.SCHOOL},
    )
    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("编码"), max_length=32, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["school", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="department_unique_name_per_school")]

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class EmploymentType(models.TextChoices):
    ESTABLISHED = "established", _("在编")
    CONTRACT = "contract", _("合同制")
    AGENCY = "agency", _("人事代理")
    DISPATCHED = "dispatched", _("劳务派遣")
    TEMPORARY = "temporary", _("临时")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("在职")
    RETIRED = "retired", _("退休")
    LEFT = "left", _("调离")
    DECEASED = "deceased", _("去世")


class MemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=MemberStatus.ACTIVE)

    def union_members(self):
        return self.filter(is_union_member=True)

    def within(self, node: Organization):
        """Members whose organisation lies in ``node``'s subtree."""
        return self.filter(organization__path__startswith=node.path)


class Member(models.Model):
    """A staff member (教职工) of one school, union member or not.

    ``organization`` is the most specific union unit the member belongs to (a
    group, a sub-union, or the school itself); ``school`` is denormalised from
    it so that 工号 can be unique per school. 教龄 derives from ``hired_on``.
    Sensitive: ``id_number`` and ``bank_account`` (PIPL); show them through
    ``members.access.can_see_sensitive_identity`` and the ``masked_*`` helpers.
    """

    school = models.ForeignKey(
        Organization,
        verbose_name=_("学校"),
        on_delete=models.PROTECT,
        related_name="school_members",
        limit_choices_to={"kind": Organization.Kind.SCHOOL},
        editable=False,
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("所属分工会/小组"), on_delete=models.PROTECT, related_name="members"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(max_length=200, editable=False, db_index=True)
    name_initials = models.CharField(max_length=50, editable=False, db_index=True)
    staff_no = models.CharField(_("工号"), max_length=32)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_number = models.CharField(
        _("身份证号"),
        max_length=18,
        blank=True,
        validators=[validate_id_number],
        help_text=_("18位居民身份证号码，按 GB 11643 校验"),
    )
    bank_account = models.CharField(_("银行账号"), max_length=32, blank=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    title = models.CharField(_("职称"), max_length=50, blank=True)
    is_teacher = models.BooleanField(_("专任教师"), default=True)
    hired_on = models.DateField(_("入职时间"), null=True, blank=True)
    employment_type = models.CharField(
        _("用工形式"), max_length=16, choices=EmploymentType.choices, default=EmploymentType.ESTABLISHED
    )
    is_union_member = models.BooleanField(_("工会会员"), default=True)
    joined_union_on = models.DateField(_("入会时间"), null=True, blank=True)
    left_union_on = models.DateField(_("退会时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    status_changed_on = models.DateField(_("状态变更日期"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()
    # Field-level history (django-simple-history): who changed what and when. Bulk writes (the roster
    # import's bulk_create/bulk_update) leave no history rows; the import's audit entry covers them.
    history = HistoricalRecords(excluded_fields=["name_pinyin", "name_initials", "updated_at"])

    class Meta:
        verbose_name = _("教职工")
        verbose_name_plural = _("教职工")
        ordering = ["school", "staff_no"]
        constraints = [models.UniqueConstraint(fields=["school", "staff_no"], name="member_unique_staff_no_per_school")]
        indexes = [
            models.Index(fields=["school", "status"], name="member_school_status"),
            models.Index(fields=["birth_date"], name="member_birth_date"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.staff_no}）"

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self) -> None:
        """Set the denormalised school and pinyin fields from the current values.

        Raises ``ValueError`` if the organisation has no school above it.
        """
        self.name_pinyin, self.name_initials = pinyin_fields(self.name)
        if self.organization_id:
            school = self.organization.school
            if school is None:
                raise ValueError("a member must belong to a school union or a unit below one")
            self.school = school

    @property
    def sub_union(self) -> Organization | None:
        """The sub-union (分工会) of this member, if any."""
        org = self.organization
        if org.kind == Organization.Kind.GROUP:
            return org.parent
        if org.kind == Organization.Kind.SUB_UNION:
            return org
        return None

    @property
    def group(self) -> Organization | None:
        return self.organization if self.organization.kind == Organization.Kind.GROUP else None

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_bank_account(self) -> str:
        acct = self.bank_account
        return f"{'*' * max(len(acct) - 4, 4)}{acct[-4:]}" if acct else ""

    def years_of_service(self, on: dt.date | None = None) -> int | None:
        """教龄 in whole years at ``on`` (default today), or None without a hire date."""
        if not self.hired_on:
            return None
        on = on or timezone.localdate()
        years = on.year - self.hired_on.year - ((on.month, on.day) < (self.hired_on.month, self.hired_on.day))
        return max(years, 0)

    def age(self, on: dt.date | None = None) -> int | None:
        if not self.birth_date:
            return None
        on = on or timezone.localdate()
        return on.year - self.birth_date.year - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))


class FamilyMember(models.Model):
    """An immediate family member (直系亲属) of a staff member.

    Data of a child under 14 is sensitive under PIPL: shown only where the
    member's own record is.
    """

    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("配偶")
        CHILD = "child", _("子女")
        FATHER = "father", _("父亲")
        MOTHER = "mother", _("母亲")
        SPOUSE_FATHER = "spouse_father", _("配偶父亲")
        SPOUSE_MOTHER = "spouse_mother", _("配偶母亲")

    member = models.ForeignKey(Member, verbose_name=_("教职工"), on_delete=models.CASCADE, related_name="family")
    relation = models.CharField(_("关系"), max_length=16, choices=Relation.choices)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("直系亲属")
        verbose_name_plural = _("直系亲属")
        ordering = ["member", "relation", "birth_date"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_relation_display()}）"


class MemberTransfer(models.Model):
    """A dated transfer (调动) of a staff member from one school to another.

    Records dated before ``on`` stay counted where they happened (the visits keep their
    ``school``); the member gets ``new_staff_no`` at the new school, and ``old_staff_no`` is kept
    here. Written by ``members.services.member_transfer`` only.
    """

    member = models.ForeignKey(Member, verbose_name=_("教职工"), on_delete=models.CASCADE, related_name="transfers")
    on = models.DateField(_("调动日期"))
    from_school = models.ForeignKey(
        Organization, verbose_name=_("调出学校"), on_delete=models.PROTECT, related_name="transfers_out"
    )
    from_organization = models.ForeignKey(
        Organization, verbose_name=_("原所属单位"), on_delete=models.PROTECT, related_name="+"
    )
    old_staff_no = models.CharField(_("原工号"), max_length=32)
    to_school = models.ForeignKey(
        Organization, verbose_name=_("调入学校"), on_delete=models.PROTECT, related_name="transfers_in"
    )
    to_organization = models.ForeignKey(
        Organization, verbose_name=_("新所属单位"), on_delete=models.PROTECT, related_name="+"
    )
    new_staff_no = models.CharField(_("新工号"), max_length=32)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("调动记录")
        verbose_name_plural = _("调动记录")
        ordering = ["member", "-on", "-id"]

    def __str__(self) -> str:
        return f"{self.member.name}：{self.from_school} → {self.to_school}（{self.on}）"


class PasswordChangeRequirement(models.Model):
    """The user must choose a new password before using the portal (一次性密码, first-run logins).

    Set by ``members.services.user_one_time_password_issue``; removed when the user changes or
    resets the password (``members.services.user_password_changed``). While it exists,
    ``union_portal.middleware.PasswordChangeRequiredMiddleware`` sends the user to the
    password change page.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="password_change"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发放人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("发放时间"), default=timezone.now)

    class Meta:
        verbose_name = _("待修改密码")
        verbose_name_plural = _("待修改密码")

    def __str__(self) -> str:
        return str(self.user)


class UserPreference(models.Model):
    """A user's remembered interface language (``set_language`` while logged in stores it).

    ``union_portal.middleware.SiteLanguageMiddleware`` applies it from the session, where
    ``members.signals`` puts it at login; a blank language means the site's (``LANGUAGE_CODE``).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="preference"
    )
    language = models.CharField(_("界面语言"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("用户偏好")
        verbose_name_plural = _("用户偏好")

    def __str__(self) -> str:
        return f"{self.user}: {self.language or '-'}"


class Role(models.TextChoices):
    """Portal roles. A user may hold several, each at one organisation node."""

    CHAIR = "chair", _("工会主席")
    COMMITTEE = "committee", _("工会委员")
    SUB_UNION_CHAIR = "sub_union_chair", _("分工会主席")
    PROPOSAL_COMMITTEE = "proposal_committee", _("提案工作委员会")
    HANDLER = "handler", _("承办部门负责人")
    REPRESENTATIVE = "representative", _("教代会代表")
    MEMBER = "member", _("会员")


class RoleAssignment(models.Model):
    """Grants ``role`` to ``user`` over ``organization``'s subtree.

    A department handler also names the ``department`` whose proposals they answer.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("组织"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organization", "department"], name="role_assignment_unique"
            ),
            models.CheckConstraint(
                condition=~Q(role="handler") | Q(department__isnull=False), name="role_handler_needs_department"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"


class Consent(models.Model):
    """A member's consent to the processing of sensitive personal information (PIPL art. 29).

    Records who consented, for what purpose, when, who recorded it, and when it was withdrawn.
    """

    class Purpose(models.TextChoices):
        HEALTH = "health", _("健康与医疗信息（慰问、互助保障理赔、体检）")
        FINANCIAL = "financial", _("银行账户（发放慰问金、理赔款）")
        ID_NUMBER = "id_number", _("身份证号（互助保障参保、上级工会报送）")
        MINOR = "minor", _("未满14周岁子女信息（亲子活动、子女入学服务）")

    member = models.ForeignKey(Member, verbose_name=_("教职工"), on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices)
    consented_on = models.DateField(_("同意日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("个人信息处理同意")
        verbose_name_plural = _("个人信息处理同意")
        ordering = ["member", "purpose", "-consented_on"]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_purpose_display()}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class ImportBatch(models.Model):
    """One uploaded spreadsheet awaiting confirmation or already imported.

    The file is kept so the preview and the confirmed write read the same bytes.
    """

    class Kind(models.TextChoices):
        ROSTER = "roster", _("会员名册")
        WELFARE = "welfare", _("慰问台账")
        FESTIVAL = "festival", _("节日慰问品发放签领表")
        DONATION = "donation", _("捐款名单")
        HEALTH_CHECK = "health_check", _("体检名单")
        AID_ENROLMENT = "aid_enrolment", _("互助保障参保名单")
        AID_CLAIM = "aid_claim", _("互助保障理赔名单")
        HARDSHIP = "hardship", _("困难职工帮扶名单")
        HONOUR = "honour", _("荣誉名单")
        AWARD = "award", _("获奖名单")
        ACTIVITY = "activity", _("活动参加名单")
        TOURNAMENT = "tournament", _("比赛队伍和赛果")
        PROPOSAL = "proposal", _("提案汇总表")

    class Status(models.TextChoices):
        PREVIEW = "preview", _("待确认")
        DONE = "done", _("已导入")
        FAILED = "failed", _("有错误")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    school = models.ForeignKey(Organization, verbose_name=_("学校"), on_delete=models.CASCADE)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PREVIEW)
    summary = models.JSONField(_("摘要"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+",
        null=True, blank=True, help_text=_("命令行导入时为空"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"


class ImportedRecord(models.Model):
    """Which batch a record came in with (provenance of imported history).

    One row per imported record of any kind (a distribution, a donation, a proposal …), written by
    ``union_portal.lib.imports.mark_imported`` in the import's transaction; the record's page reads it
    with ``imports.provenance`` to say "imported from <file>, batch <n>, by <who>, at <when>".
    """

    batch = models.ForeignKey(ImportBatch, verbose_name=_("导入批次"), on_delete=models.CASCADE, related_name="records")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        indexes = [models.Index(fields=["content_type", "object_id"], name="imported_record_target")]

    def __str__(self) -> str:
        return f"{self.batch} · {self.content_type_id}:{self.object_id}"


class AuditQuerySet(models.QuerySet):
    """Refuses bulk changes: the audit log is append-only."""

    def update(self, **kwargs):
        raise PermissionDenied("审计日志只能追加，不能修改。")

    def delete(self):
        raise PermissionDenied("审计日志只能追加，不能删除。")


class AuditEntry(models.Model):
    """An append-only audit record: who did what to which record, when, from where.

    Rows are never updated or deleted through the ORM (``save`` on an existing
    row and ``delete`` raise ``PermissionDenied``); the admin is read-only.
    Required by PIPL (个人信息保护法) for reads and exports of sensitive records.
    """

    class Action(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOGOUT = "logout", _("退出")
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        READ_SENSITIVE = "read_sensitive", _("查看敏感信息")
        EXPORT = "export", _("导出")
        DOWNLOAD = "download", _("下载")
        IMPORT = "import", _("导入")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=32, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    summary = models.CharField(_("摘要"), max_length=500, blank=True)  # Chinese text: old rows, fallback
    summary_code = models.CharField(_("摘要代码"), max_length=64, blank=True)  # union_portal.lib.messages
    summary_params = models.JSONField(_("摘要参数"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("组织"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_type}#{self.object_id}"
        )

    @property
    def summary_display(self) -> str:
        """The summary in the active language (from ``summary_code``/``summary_params``; else ``summary``)."""
        from union_portal.lib.messages import render

        return render(self.summary_code, self.summary_params, fallback=self.summary)

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionDenied("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("审计日志只能追加，不能删除。")


# --- notices (通知公告) and the in-app inbox (reminders) ---------------------------------------------


class NoticeQuerySet(models.QuerySet):
    def live(self, now=None):
        """Published, not withdrawn, inside the publish window at ``now`` (default: now)."""
        now = now or timezone.now()
        return self.filter(withdrawn_at__isnull=True, publish_at__lte=now).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate(now))
        )


def notice_attachment_path(instance: NoticeAttachment, filename: str) -> str:
    return f"members/notices/{instance.notice_id}/{filename}"


class Notice(models.Model):
    """A notice (通知公告) of one school union to an audience: the whole school, one sub-union, or roles.

    Shown from ``publish_at`` to the end of ``expires_on`` (none: until withdrawn). ``roles`` holds the
    audience's role codes between commas (``",chair,committee,"``) so membership is one SQL ``LIKE``.
    Withdrawing keeps the row (and its read receipts) with ``withdrawn_at`` set.
    """

    class Audience(models.TextChoices):
        SCHOOL = "school", _("全校教职工")
        SUB_UNION = "sub_union", _("一个分工会")
        ROLES = "roles", _("指定角色")

    school = models.ForeignKey(
        Organization, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="notices",
        limit_choices_to={"kind": Organization.Kind.SCHOOL},
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    audience = models.CharField(_("发送范围"), max_length=16, choices=Audience.choices, default=Audience.SCHOOL)
    sub_union = models.ForeignKey(
        Organization, verbose_name=_("分工会"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    roles = models.CharField(_("角色"), max_length=200, blank=True)
    publish_at = models.DateTimeField(_("发布时间"), default=timezone.now, db_index=True)
    expires_on = models.DateField(_("截止日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-publish_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(audience="sub_union") | Q(sub_union__isnull=False), name="notice_sub_union_named"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def role_codes(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]

    @property
    def audience_label(self) -> str:
        if self.audience == self.Audience.SUB_UNION and self.sub_union_id:
            return self.sub_union.name
        if self.audience == self.Audience.ROLES:
            return "、".join(str(Role(r).label) for r in self.role_codes if r in Role.values)
        return str(self.get_audience_display())


class NoticeAttachment(models.Model):
    """A file of a notice (same type, size and content checks as proposal attachments)."""

    notice = models.ForeignKey(Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=notice_attachment_path)
    original_name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100)

    class Meta:
        verbose_name = _("通知附件")
        verbose_name_plural = _("通知附件")
        ordering = ["notice", "pk"]

    def __str__(self) -> str:
        return self.original_name


class NoticeRead(models.Model):
    """A read receipt (回执): ``user`` confirmed reading ``notice`` at ``read_at``; one per pair."""

    notice = models.ForeignKey(Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="notice_reads"
    )
    read_at = models.DateTimeField(_("阅读时间"), default=timezone.now)

    class Meta:
        verbose_name = _("通知回执")
        verbose_name_plural = _("通知回执")
        ordering = ["notice", "read_at"]
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_read_once")]

    def __str__(self) -> str:
        return f"{self.notice_id} · {self.user_id}"


class Reminder(models.Model):
    """One message in a user's in-app inbox (提醒), e-mailed too when the user has an address.

    Sent once per event and step: (kind, object_type, object_id, step, recipient) is unique, so a
    periodic task that runs twice, or a worker restarted mid-run, cannot send the same reminder again.
    ``step`` names the stage (``near:2026-03-01:r1``, ``past:…``, ``committee:…``, a 催办's history id).
    """

    class Kind(models.TextChoices):
        PROPOSAL_DEADLINE = "proposal_deadline", _("提案答复期限")
        PROPOSAL_URGE = "proposal_urge", _("提案催办")
        COSIGN = "cosign", _("附议邀请待确认")
        VISIT_DUE = "visit_due", _("待慰问到期")
        DIGEST = "digest", _("生日与退休周报")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64)
    step = models.CharField(_("阶段"), max_length=64)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id", "step", "recipient"], name="reminder_once_per_step"
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="reminder_recipient_unread")]

    def __str__(self) -> str:
        return f"{self.recipient_id} · {self.title}"
