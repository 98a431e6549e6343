"""Writes to the member registry: roster import, member create/update, family, consents, export log.

Service functions are keyword-only, typed and atomic (HackSoft style). They take
``acting_user`` when the write is audited.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from union_portal.lib import columns
from union_portal.lib.audit import audit
from union_portal.lib.columns import OMIT, Column, ColumnSpec, Row, validate_rows
from union_portal.lib.tabular import RowError, TableFileError, clean_name

from .idcard import id_birth_date, id_gender, id_number_error, mask_id_number, normalize_id_number
from .models import (
    AuditEntry,
    Consent,
    Department,
    EmploymentType,
    FamilyMember,
    Gender,
    Member,
    MemberStatus,
    MemberTransfer,
    Organization,
    PasswordChangeRequirement,
    Role,
    RoleAssignment,
)
from .pinyin import pinyin_fields

GENDER_ALIASES = {Gender.MALE: ["男", "男性", "m", "male"], Gender.FEMALE: ["女", "女性", "f", "female"]}
EMPLOYMENT_ALIASES = {
    EmploymentType.ESTABLISHED: ["在编", "编制内", "事业编制", "正式"],
    EmploymentType.CONTRACT: ["合同制", "合同", "合同工", "合同用工", "编外合同"],
    EmploymentType.AGENCY: ["人事代理", "代理"],
    EmploymentType.DISPATCHED: ["劳务派遣", "派遣"],
    EmploymentType.TEMPORARY: ["临时", "临时工", "临聘"],
}
STATUS_ALIASES = {
    MemberStatus.ACTIVE: ["在职", "在岗"],
    MemberStatus.RETIRED: ["退休", "离退休", "离休"],
    MemberStatus.LEFT: ["调离", "离职", "调出"],
    MemberStatus.DECEASED: ["去世", "已故", "死亡"],
}


def _plausible_day(day: dt.date) -> bool:
    """Roster dates lie between 1900-01-01 and a year from today (a hire date may be announced ahead)."""
    return dt.date(1900, 1, 1) <= day <= timezone.localdate() + dt.timedelta(days=366)


# Validation order is the order errors are listed within a row.
ROSTER_COLUMNS = ColumnSpec(
    Column("name", "姓名", ("教职工姓名", "职工姓名", "名字"), required=True,
           parse=columns.name(max_length=50, too_long="姓名过长（最多50个字）"), blank_error="姓名不能为空"),
    Column("staff_no", "工号", ("职工号", "编号", "教工号", "人员编号", "工作证号"), required=True,
           parse=columns.code(max_length=32, too_long="工号过长（最多32个字符）"), blank_error="工号不能为空"),
    Column("birth_date", "出生日期", ("出生年月", "出生年月日", "生日"), parse=columns.date(valid=_plausible_day)),
    Column("hired_on", "入职时间", ("入职日期", "参加工作时间", "来校时间", "入校时间"),
           parse=columns.date(valid=_plausible_day)),
    Column("joined_union_on", "入会时间", ("入会日期",), parse=columns.date(valid=_plausible_day)),
    Column("gender", "性别", parse=columns.choice(GENDER_ALIASES, "性别"), blank=""),
    Column("id_number", "身份证号", ("身份证号码", "身份证", "证件号码"), parse=columns.id_number()),
    Column("employment_type", "用工形式", ("用工性质", "人员类别", "编制"),
           parse=columns.choice(EMPLOYMENT_ALIASES, "用工形式"), blank=OMIT),
    Column("status", "状态", ("在职状态", "人员状态"), parse=columns.choice(STATUS_ALIASES, "状态"), blank=OMIT),
    Column("is_union_member", "是否会员", ("会员", "工会会员"), parse=columns.yes_no("是否会员"), blank=OMIT),
    Column("phone", "手机", ("手机号", "手机号码", "联系电话", "电话"), parse=columns.code(max_length=20)),
    Column("title", "职称", ("专业技术职务",), parse=columns.text(max_length=50)),
    Column("sub_union", "分工会", ("二级工会", "部门工会", "所属分工会"), parse=columns.name()),
    Column("group", "工会小组", ("小组",), parse=columns.name()),
    Column("department", "部门", ("所在部门", "科室", "处室"),
           parse=columns.name(max_length=100, too_long="部门名称过长")),
)  # fmt: skip
ROSTER_ALIASES: dict[str, list[str]] = ROSTER_COLUMNS.aliases()


@dataclass
class RosterRow:
    """One validated roster row: the member's values keyed by model field name."""

    row: int
    values: dict


@dataclass
class RosterResult:
    """Outcome of a roster import or its preview.

    ``errors`` lists every problem by row and column; when it is non-empty
    nothing was written. ``created``/``updated`` count members (人), and
    ``new_departments`` names departments the import creates.
    """

    file_error: str = ""
    errors: list[RowError] = field(default_factory=list)
    rows: list[RosterRow] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    new_departments: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors

    def as_summary(self) -> dict:
        return {
            "file_error": self.file_error,
            "errors": [e.as_dict() for e in self.errors],
            "created": self.created,
            "updated": self.updated,
            "new_departments": self.new_departments,
            "rows": len(self.rows),
            "written": self.written,
        }


def _org_lookup(school: Organization) -> tuple[dict[str, Organization], dict[tuple[str, str], Organization]]:
    subs: dict[str, Organization] = {}
    groups: dict[tuple[str, str], Organization] = {}
    nodes = list(school.subtree().exclude(pk=school.pk).filter(retired_on__isnull=True).select_related("parent"))
    for node in nodes:
        if node.kind == Organization.Kind.SUB_UNION:
            subs[clean_name(node.name)] = node
            subs[node.code.lower()] = node
    for node in nodes:
        if node.kind == Organization.Kind.GROUP and node.parent_id:
            groups[(node.parent.code, clean_name(node.name))] = node
    return subs, groups


class _RosterCheck:
    """The roster's domain checks on a parsed row (``columns.validate_rows`` calls it per row).

    工号 unique within the file; birth date and gender from a valid ID number when blank;
    分工会/小组 must name existing units of the school (the row's ``organization``); 部门 names
    an existing department or one the import will create (``new_departments``).
    """

    def __init__(self, school: Organization):
        self.school = school
        self.subs, self.groups = _org_lookup(school)
        self.departments = {clean_name(d.name) for d in Department.objects.filter(school=school)}
        self.seen: dict[str, int] = {}
        self.new_departments: list[str] = []

    def __call__(self, row: Row) -> None:
        values = row.values
        staff_no = values.get("staff_no", "")
        if "staff_no" not in row.error_keys():
            if staff_no in self.seen:
                row.error("staff_no", f"工号 {staff_no} 与第 {self.seen[staff_no]} 行重复")
            else:
                self.seen[staff_no] = row.number
        idn = values.get("id_number")
        if idn:
            if not values.get("birth_date"):
                values["birth_date"] = id_birth_date(idn)
            if not values.get("gender"):
                values["gender"] = id_gender(idn)
        values["organization"] = self._organization(row, values.pop("sub_union", ""), values.pop("group", ""))
        if "department" in row.headers:
            dept_name = values.pop("department", "")
            if dept_name and dept_name not in self.departments and dept_name not in self.new_departments:
                self.new_departments.append(dept_name)
            values["department_name"] = dept_name

    def _organization(self, row: Row, sub_name: str, group_name: str) -> Organization:
        if not sub_name:
            return self.school
        sub = self.subs.get(sub_name) or self.subs.get(sub_name.lower())
        if sub is None:
            known = "、".join(sorted({n.name for n in self.subs.values()})[:8])
            row.error("sub_union", f"分工会“{sub_name}”不存在（已有：{known}…）")
            return self.school
        if not group_name:
            return sub
        group = self.groups.get((sub.code, group_name))
        if group is None:
            row.error("group", f"工会小组“{group_name}”不在分工会“{sub.name}”中")
            return sub
        return group


def roster_validate(*, school: Organization, data: bytes, filename: str) -> RosterResult:
    """Read and validate a roster file for ``school`` without writing anything.

    Checks every row (``ROSTER_COLUMNS`` and ``_RosterCheck``): required 姓名 and 工号, 工号
    unique within the file, GB 11643 ID numbers, dates, gender, employment type, status, and
    that 分工会/小组 name existing units of the school. Birth date and gender are derived from a
    valid ID number when their columns are blank. Returns a ``RosterResult`` whose ``errors``
    list every problem (Chinese messages, spreadsheet row numbers).
    """
    result = RosterResult()
    try:
        table = ROSTER_COLUMNS.read(data, filename)
    except TableFileError as exc:
        result.file_error = str(exc)
        return result
    check = _RosterCheck(school)
    rows, result.errors = validate_rows(table, ROSTER_COLUMNS, check=check)
    existing = set(Member.objects.filter(school=school).values_list("staff_no", flat=True))
    for row in rows:
        result.rows.append(RosterRow(row.number, row.values))
        if row.values["staff_no"] in existing:
            result.updated += 1
        else:
            result.created += 1
    result.new_departments = check.new_departments
    return result


@transaction.atomic
def roster_import(
    *, school: Organization, data: bytes, filename: str, acting_user, dry_run: bool = False, request=None
) -> RosterResult:
    """Validate and, when every row is clean, write the roster in one transaction.

    All-or-nothing: with any row error (or ``dry_run``) nothing is written.
    Members are matched by 工号 within ``school``: matched rows update the
    columns present in the file, others are created. Unknown departments are
    created. Writes use ``bulk_create``/``bulk_update`` (a few queries for
    thousands of rows). One audit entry records the import.
    """
    result = roster_validate(school=school, data=data, filename=filename)
    if not result.ok or dry_run:
        return result

    for name in result.new_departments:
        Department.objects.get_or_create(school=school, name=name)
    departments = {d.name: d for d in Department.objects.filter(school=school)}
    existing = {m.staff_no: m for m in Member.objects.filter(school=school).select_for_update()}
    to_create: list[Member] = []
    to_update: list[Member] = []
    update_fields: set[str] = set()
    for row in result.rows:
        values = dict(row.values)
        dept_name = values.pop("department_name", None)
        if dept_name is not None:
            values["department"] = departments.get(dept_name) if dept_name else None
        member = existing.get(values["staff_no"])
        if member is None:
            member = Member(school=school, **values)
            if member.is_union_member and not member.joined_union_on:
                member.joined_union_on = member.hired_on
            to_create.append(member)
        else:
            for key, value in values.items():
                setattr(member, key, value)
            update_fields.update(values)
            to_update.append(member)
        member.name_pinyin, member.name_initials = pinyin_fields(member.name)

    Member.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        fields = sorted(update_fields | {"name_pinyin", "name_initials", "updated_at"})
        now = timezone.now()
        for m in to_update:
            m.updated_at = now
        Member.objects.bulk_update(to_update, fields, batch_size=500)
    result.written = True
    audit(
        request,
        AuditEntry.Action.IMPORT,
        user=acting_user,
        organization=school,
        summary=f"导入会员名册 {filename}：新增{len(to_create)}人，更新{len(to_update)}人",
    )
    return result


# --- Field-by-field change summaries (audit) and masking ------------------------------------------

SENSITIVE_FIELDS = frozenset({"id_number", "bank_account"})


def mask_value(field_name: str, value) -> str:
    """``value`` as shown in an audit summary or the history panel: ID and bank numbers masked (PIPL)."""
    if value in (None, ""):
        return "（空）"
    text_value = str(value)
    if field_name == "id_number":
        return mask_id_number(text_value)
    if field_name in SENSITIVE_FIELDS:
        return f"{'*' * max(len(text_value) - 4, 4)}{text_value[-4:]}"
    return text_value


def _display(instance, field_name: str, value) -> str:
    field_obj = instance._meta.get_field(field_name)
    if field_obj.choices and value not in (None, ""):
        value = dict(field_obj.flatchoices).get(value, value)
    elif field_obj.is_relation and value is not None:
        value = field_obj.related_model._default_manager.filter(pk=value).first() or value
    return mask_value(field_name, value)


def field_changes(old, new, fields) -> list[str]:
    """``["手机：138… → 139…", …]`` for each of ``fields`` whose value differs between two instances of a
    model (verbose names as labels, choice labels, masked sensitive values). FK fields use ``<name>_id``
    values and show the related object's name."""
    changes = []
    for name in fields:
        field_obj = new._meta.get_field(name)
        attr = field_obj.attname
        before, after = getattr(old, attr), getattr(new, attr)
        if before != after:
            label = str(field_obj.verbose_name)
            changes.append(f"{label}：{_display(new, name, before)} → {_display(new, name, after)}")
    return changes


def _summary(head: str, changes: list[str]) -> str:
    """An audit summary of at most 500 characters: ``head`` then the changes, cut with "…" when too long."""
    text_value = head + ("：" + "；".join(changes) if changes else "（无变化）")
    return text_value if len(text_value) <= 500 else text_value[:499] + "…"


MEMBER_AUDITED_FIELDS = (
    "name", "staff_no", "gender", "birth_date", "id_number", "bank_account", "phone", "address", "organization",
    "department", "title", "is_teacher", "hired_on", "employment_type", "is_union_member", "joined_union_on",
    "left_union_on", "status", "status_changed_on", "notes",
)  # fmt: skip


@transaction.atomic
def member_save(*, member: Member, acting_user, request=None, created: bool = False) -> Member:
    """Save a member edited through a form and audit the write field by field (old → new, ID and bank
    numbers masked). Derives birth date and gender from a valid ID number when they are blank.
    """
    old = None if created or member.pk is None else Member.objects.filter(pk=member.pk).first()
    if member.id_number:
        member.id_number = normalize_id_number(member.id_number)
        if not id_number_error(member.id_number):
            member.birth_date = member.birth_date or id_birth_date(member.id_number)
            member.gender = member.gender or id_gender(member.id_number)
    if member.is_union_member and not member.joined_union_on:
        member.joined_union_on = member.hired_on
    member._history_user = acting_user
    member.save()
    summary = f"新增教职工 {member.name}"
    if old is not None:
        summary = _summary(f"修改教职工 {member.name}", field_changes(old, member, MEMBER_AUDITED_FIELDS))
    audit(
        request,
        AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        member,
        user=acting_user,
        organization=member.school,
        summary=summary,
    )
    return member


@transaction.atomic
def family_member_add(*, member: Member, relative: FamilyMember, acting_user, request=None) -> FamilyMember:
    """Attach an immediate family member (直系亲属, an unsaved form instance) to ``member``; audited."""
    relative.member = member
    relative._history_user = acting_user
    relative.save()
    audit(
        request,
        AuditEntry.Action.CREATE,
        relative,
        user=acting_user,
        organization=member.school,
        summary=f"为 {member.name} 添加直系亲属 {relative.name}（{relative.get_relation_display()}）",
    )
    return relative


FAMILY_FIELDS = ("relation", "name", "gender", "birth_date")


@transaction.atomic
def family_member_update(*, relative: FamilyMember, acting_user, request=None) -> FamilyMember:
    """Save an edited family member (a form instance whose ``pk`` exists); audited field by field."""
    old = FamilyMember.objects.get(pk=relative.pk)
    relative._history_user = acting_user
    relative.save()
    audit(
        request,
        AuditEntry.Action.UPDATE,
        relative,
        user=acting_user,
        organization=relative.member.school,
        summary=_summary(
            f"修改 {relative.member.name} 的直系亲属 {relative.name}", field_changes(old, relative, FAMILY_FIELDS)
        ),
    )
    return relative


@transaction.atomic
def family_member_remove(*, relative: FamilyMember, acting_user, request=None) -> None:
    """Delete a family member record (entered by mistake, or no longer family); audited with what it held.

    Raises ``django.db.models.ProtectedError`` when any record (a welfare visit, a life event …) names the
    relative: those records keep who was concerned, so the relative stays.
    """
    member = relative.member
    # Every reverse relation, the hidden ones too (welfare's visits name relatives with related_name="+").
    relations = [f for f in FamilyMember._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete]
    for rel in relations:  # welfare visits, life events … (history tables aside)
        if rel.related_model._meta.model_name.startswith("historical"):
            continue
        if rel.related_model._default_manager.filter(**{rel.field.name: relative}).exists():
            raise ProtectedError("records name this family member", {relative})
    summary = f"删除 {member.name} 的直系亲属 {relative.name}（{relative.get_relation_display()}）"
    relative._history_user = acting_user
    audit(request, AuditEntry.Action.DELETE, relative, user=acting_user, organization=member.school, summary=summary)
    relative.delete()


# Contact details a member corrects themselves (self-service). ID and bank numbers are not among them:
# they are checked against documents by the union (DOMAIN.md, Privacy), so a member asks the chair.
SELF_SERVICE_MEMBER_FIELDS = ("phone", "address")


@transaction.atomic
def member_contact_update(
    *, member: Member, phone: str, address: str, email: str, acting_user, request=None
) -> list[str]:
    """A member corrects their own contact details: 手机 and 住址 on the record, 电子邮箱 on their login
    (used for password reset). Audited field by field (old → new). Returns the change lines (empty when
    nothing changed; then nothing is written)."""
    old = Member.objects.get(pk=member.pk)
    member.phone, member.address = phone, address
    changes = field_changes(old, member, SELF_SERVICE_MEMBER_FIELDS)
    user = member.user
    if user is not None and (user.email or "") != email:
        changes.append(f"电子邮箱：{user.email or '（空）'} → {email or '（空）'}")
        user.email = email
        user.save(update_fields=["email"])
    if not changes:
        return []
    member._history_user = acting_user
    member.save(update_fields=["phone", "address", "updated_at"])
    audit(
        request,
        AuditEntry.Action.UPDATE,
        member,
        user=acting_user,
        organization=member.school,
        summary=_summary(f"{member.name} 本人修改联系方式", changes),
    )
    return changes


# --- Transfers between schools ----------------------------------------------------------------------


@transaction.atomic
def member_transfer(
    *,
    member: Member,
    to_school: Organization,
    on: dt.date,
    new_staff_no: str,
    acting_user,
    request=None,
    to_organization: Organization | None = None,
) -> MemberTransfer:
    """Transfer (调动) ``member`` to ``to_school`` on date ``on`` with the staff number ``new_staff_no``.

    The member's unit becomes ``to_organization`` (a unit of ``to_school``; default the school itself),
    the department is cleared (departments belong to a school). A ``MemberTransfer`` keeps both schools,
    units and staff numbers. Records dated before ``on`` stay counted where they happened: apps move only
    later records (``members.signals.member_transferred``; welfare visits keep their recorded school).
    Audited in both schools' logs. Raises ``ValidationError`` (Chinese message) when ``to_school`` is not
    another school, the unit is outside it, or the staff number is blank or taken there.
    """
    from .signals import member_transferred

    new_staff_no = (new_staff_no or "").strip()
    unit = to_organization or to_school
    if to_school.kind != Organization.Kind.SCHOOL:
        raise ValidationError("调入单位必须是学校工会。")
    if to_school.pk == member.school_id:
        raise ValidationError("调入学校与现所在学校相同。")
    if not unit.is_within(to_school):
        raise ValidationError("新所属单位不在调入学校内。")
    if not new_staff_no:
        raise ValidationError("请填写在调入学校的新工号。")
    if Member.objects.filter(school=to_school, staff_no=new_staff_no).exists():
        raise ValidationError(f"工号 {new_staff_no} 在{to_school.name}已被使用。")
    from_school, from_unit, old_staff_no = member.school, member.organization, member.staff_no
    member.organization, member.staff_no, member.department = unit, new_staff_no, None
    member._history_user = acting_user
    member.save()
    transfer = MemberTransfer.objects.create(
        member=member, on=on, from_school=from_school, from_organization=from_unit, old_staff_no=old_staff_no,
        to_school=to_school, to_organization=unit, new_staff_no=new_staff_no, recorded_by=acting_user,
    )  # fmt: skip
    member_transferred.send(sender=MemberTransfer, member=member, transfer=transfer)
    summary = (
        f"{member.name} 于 {on:%Y-%m-%d} 由{from_school.name}（工号 {old_staff_no}）"
        f"调至{to_school.name}（工号 {new_staff_no}）"
    )
    for school in (from_school, to_school):
        audit(request, AuditEntry.Action.UPDATE, transfer, user=acting_user, organization=school, summary=summary)
    return transfer


@transaction.atomic
def consent_record(*, member: Member, consent: Consent, acting_user, request=None) -> Consent:
    """Record ``member``'s consent (an unsaved form instance) to processing sensitive data for a
    purpose (PIPL art. 29), by ``acting_user``; audited."""
    consent.member = member
    consent.recorded_by = acting_user
    consent.save()
    audit(
        request,
        AuditEntry.Action.CREATE,
        consent,
        user=acting_user,
        organization=member.school,
        summary=f"登记 {member.name} 的个人信息处理同意：{consent.get_purpose_display()}",
    )
    return consent


@transaction.atomic
def member_export_log(*, organization: Organization | None, full_ids: bool, acting_user, request=None) -> None:
    """Audit an export of the member list (PIPL: who took which personal data out, with or
    without full ID numbers)."""
    audit(
        request,
        AuditEntry.Action.EXPORT,
        user=acting_user,
        organization=organization,
        summary=f"导出会员名册（{'含完整身份证号' if full_ids else '身份证号已脱敏'}）",
    )


# --- Organisation tree, departments and roles (组织管理) ----------------------------------------
# The chair of a school runs its tree in the portal: these services are its only writers outside
# the roster import. Each checks the acting user, is atomic and writes its audit entry inside the
# transaction. A school's units never leave it (a move between schools is a transfer).

CHILD_KINDS = {
    Organization.Kind.SCHOOL: (Organization.Kind.SUB_UNION, Organization.Kind.GROUP),
    Organization.Kind.SUB_UNION: (Organization.Kind.GROUP,),
}
UNIT_KINDS = (Organization.Kind.SUB_UNION, Organization.Kind.GROUP)


def require_school_chair(user, school: Organization) -> None:
    """Raise ``PermissionDenied`` unless ``user`` is chair over ``school`` (or a superuser)."""
    from .access import has_role

    if not has_role(user, Role.CHAIR, within=school):
        raise PermissionDenied(_("只有本校工会主席可以管理组织、部门和角色。"))


def _check_parent(*, school: Organization, parent: Organization, kind: str, moving: Organization | None = None) -> None:
    """Raise ``ValidationError`` (on ``parent``) unless a ``kind`` unit may sit under ``parent`` in ``school``."""
    if not parent.is_within(school):
        raise ValidationError({"parent": _("上级组织必须属于本校。")})
    if parent.is_retired:
        raise ValidationError({"parent": _("上级组织已撤销。")})
    if moving is not None and parent.is_within(moving):
        raise ValidationError({"parent": _("不能移到自己或自己的下级组织之下。")})
    if kind not in CHILD_KINDS.get(parent.kind, ()):
        raise ValidationError(
            {
                "parent": _("%(kind)s不能设在%(parent)s之下。")
                % {"kind": Organization.Kind(kind).label, "parent": parent.name}
            }
        )


def _next_code(parent: Organization) -> str:
    """A free code under ``parent``: ``<parent code>-<n>`` with the smallest unused n ≥ 1."""
    taken = set(Organization.objects.filter(code__startswith=f"{parent.code}-").values_list("code", flat=True))
    n = 1
    while f"{parent.code}-{n}" in taken:
        n += 1
    return f"{parent.code}-{n}"


def _check_sibling_name(parent: Organization, name: str, exclude: Organization | None = None) -> None:
    clash = Organization.objects.filter(parent=parent, name=name, retired_on__isnull=True)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationError({"name": _("%(parent)s下已有同名组织。") % {"parent": parent.name}})


@transaction.atomic
def organization_create(
    *, acting_user, request=None, school: Organization, parent: Organization, kind: str, name: str, code: str = ""
) -> Organization:
    """Add a sub-union (under the school) or a union group (under the school or a sub-union); audited.

    ``code`` blank → ``<parent code>-<n>``. Raises ``ValidationError`` (keyed by field) for a parent
    outside ``school`` or of the wrong kind, a sibling of the same name or a code in use, and
    ``PermissionDenied`` unless ``acting_user`` is the school's chair.
    """
    require_school_chair(acting_user, school)
    name = clean_name(name)
    _check_parent(school=school, parent=parent, kind=kind)
    _check_sibling_name(parent, name)
    code = "".join((code or "").split()) or _next_code(parent)
    if Organization.objects.filter(code=code).exists():
        raise ValidationError({"code": _("编码 %(code)s 已被使用。") % {"code": code}})
    node = Organization(kind=kind, parent=parent, name=name, code=code)
    node.save()
    audit(request, AuditEntry.Action.CREATE, node, user=acting_user, organization=school,
          summary=f"新增{node.get_kind_display()} {name}（上级：{parent.name}）")  # fmt: skip
    return node


@transaction.atomic
def organization_rename(*, acting_user, request=None, school: Organization, organization: Organization, name: str):
    """Give a sub-union or group of ``school`` a new name; audited with the old one.

    Raises ``ValidationError`` (on ``name``) for a sibling of that name, ``PermissionDenied`` unless
    ``acting_user`` is the school's chair or the unit lies outside ``school``.
    """
    require_school_chair(acting_user, school)
    _require_unit_of(school, organization)
    name = clean_name(name)
    _check_sibling_name(organization.parent, name, exclude=organization)
    old = organization.name
    organization.name = name
    organization.save(update_fields=["name"])
    audit(request, AuditEntry.Action.UPDATE, organization, user=acting_user, organization=school,
          summary=f"组织更名：{old} → {name}")  # fmt: skip
    return organization


def _require_unit_of(school: Organization, organization: Organization) -> None:
    if organization.kind not in UNIT_KINDS or not organization.is_within(school):
        raise PermissionDenied(_("只能管理本校的分工会和工会小组。"))


def _rewrite_subtree(node: Organization, parent: Organization) -> None:
    """Hang ``node`` under ``parent``: one UPDATE rewrites the materialised path of the whole subtree."""
    from django.db.models import Value
    from django.db.models.functions import Concat, Substr

    old_path = node.path
    new_path = f"{parent.path}{node.code}/"
    Organization.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
    )
    Organization.objects.filter(pk=node.pk).update(parent=parent)
    node.parent, node.path = parent, new_path


@transaction.atomic
def organization_move(*, acting_user, request=None, school: Organization, organization: Organization, parent):
    """Move a sub-union or group (with everything below it) under ``parent`` in the same school; audited.

    The materialised ``path`` of the whole subtree is rewritten in one statement inside the
    transaction, so scoping never sees half a move. Members stay in their units (same school).
    Raises ``ValidationError`` (on ``parent``) for a parent of the wrong kind, retired, outside the
    school or inside the unit itself; ``PermissionDenied`` as :func:`organization_rename`.
    """
    require_school_chair(acting_user, school)
    _require_unit_of(school, organization)
    _check_parent(school=school, parent=parent, kind=organization.kind, moving=organization)
    if any(c.kind == Organization.Kind.GROUP for c in organization.children.all()) and parent.kind != "school":
        raise ValidationError({"parent": _("带有工会小组的单位只能设在学校工会之下。")})
    old_parent = organization.parent
    _rewrite_subtree(organization, parent)
    audit(request, AuditEntry.Action.UPDATE, organization, user=acting_user, organization=school,
          summary=f"组织调整：{organization.name} 从 {old_parent.name} 移到 {parent.name}")  # fmt: skip
    return organization


def _organization_links():
    """(model, field name) of every foreign key to ``Organization`` whose rows follow a merge.

    The tree's own ``parent`` (children are moved instead) and the append-only audit log are left out.
    """
    for rel in Organization._meta.get_fields(include_hidden=True):
        if rel.one_to_many and rel.auto_created and not rel.concrete:
            model = rel.related_model
            if model in (Organization, AuditEntry):
                continue
            yield model, rel.field.name


@transaction.atomic
def organization_merge(
    *, acting_user, request=None, school: Organization, organization: Organization, target: Organization
) -> dict[str, int]:
    """Merge ``organization`` into ``target``: its members, records and sub-units move to ``target``,
    then it is retired (kept for history); audited with the counts.

    A sub-union merges into a sub-union; a group into a group or a sub-union. A role held at both is
    kept once. Returns ``{model label: rows moved}``. Raises ``ValidationError`` (on ``target``) for
    a target of the wrong kind, retired, inside ``organization``, or when a record cannot follow
    (a unique rule such as one fund per sub-union and year); ``PermissionDenied`` as above.
    """
    from django.db import IntegrityError

    require_school_chair(acting_user, school)
    _require_unit_of(school, organization)
    _require_unit_of(school, target)
    allowed = {"sub_union": ("sub_union",), "group": ("group", "sub_union")}[organization.kind]
    if target.kind not in allowed or target.is_within(organization) or target.is_retired:
        raise ValidationError({"target": _("不能合并到该组织。")})
    dupes = RoleAssignment.objects.filter(
        organization=target, user__role_assignments__organization=organization
    ).values_list("user_id", "role", "department_id")
    for user_id, role, department_id in set(dupes):
        RoleAssignment.objects.filter(
            organization=organization, user_id=user_id, role=role, department_id=department_id
        ).delete()
    moved: dict[str, int] = {}
    for model, name in _organization_links():
        try:
            with transaction.atomic():
                n = model._base_manager.filter(**{name: organization}).update(**{name: target})
        except IntegrityError as exc:
            raise ValidationError(
                {"target": _("%(model)s 有记录无法合并（目标已有同样的记录）。") % {"model": model._meta.verbose_name}}
            ) from exc
        if n:
            moved[model._meta.label] = moved.get(model._meta.label, 0) + n
    for child in list(organization.children.all()):
        _rewrite_subtree(child, target)
        moved["members.Organization"] = moved.get("members.Organization", 0) + 1
    organization.retired_on = timezone.localdate()
    organization.save(update_fields=["retired_on"])
    detail = "，".join(f"{label} {n}" for label, n in sorted(moved.items())) or "无记录"
    audit(request, AuditEntry.Action.UPDATE, organization, user=acting_user, organization=school,
          summary=f"组织合并：{organization.name} 并入 {target.name}（{detail}）")  # fmt: skip
    return moved


@transaction.atomic
def organization_retire(
    *, acting_user, request=None, school: Organization, organization: Organization, on: dt.date | None = None
) -> int:
    """Retire (撤销) a sub-union or group and every unit below it on ``on`` (default today); audited.

    Retired units take no new members or records and are hidden from choices; their history stays.
    Returns the number of units retired. Raises ``ValidationError`` while active members remain
    in the subtree (move them or merge the unit first); ``PermissionDenied`` as above.
    """
    require_school_chair(acting_user, school)
    _require_unit_of(school, organization)
    active = Member.objects.filter(organization__path__startswith=organization.path, status=MemberStatus.ACTIVE)
    if active.exists():
        raise ValidationError(
            _("%(name)s 还有 %(n)d 名在职教职工，请先调整他们的所属单位或合并该单位。")
            % {"name": organization.name, "n": active.count()}
        )
    on = on or timezone.localdate()
    n = organization.subtree().filter(retired_on__isnull=True).update(retired_on=on)
    organization.retired_on = on
    audit(request, AuditEntry.Action.UPDATE, organization, user=acting_user, organization=school,
          summary=f"撤销{organization.get_kind_display()} {organization.name}（含下级共{n}个）")  # fmt: skip
    return n


@transaction.atomic
def department_save(
    *, acting_user, request=None, school: Organization, department: Department | None = None,
    name: str, code: str = "", sort_order: int = 0,
) -> Department:  # fmt: skip
    """Add a department (部门) to ``school`` (``department`` None) or change one; audited.

    Raises ``ValidationError`` (on ``name``) when the school has another department of that name,
    ``PermissionDenied`` unless ``acting_user`` is the school's chair or the department is another school's.
    """
    require_school_chair(acting_user, school)
    if department is not None and department.pk and department.school_id != school.pk:
        raise PermissionDenied(_("该部门不属于本校。"))
    name = clean_name(name)
    clash = Department.objects.filter(school=school, name=name)
    if department is not None and department.pk:
        clash = clash.exclude(pk=department.pk)
    if clash.exists():
        raise ValidationError({"name": _("本校已有同名部门。")})
    creating = department is None or department.pk is None
    department = department or Department(school=school)
    old = department.name
    department.school, department.name, department.code, department.sort_order = school, name, code, sort_order
    department.save()
    summary = f"新增部门 {name}" if creating else f"修改部门 {old}" + (f" → {name}" if old != name else "")
    audit(request, AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE, department,
          user=acting_user, organization=school, summary=summary)  # fmt: skip
    return department


def _login_for(member: Member):
    """The member's login; a new one (unusable password, to be issued a one-time password) when missing."""
    if member.user_id:
        return member.user
    from django.contrib.auth import get_user_model

    User = get_user_model()
    base = f"{member.school.code}-{member.staff_no}".lower()
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    user = User(username=username, first_name=member.name[:150])
    user.set_unusable_password()
    user.save()
    member.user = user
    member.save(update_fields=["user"])
    return user


ROLE_NODE_KINDS = {
    Role.CHAIR: ("school",),
    Role.COMMITTEE: ("school",),
    Role.PROPOSAL_COMMITTEE: ("school",),
    Role.HANDLER: ("school",),
    Role.REPRESENTATIVE: ("school",),
    Role.SUB_UNION_CHAIR: ("sub_union",),
    Role.MEMBER: ("school", "sub_union", "group"),
}


@transaction.atomic
def role_grant(
    *, acting_user, request=None, school: Organization, member: Member, role: str,
    organization: Organization, department: Department | None = None,
) -> RoleAssignment:  # fmt: skip
    """Grant ``role`` over ``organization`` to ``member``'s login (created without a usable password
    when missing); audited.

    School-wide roles sit at the school, 分工会主席 at a sub-union; a handler (承办部门负责人) names
    a department of the school. Raises ``ValidationError`` (keyed by field) for a node or department
    that does not fit, a retired unit, or an assignment that exists; ``PermissionDenied`` unless
    ``acting_user`` is the school's chair and the member belongs to ``school``.
    """
    require_school_chair(acting_user, school)
    if member.school_id != school.pk or not organization.is_within(school):
        raise PermissionDenied(_("只能为本校教职工分配本校的角色。"))
    if organization.kind not in ROLE_NODE_KINDS[role] or organization.is_retired:
        raise ValidationError({"organization": _("该角色不能设在这一级组织。")})
    if role == Role.HANDLER and (department is None or department.school_id != school.pk):
        raise ValidationError({"department": _("承办部门负责人须指定本校的部门。")})
    if role != Role.HANDLER:
        department = None
    user = _login_for(member)
    if RoleAssignment.objects.filter(user=user, role=role, organization=organization, department=department).exists():
        raise ValidationError({"role": _("%(name)s 已有这个角色。") % {"name": member.name}})
    assignment = RoleAssignment(user=user, role=role, organization=organization, department=department)
    assignment.save()
    where = organization.name + (f" · {department.name}" if department else "")
    audit(request, AuditEntry.Action.CREATE, assignment, user=acting_user, organization=school,
          summary=f"授予 {member.name}（{user.username}）{assignment.get_role_display()}：{where}")  # fmt: skip
    return assignment


@transaction.atomic
def role_revoke(*, acting_user, request=None, school: Organization, assignment: RoleAssignment) -> None:
    """Revoke one role assignment inside ``school``; audited.

    Raises ``ValidationError`` when the chair would revoke their own last chair role (nobody could
    manage the school any more), ``PermissionDenied`` as :func:`role_grant`.
    """
    require_school_chair(acting_user, school)
    if not assignment.organization.is_within(school):
        raise PermissionDenied(_("只能撤销本校的角色。"))
    if assignment.role == Role.CHAIR and assignment.user_id == acting_user.pk:
        others = RoleAssignment.objects.filter(user=acting_user, role=Role.CHAIR).exclude(pk=assignment.pk)
        if not any(school.is_within(ra.organization) for ra in others.select_related("organization")):
            raise ValidationError(_("不能撤销自己唯一的工会主席角色。"))
    summary = f"撤销 {assignment.user.username} 的{assignment.get_role_display()}：{assignment.organization.name}"
    audit(request, AuditEntry.Action.DELETE, assignment, user=acting_user, organization=school, summary=summary)
    assignment.delete()


ONE_TIME_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 (an alphabet, not a password)
ONE_TIME_PASSWORD_LENGTH = 12
PASSWORD_CHANGE_SESSION_KEY = "must_change_password"  # noqa: S105 (a session key name)


def one_time_password() -> str:
    """A random 12-character password (about 69 bits) without look-alike characters."""
    return "".join(secrets.choice(ONE_TIME_PASSWORD_ALPHABET) for _ in range(ONE_TIME_PASSWORD_LENGTH))


@transaction.atomic
def user_one_time_password_issue(*, user, acting_user, request=None) -> str:
    """Give ``user`` a new one-time password and require a change at the next login; audited.

    Returns the password in clear text: the caller shows it once (or puts it in a one-off
    download) and never stores it. The user's other sessions are not ended here; the
    requirement is read at login (``requires_password_change``) and enforced by
    ``union_portal.middleware.PasswordChangeRequiredMiddleware`` until the user sets a
    password of their own (``user_password_changed``). Used by the chair for a colleague who
    forgot theirs and by the first-run wizard for new logins. The audit entry never holds the password.
    """
    password = one_time_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    PasswordChangeRequirement.objects.update_or_create(
        user=user, defaults={"issued_by": acting_user, "issued_at": timezone.now()}
    )
    member = Member.objects.filter(user=user).select_related("school").first()
    audit(
        request,
        AuditEntry.Action.UPDATE,
        user,
        user=acting_user,
        organization=member.school if member else None,
        summary=f"为用户 {user.username} 发放一次性密码（首次登录须修改）",
    )
    return password


def requires_password_change(user) -> bool:
    """True when ``user`` holds a one-time password that must be changed (one query)."""
    return PasswordChangeRequirement.objects.filter(user_id=user.pk).exists()


@transaction.atomic
def user_password_changed(*, user, request=None, how: str = "修改") -> None:
    """Record that ``user`` set a password of their own (change or e-mail reset); audited.

    Removes the one-time-password requirement and its session flag. ``how`` names the way
    (修改 / 重置) in the audit summary.
    """
    PasswordChangeRequirement.objects.filter(user_id=user.pk).delete()
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(PASSWORD_CHANGE_SESSION_KEY, None)
    audit(request, AuditEntry.Action.UPDATE, user, user=user, summary=f"用户 {user.username} {how}了登录密码")
