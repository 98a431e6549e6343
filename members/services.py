"""Writes to the member registry: roster import, member create/update.

Service functions are keyword-only, typed and atomic (HackSoft style). They take
``acting_user`` when the write is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from union_portal.lib.tabular import RowError, TableFileError, clean_name, fold, match_choice, parse_date, read_table

from .idcard import id_birth_date, id_gender, id_number_error, normalize_id_number
from .models import (
    AuditEntry,
    Department,
    EmploymentType,
    Gender,
    Member,
    MemberStatus,
    Organization,
)
from .pinyin import pinyin_fields

ROSTER_ALIASES: dict[str, list[str]] = {
    "name": ["姓名", "教职工姓名", "职工姓名", "名字"],
    "staff_no": ["工号", "职工号", "编号", "教工号", "人员编号", "工作证号"],
    "gender": ["性别"],
    "birth_date": ["出生日期", "出生年月", "出生年月日", "生日"],
    "id_number": ["身份证号", "身份证号码", "身份证", "证件号码"],
    "department": ["部门", "所在部门", "科室", "处室"],
    "sub_union": ["分工会", "二级工会", "部门工会", "所属分工会"],
    "group": ["工会小组", "小组"],
    "phone": ["手机", "手机号", "手机号码", "联系电话", "电话"],
    "title": ["职称", "专业技术职务"],
    "hired_on": ["入职时间", "入职日期", "参加工作时间", "来校时间", "入校时间"],
    "joined_union_on": ["入会时间", "入会日期"],
    "employment_type": ["用工形式", "用工性质", "人员类别", "编制"],
    "status": ["状态", "在职状态", "人员状态"],
    "is_union_member": ["是否会员", "会员", "工会会员"],
}
ROSTER_REQUIRED = ("name", "staff_no")
ROSTER_LABELS = {"name": "姓名", "staff_no": "工号"}

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
YES_NO = {"yes": ["是", "会员", "y", "1", "true", "√"], "no": ["否", "非会员", "n", "0", "false", "×"]}


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
    nodes = list(school.subtree().exclude(pk=school.pk).select_related("parent"))
    for node in nodes:
        if node.kind == Organization.Kind.SUB_UNION:
            subs[clean_name(node.name)] = node
            subs[node.code.lower()] = node
    for node in nodes:
        if node.kind == Organization.Kind.GROUP and node.parent_id:
            groups[(node.parent.code, clean_name(node.name))] = node
    return subs, groups


def roster_validate(*, school: Organization, data: bytes, filename: str) -> RosterResult:
    """Read and validate a roster file for ``school`` without writing anything.

    Checks every row: required 姓名 and 工号, 工号 unique within the file, GB 11643
    ID numbers, dates, gender, employment type, status, and that 分工会/小组 name
    existing units of the school. Birth date and gender are derived from a valid
    ID number when their columns are blank. Returns a ``RosterResult`` whose
    ``errors`` list every problem (Chinese messages, spreadsheet row numbers).
    """
    result = RosterResult()
    try:
        table = read_table(data, filename, ROSTER_ALIASES, ROSTER_REQUIRED, labels=ROSTER_LABELS)
    except TableFileError as exc:
        result.file_error = str(exc)
        return result
    header = table.headers
    subs, groups = _org_lookup(school)
    departments = {clean_name(d.name): d for d in Department.objects.filter(school=school)}
    existing = set(Member.objects.filter(school=school).values_list("staff_no", flat=True))
    seen: dict[str, int] = {}
    new_departments: list[str] = []

    for rownum, raw in table.rows:
        errors: list[RowError] = []

        def err(fieldname: str, message: str, rownum=rownum, errors=errors) -> None:
            errors.append(RowError(rownum, header.get(fieldname, ROSTER_LABELS.get(fieldname, fieldname)), message))

        values: dict = {}
        name = clean_name(raw.get("name"))
        if not name:
            err("name", "姓名不能为空")
        elif len(name) > 50:
            err("name", "姓名过长（最多50个字）")
        values["name"] = name

        staff_no = "".join(fold(raw.get("staff_no")).split())
        if not staff_no:
            err("staff_no", "工号不能为空")
        elif len(staff_no) > 32:
            err("staff_no", "工号过长（最多32个字符）")
        elif staff_no in seen:
            err("staff_no", f"工号 {staff_no} 与第 {seen[staff_no]} 行重复")
        else:
            seen[staff_no] = rownum
        values["staff_no"] = staff_no

        for fieldname in ("birth_date", "hired_on", "joined_union_on"):
            if fieldname in header:
                try:
                    values[fieldname] = parse_date(raw.get(fieldname))
                except ValueError as exc:
                    err(fieldname, str(exc))
                else:
                    day = values[fieldname]
                    if day and not (dt.date(1900, 1, 1) <= day <= timezone.localdate() + dt.timedelta(days=366)):
                        err(fieldname, f"日期 {day:%Y-%m-%d} 超出合理范围")

        if "gender" in header:
            try:
                values["gender"] = match_choice(raw.get("gender"), GENDER_ALIASES, "性别") or ""
            except ValueError as exc:
                err("gender", str(exc))

        if "id_number" in header:
            idn = normalize_id_number(fold(raw.get("id_number")))
            if idn:
                problem = id_number_error(idn)
                if problem:
                    err("id_number", problem)
                else:
                    values["id_number"] = idn
                    if not values.get("birth_date"):
                        values["birth_date"] = id_birth_date(idn)
                    if not values.get("gender"):
                        values["gender"] = id_gender(idn)
            else:
                values["id_number"] = ""

        for fieldname, aliases, label in (
            ("employment_type", EMPLOYMENT_ALIASES, "用工形式"),
            ("status", STATUS_ALIASES, "状态"),
        ):
            if fieldname in header:
                try:
                    code = match_choice(raw.get(fieldname), aliases, label)
                except ValueError as exc:
                    err(fieldname, str(exc))
                else:
                    if code:
                        values[fieldname] = code

        if "is_union_member" in header:
            try:
                yn = match_choice(raw.get("is_union_member"), YES_NO, "是否会员")
            except ValueError as exc:
                err("is_union_member", str(exc))
            else:
                if yn:
                    values["is_union_member"] = yn == "yes"

        for fieldname, limit in (("phone", 20), ("title", 50)):
            if fieldname in header:
                text = "".join(fold(raw.get(fieldname)).split()) if fieldname == "phone" else fold(raw.get(fieldname))
                if len(text) > limit:
                    err(fieldname, f"内容过长（最多{limit}个字符）")
                values[fieldname] = text

        organization = school
        sub_name = clean_name(raw.get("sub_union")) if "sub_union" in header else ""
        if sub_name:
            sub = subs.get(sub_name) or subs.get(sub_name.lower())
            if sub is None:
                known = "、".join(sorted({n.name for n in subs.values()})[:8])
                err("sub_union", f"分工会“{sub_name}”不存在（已有：{known}…）")
            else:
                organization = sub
                group_name = clean_name(raw.get("group")) if "group" in header else ""
                if group_name:
                    group = groups.get((sub.code, group_name))
                    if group is None:
                        err("group", f"工会小组“{group_name}”不在分工会“{sub.name}”中")
                    else:
                        organization = group
        values["organization"] = organization

        if "department" in header:
            dept_name = clean_name(raw.get("department"))
            if len(dept_name) > 100:
                err("department", "部门名称过长")
            elif dept_name and dept_name not in departments and dept_name not in new_departments:
                new_departments.append(dept_name)
            values["department_name"] = dept_name

        result.errors.extend(errors)
        if not errors:
            result.rows.append(RosterRow(rownum, values))
            if staff_no in existing:
                result.updated += 1
            else:
                result.created += 1
    result.new_departments = new_departments
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
    from union_portal.lib.audit import audit

    audit(
        request,
        AuditEntry.Action.IMPORT,
        user=acting_user,
        organization=school,
        summary=f"导入会员名册 {filename}：新增{len(to_create)}人，更新{len(to_update)}人",
    )
    return result


@transaction.atomic
def member_save(*, member: Member, acting_user, request=None, created: bool = False) -> Member:
    """Save a member edited through a form and audit the write.

    Derives birth date and gender from a valid ID number when they are blank.
    """
    if member.id_number:
        member.id_number = normalize_id_number(member.id_number)
        if not id_number_error(member.id_number):
            member.birth_date = member.birth_date or id_birth_date(member.id_number)
            member.gender = member.gender or id_gender(member.id_number)
    if member.is_union_member and not member.joined_union_on:
        member.joined_union_on = member.hired_on
    member.save()
    from union_portal.lib.audit import audit

    audit(
        request,
        AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        member,
        user=acting_user,
        organization=member.school,
        summary=f"{'新增' if created else '修改'}教职工 {member.name}",
    )
    return member
