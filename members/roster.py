"""The roster (会员名册) file: its columns, validation, and the preview of what an import changes.

Nothing here writes; ``members.services.roster_import`` writes what ``roster_validate`` planned.

Re-importing never loses data (issue 15):

- a blank cell keeps the stored value; a column missing from the file changes nothing;
- clearing a stored value takes the explicit cell text ``（清空）`` (``columns.CLEAR_TEXT``). 姓名, 工号,
  用工形式, 状态 and 是否会员 cannot be cleared (an error). ``（清空）`` under 分工会 moves the member up to
  the school, under 工会小组 up to the sub-union, under 部门 removes the department;
- 出生日期 and 性别 derived from the ID number fill only empty stored values;
- a blank 工会小组 keeps the member's group while the sub-union stays the same;
- the preview lists, per person, each field that changes (old → new), the people added, and the
  people of the school's registry missing from the file (they are kept, not deleted).

Sub-unions and groups the file names that do not exist are errors, unless ``create_units`` (the
preview's checkbox, ``import_members --create-units``): they are then listed as new units and
created on confirm. Unknown departments are always created (listed too), as before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from union_portal.lib import columns
from union_portal.lib.columns import CLEAR, OMIT, Column, ColumnSpec, Row, validate_rows
from union_portal.lib.tabular import RowError, TableFileError, clean_name

from .idcard import id_birth_date, id_gender, mask_id_number
from .models import Department, EmploymentType, Gender, Member, MemberStatus, Organization

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


def _kept(key, label, aliases=(), *, parse, cleared=OMIT) -> Column:
    return Column(key, label, aliases, parse=parse, keep_blank=True, cleared=cleared)


# Validation order is the order errors are listed within a row.
ROSTER_COLUMNS = ColumnSpec(
    Column("name", "姓名", ("教职工姓名", "职工姓名", "名字"), required=True,
           parse=columns.name(max_length=50, too_long="姓名过长（最多50个字）"), blank_error="姓名不能为空"),
    Column("staff_no", "工号", ("职工号", "编号", "教工号", "人员编号", "工作证号"), required=True,
           parse=columns.code(max_length=32, too_long="工号过长（最多32个字符）"), blank_error="工号不能为空"),
    _kept("birth_date", "出生日期", ("出生年月", "出生年月日", "生日"), parse=columns.date(valid=_plausible_day),
          cleared=None),
    _kept("hired_on", "入职时间", ("入职日期", "参加工作时间", "来校时间", "入校时间"),
          parse=columns.date(valid=_plausible_day), cleared=None),
    _kept("joined_union_on", "入会时间", ("入会日期",), parse=columns.date(valid=_plausible_day), cleared=None),
    _kept("gender", "性别", parse=columns.choice(GENDER_ALIASES, "性别"), cleared=""),
    _kept("id_number", "身份证号", ("身份证号码", "身份证", "证件号码"), parse=columns.id_number(), cleared=""),
    _kept("employment_type", "用工形式", ("用工性质", "人员类别", "编制"),
          parse=columns.choice(EMPLOYMENT_ALIASES, "用工形式")),
    _kept("status", "状态", ("在职状态", "人员状态"), parse=columns.choice(STATUS_ALIASES, "状态")),
    _kept("is_union_member", "是否会员", ("会员", "工会会员"), parse=columns.yes_no("是否会员")),
    _kept("phone", "手机", ("手机号", "手机号码", "联系电话", "电话"), parse=columns.code(max_length=20), cleared=""),
    _kept("title", "职称", ("专业技术职务",), parse=columns.text(max_length=50), cleared=""),
    _kept("sub_union", "分工会", ("二级工会", "部门工会", "所属分工会"), parse=columns.name(), cleared=CLEAR),
    _kept("group", "工会小组", ("小组",), parse=columns.name(), cleared=CLEAR),
    _kept("department", "部门", ("所在部门", "科室", "处室"),
          parse=columns.name(max_length=100, too_long="部门名称过长"), cleared=CLEAR),
)  # fmt: skip
ROSTER_ALIASES: dict[str, list[str]] = ROSTER_COLUMNS.aliases()

# Member fields a roster row may set, in the order the preview lists changes.
FIELDS = ("name", "gender", "birth_date", "id_number", "phone", "title", "hired_on", "joined_union_on",
          "employment_type", "status", "is_union_member")  # fmt: skip
DERIVED = ("birth_date", "gender")
ABSENT = object()
"""A unit reference for "the file says nothing": keep the stored one."""


@dataclass
class RosterRow:
    """One validated roster row: the member's values keyed by model field name.

    ``values`` holds what the file gives (a blank cell is absent); ``unit`` is the planned
    organisation (a unit reference, see ``unit_ref``) and ``department`` the planned department
    name (``None``: no department; absent when unchanged).
    """

    row: int
    values: dict
    member_id: int | None = None


@dataclass
class FieldChange:
    """One field of one person that an import changes: label and display values (old → new)."""

    label: str
    old: str
    new: str


@dataclass
class PersonChange:
    """A registry member the import changes: who, and each field's change."""

    staff_no: str
    name: str
    fields: list[FieldChange]


@dataclass
class RosterResult:
    """Outcome of a roster import or its preview.

    ``errors`` lists every problem by row and column; when it is non-empty nothing was written.
    ``created``/``updated``/``unchanged`` count members (人): new, changed and untouched.
    ``changes`` (per person, old → new), ``added`` and ``missing`` (``(工号, 姓名)`` of registry members
    absent from the file, kept) are what the preview shows; ``new_units`` the sub-unions and groups
    to create (display names ``分工会`` or ``分工会 / 小组``), ``new_departments`` the departments.
    """

    file_error: str = ""
    errors: list[RowError] = field(default_factory=list)
    rows: list[RosterRow] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[PersonChange] = field(default_factory=list)
    added: list[tuple[str, str]] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)
    new_units: list[str] = field(default_factory=list)
    new_unit_refs: list[tuple] = field(default_factory=list)
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
            "unchanged": self.unchanged,
            "missing": len(self.missing),
            "new_units": self.new_units,
            "new_departments": self.new_departments,
            "rows": len(self.rows),
            "written": self.written,
        }


# --- Units: references independent of whether the unit exists yet -------------------------------
# A unit reference is None (the school itself), ("sub", 分工会名) or ("group", 分工会名, 小组名), names cleaned.


def unit_ref(org: Organization) -> tuple | None:
    """The reference of an existing organisation node (its parent must be loaded for a group)."""
    if org.kind == Organization.Kind.SUB_UNION:
        return ("sub", clean_name(org.name))
    if org.kind == Organization.Kind.GROUP:
        return ("group", clean_name(org.parent.name), clean_name(org.name))
    return None


def unit_label(ref: tuple | None, school_name: str) -> str:
    if ref is None:
        return school_name
    return " / ".join(ref[1:])


class UnitIndex:
    """The school's sub-unions and groups by reference (and sub-unions by code), for validation and writing."""

    def __init__(self, school: Organization):
        self.school = school
        self.by_ref: dict[tuple, Organization] = {}
        self.sub_names: dict[str, str] = {}  # cleaned name or lower-case code → cleaned name
        live = school.subtree().exclude(pk=school.pk).filter(retired_on__isnull=True)  # retired units take no rows
        for node in live.select_related("parent"):
            if node.kind in (Organization.Kind.SUB_UNION, Organization.Kind.GROUP):
                self.by_ref[unit_ref(node)] = node
            if node.kind == Organization.Kind.SUB_UNION:
                self.sub_names[clean_name(node.name)] = clean_name(node.name)
                self.sub_names[node.code.lower()] = clean_name(node.name)

    def sub_name(self, text: str) -> str | None:
        return self.sub_names.get(text) or self.sub_names.get(text.lower())

    def known_subs(self) -> str:
        return "、".join(sorted({ref[1] for ref in self.by_ref if ref[0] == "sub"})[:8])


class _RosterCheck:
    """The roster's domain checks on a parsed row (``columns.validate_rows`` calls it per row).

    工号 unique within the file; birth date and gender from a valid ID number when blank (the keys
    derived are listed under ``_derived``); 分工会/小组 must name existing units of the school unless
    ``create_units`` (then ``new_units`` collects them); 部门 names an existing department or one the
    import will create (``new_departments``). The row's ``_sub``/``_group`` hold the unit names given
    (or ``CLEAR``), ``department`` the department name (or ``CLEAR``).
    """

    def __init__(self, school: Organization, units: UnitIndex, *, create_units: bool):
        self.units = units
        self.create_units = create_units
        self.departments = {clean_name(d.name) for d in Department.objects.filter(school=school)}
        self.seen: dict[str, int] = {}
        self.new_units: list[tuple] = []
        self.new_departments: list[str] = []

    def __call__(self, row: Row) -> None:
        values = row.values
        for key in ("name", "staff_no"):
            if values.get(key) in ("(清空)", "（清空）"):
                row.error(key, f"“{ROSTER_COLUMNS.labels[key]}”不能清空")
        staff_no = values.get("staff_no", "")
        if "staff_no" not in row.error_keys():
            if staff_no in self.seen:
                row.error("staff_no", f"工号 {staff_no} 与第 {self.seen[staff_no]} 行重复")
            else:
                self.seen[staff_no] = row.number
        idn = values.get("id_number")
        if idn:
            derived = [key for key in DERIVED if not values.get(key)]
            if "birth_date" in derived:
                values["birth_date"] = id_birth_date(idn)
            if "gender" in derived:
                values["gender"] = id_gender(idn)
            values["_derived"] = derived
        self._units(row, values.pop("sub_union", ABSENT), values.pop("group", ABSENT))
        dept = values.get("department")
        if isinstance(dept, str) and dept not in self.departments and dept not in self.new_departments:
            self.new_departments.append(dept)

    def _units(self, row: Row, sub, group) -> None:
        if isinstance(sub, str):
            name = self.units.sub_name(sub)
            if name is None:
                name = clean_name(sub)
                if not self.create_units:
                    row.error("sub_union", f"分工会“{sub}”不存在（已有：{self.units.known_subs()}…）")
                elif ("sub", name) not in self.new_units:
                    self.new_units.append(("sub", name))
            sub = name
        if isinstance(group, str) and isinstance(sub, str):
            ref = ("group", sub, group)
            if ref not in self.units.by_ref:
                if not self.create_units:
                    row.error("group", f"工会小组“{group}”不在分工会“{sub}”中")
                elif ref not in self.new_units:
                    self.new_units.append(ref)
        values = row.values
        values["_sub"], values["_group"] = sub, group


def _display(member_field: str, value) -> str:
    if value in (None, ""):
        return "（空）"
    if member_field == "id_number":
        return mask_id_number(value)
    if member_field == "is_union_member":
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    choices = dict(Member._meta.get_field(member_field).flatchoices)
    return str(choices.get(value, value))


def _target_unit(current: tuple | None, sub, group) -> tuple | None | str:
    """The unit reference a row puts its member in (``current``: the stored one, None for a new member
    at school level). Returns an error message (str) for a group without a sub-union."""
    cur_sub = current[1] if current else None
    sub_name = cur_sub if sub is ABSENT else (None if sub is CLEAR else sub)
    if isinstance(group, str):
        if sub_name is None:
            return f"工会小组“{group}”需要同时填写分工会"
        return ("group", sub_name, group)
    if group is ABSENT and current is not None and current[0] == "group" and current[1] == sub_name:
        return current
    return ("sub", sub_name) if sub_name else None


def _plan_row(row: RosterRow, member: Member | None, units: UnitIndex, result: RosterResult) -> list[FieldChange]:
    """Settle ``row.values`` against the stored member and return the field changes (old → new)."""
    values = row.values
    derived = values.pop("_derived", [])
    current = unit_ref(member.organization) if member is not None else None
    target = _target_unit(current, values.pop("_sub"), values.pop("_group"))
    if isinstance(target, str):
        result.errors.append(RowError(row.row, "工会小组", target))
        target = current
    values["unit"] = target
    if values.get("department") is CLEAR:
        values["department"] = None
    changes: list[FieldChange] = []
    if member is None:
        return changes
    for key in derived:
        if getattr(member, key):
            values.pop(key, None)
    for key in FIELDS:
        if key in values and values[key] != getattr(member, key):
            label = str(Member._meta.get_field(key).verbose_name)
            changes.append(FieldChange(label, _display(key, getattr(member, key)), _display(key, values[key])))
    if target != current:
        changes.append(FieldChange("所属分工会/小组", unit_label(current, units.school.name),
                                   unit_label(target, units.school.name)))  # fmt: skip
    if "department" in values:
        new = values["department"]
        old = member.department.name if member.department_id else None
        if new != old:
            changes.append(FieldChange("部门", old or "（空）", new or "（空）"))
        else:
            del values["department"]
    return changes


def roster_validate(*, school: Organization, data: bytes, filename: str, create_units: bool = False) -> RosterResult:
    """Read and validate a roster file for ``school`` and plan the import, without writing anything.

    Checks every row (``ROSTER_COLUMNS`` and ``_RosterCheck``): required 姓名 and 工号, 工号 unique within
    the file, GB 11643 ID numbers, dates, gender, employment type, status, and that 分工会/小组 name
    units of the school (or, with ``create_units``, lists them as new). Then compares each row with
    the stored member of the same 工号: ``changes`` (old → new per field), ``added``, ``missing``.
    Returns a ``RosterResult`` whose ``errors`` list every problem (Chinese, spreadsheet row numbers).
    """
    result = RosterResult()
    try:
        table = ROSTER_COLUMNS.read(data, filename)
    except TableFileError as exc:
        result.file_error = str(exc)
        return result
    units = UnitIndex(school)
    check = _RosterCheck(school, units, create_units=create_units)
    rows, result.errors = validate_rows(table, ROSTER_COLUMNS, check=check)
    stored = {
        m.staff_no: m for m in Member.objects.filter(school=school).select_related("organization__parent", "department")
    }
    for clean in rows:
        row = RosterRow(clean.number, clean.values)
        member = stored.get(row.values["staff_no"])
        changes = _plan_row(row, member, units, result)
        result.rows.append(row)
        if member is None:
            result.created += 1
            result.added.append((row.values["staff_no"], row.values["name"]))
        else:
            row.member_id = member.pk
            if changes:
                result.updated += 1
                result.changes.append(PersonChange(member.staff_no, member.name, changes))
            else:
                result.unchanged += 1
    in_file = {row.values["staff_no"] for row in result.rows} | set(check.seen)
    result.missing = [(m.staff_no, m.name) for m in stored.values() if m.staff_no not in in_file]
    result.errors.sort(key=lambda e: e.row)
    result.new_unit_refs = check.new_units
    result.new_units = [unit_label(ref, school.name) for ref in check.new_units]
    result.new_departments = check.new_departments
    return result
