"""荣誉名单 importer (kind ``honour``): a school's past honours lists (先进集体/先进个人) into ``Honor``.

Columns (standard header first, then the spellings also accepted; a bracketed note in a header is ignored):

- 荣誉称号 (称号、荣誉名称、荣誉、表彰名称、荣誉项目) — required;
- 类别 (个人/集体、荣誉类别、类型、个人或集体): 个人/先进个人/个人荣誉 or 集体/先进集体/集体荣誉/单位/团体;
  blank: individual when a 工号 or 姓名 is given, collective when a 集体名称 is, else as the 获得者 reads;
- 工号 (职工号、教工号), 姓名 (教职工姓名、职工姓名、获得者姓名), 部门 (所在部门、科室、处室): an individual,
  matched by ``members.matching.MemberMatcher`` (工号, or a name unique in the school, narrowed by 部门);
- 集体名称 (获得单位、单位名称、单位、集体、受表彰集体、先进集体名称): a collective, matched by
  ``recognition.UnitMatcher`` to the school itself or one of its sub-unions/groups (a 部门 given without
  集体名称 on a collective row is read as the collective's name);
- 获得者 (获奖者、表彰对象、荣誉获得者、获得人): a person's or a unit's name in one column; read as a
  unit on a collective row (or, without 类别, when it names one of the school's units), else as a 姓名;
- 级别 (荣誉级别、等级、层级): 国家级/省级/市级/区级/校级 and their aliases; blank: read off the 授予单位;
- 授予单位 (颁发单位、表彰单位、授予机关、发文单位、颁奖单位);
- 授予日期 (授予时间、时间、日期、年份、获得时间、表彰时间、年度、获奖时间) — required; a bare year is
  1 January of that year and the note says so (``recognition.award_date``);
- 备注 (说明).

An individual honour counts for the member's unit (``member.organization``, as the portal's form does); a
collective one for the unit named. **Natural key**: (类别, the member for an individual honour or the unit for
a collective one, 荣誉称号, 授予日期), within the school: a row whose honour exists is skipped, and two rows of
one file with the same key are an error. Imported honours are plain ``Honor`` rows, so the report's
``honor_stats`` (by ``organization`` path and ``awarded_on``) counts them like honours entered in the portal.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from members.matching import MemberMatcher
from members.models import ImportBatch, Organization
from union_portal.lib import columns
from union_portal.lib.columns import Column, ColumnSpec, Row, validate_rows
from union_portal.lib.record_imports import (
    RecordImporter,
    RecordResult,
    import_finish,
    register,
)
from union_portal.lib.tabular import TableFileError

from ..models import Honor, Level
from .recognition import LEVEL_ALIASES, UnitMatcher, award_date, level_from_grantor, year_only_note

KIND_ALIASES: dict[str, list[str]] = {
    Honor.Kind.INDIVIDUAL: ["个人", "先进个人", "个人荣誉", "个人奖"],
    Honor.Kind.COLLECTIVE: ["集体", "先进集体", "集体荣誉", "单位", "团体"],
}

COLUMNS = ColumnSpec(
    Column("title", "荣誉称号", ("称号", "荣誉名称", "荣誉", "表彰名称", "荣誉项目"), required=True,
           parse=columns.text(max_length=100, too_long="荣誉称号过长（最多{max}个字）"), blank_error="荣誉称号不能为空"),
    Column("kind", "类别", ("个人/集体", "荣誉类别", "类型", "个人或集体"), parse=columns.choice(KIND_ALIASES, "类别"),
           default=None),
    Column("staff_no", "工号", ("职工号", "教工号"), parse=columns.code(), default=""),
    Column("name", "姓名", ("教职工姓名", "职工姓名", "获得者姓名"), parse=columns.name(), default=""),
    Column("department", "部门", ("所在部门", "科室", "处室"), parse=columns.name(), default=""),
    Column("unit", "集体名称", ("获得单位", "单位名称", "单位", "集体", "受表彰集体", "先进集体名称"),
           parse=columns.name(max_length=100), default=""),
    Column("recipient", "获得者", ("获奖者", "表彰对象", "荣誉获得者", "获得人"), parse=columns.name(), default=""),
    Column("level", "级别", ("荣誉级别", "等级", "层级"), parse=columns.choice(LEVEL_ALIASES, "级别"), default=None),
    Column("grantor", "授予单位", ("颁发单位", "表彰单位", "授予机关", "发文单位", "颁奖单位"),
           parse=columns.text(max_length=100, too_long="授予单位过长（最多{max}个字）"), default=""),
    Column("awarded_on", "授予日期", ("授予时间", "时间", "日期", "年份", "获得时间", "表彰时间", "年度", "获奖时间"),
           required=True, parse=award_date, blank_error="授予日期不能为空"),
    Column("note", "备注", ("说明",), parse=columns.text(max_length=200, too_long="备注过长（最多{max}个字）"), default=""),
)  # fmt: skip

LEVEL_LABELS = dict(Level.choices)


def honour_key(kind: str, holder_id: int, title: str, awarded_on) -> tuple:
    """The natural key: (kind, member id for an individual honour / organisation id for a collective one,
    title, date)."""
    return (kind, holder_id, title, awarded_on)


class _HonourCheck:
    """The honours list's domain checks on one parsed row (``columns.validate_rows`` calls it).

    Leaves in ``row.values``: ``kind``, ``member`` (None for a collective honour), ``organization``,
    ``title``, ``level``, ``grantor``, ``awarded_on`` (a date), ``note`` and ``row`` (the sheet row).
    """

    def __init__(self, school: Organization):
        self.members = MemberMatcher(school)
        self.units = UnitMatcher(school)
        self.seen: dict[tuple, int] = {}

    def _kind(self, row: Row) -> str | None:
        values = row.values
        if values.get("kind"):
            return values["kind"]
        if values.get("staff_no") or values.get("name"):
            return Honor.Kind.INDIVIDUAL
        if values.get("unit"):
            return Honor.Kind.COLLECTIVE
        recipient = values.get("recipient") or ""
        if recipient:
            unit, _problem = self.units.match(recipient)
            named_person = bool(self.members.candidates(recipient))
            return Honor.Kind.COLLECTIVE if unit is not None and not named_person else Honor.Kind.INDIVIDUAL
        if values.get("department"):
            return Honor.Kind.COLLECTIVE
        return None

    def _individual(self, row: Row) -> None:
        values = row.values
        if not values.get("name") and values.get("recipient"):
            values["name"] = values["recipient"]
            if "name" not in row.headers:
                row.headers = {**row.headers, "name": row.headers.get("recipient", "获得者")}
        member = self.members.match(row)
        values["member"] = member
        values["organization"] = member.organization if member is not None else None

    def _collective(self, row: Row) -> None:
        values = row.values
        text = values.get("unit") or values.get("recipient") or values.get("department") or ""
        key = next((k for k in ("unit", "recipient", "department") if values.get(k)), "unit")
        values["member"] = None
        values["organization"] = None
        if not text:
            row.error("unit", "集体荣誉请填写集体名称")
            return
        unit, problem = self.units.match(text)
        if problem:
            row.error(key, problem)
        values["organization"] = unit

    def _level(self, row: Row) -> None:
        values = row.values
        if values.get("level") or "level" in row.error_keys():
            return
        values["level"] = level_from_grantor(values.get("grantor") or "")
        if values["level"] is None:
            row.error("level", "级别不能为空（授予单位中也看不出级别），可填写：国家级、省级、市级、区级、校级")

    def __call__(self, row: Row) -> None:
        values = row.values
        values["row"] = row.number
        kind = self._kind(row)
        if kind is None:
            row.error("name", "请填写获得者：个人荣誉填工号或姓名，集体荣誉填集体名称")
        elif kind == Honor.Kind.INDIVIDUAL:
            self._individual(row)
        else:
            self._collective(row)
        values["kind"] = kind
        for key in ("staff_no", "name", "department", "unit", "recipient"):
            values.pop(key, None)
        self._level(row)
        extra = year_only_note(row.raw.get("awarded_on"))
        if extra:
            values["note"] = "；".join(x for x in (values.get("note") or "", extra) if x)[:200]
        if row.error_keys():
            return
        holder = values["member"] or values["organization"]
        key = honour_key(kind, holder.pk, values["title"], values["awarded_on"])
        if key in self.seen:
            row.error("title", f"与第 {self.seen[key]} 行重复（同一获得者、荣誉称号和授予日期）")
        else:
            self.seen[key] = row.number


def _existing_keys(school: Organization) -> set[tuple]:
    """Natural keys of the school's honours already recorded (one query)."""
    rows = Honor.objects.filter(organization__path__startswith=school.path).values_list(
        "kind", "member_id", "organization_id", "title", "awarded_on"
    )
    return {honour_key(kind, member_id or org_id, title, day) for kind, member_id, org_id, title, day in rows}


def _totals(rows: list[dict]) -> dict[str, int]:
    """The file's totals: honours (项), individual and collective, and by level (国家级→校级, those present)."""
    totals = {
        "荣誉": len(rows),
        "个人荣誉": sum(1 for r in rows if r["kind"] == Honor.Kind.INDIVIDUAL),
        "集体荣誉": sum(1 for r in rows if r["kind"] == Honor.Kind.COLLECTIVE),
    }
    for code, label in Level.choices:
        n = sum(1 for r in rows if r["level"] == code)
        if n:
            totals[str(label)] = n
    return totals


class HonourImporter(RecordImporter):
    """荣誉名单 (see the module docstring): ``validate`` and ``apply`` on the shared ``imports:`` routes."""

    kind = ImportBatch.Kind.HONOUR
    done_url = "activities:honors"
    denied = _("只有学校工会主席和工会委员可以导入荣誉名单。")
    title = _("导入历史荣誉名单")
    preview_title = _("荣誉名单导入预览")
    spec = COLUMNS
    columns_note = _(
        "类别不填时按所填获得者判断；集体名称写本校工会或分工会的名称（“语文组”即“语文组分工会”）；"
        "级别不填时按授予单位判断（如“金水区教育局”为区级）；授予日期只写年份时按该年1月1日记，并在备注中注明。"
    )
    natural_key_help = _("类别 + 获得者（个人按教职工，集体按单位）+ 荣誉称号 + 授予日期：已有相同记录的行跳过。")
    template_headers = ["序号", "荣誉称号", "类别", "工号", "姓名", "集体名称", "级别", "授予单位", "授予日期", "备注"]
    template_example = [1, "优秀教师", "个人", "S0100012", "张伟", "", "区级", "金水区教育局", "2024-09-10", ""]
    template_title = "荣誉名单模板"
    template_filename = "honour-template.xlsx"

    def validate(self, *, school: Organization, data: bytes, filename: str) -> RecordResult:
        """Check every row without writing. ``rows``: dicts (see ``_HonourCheck``); ``created``: honours
        to write (``{"荣誉": n}``); ``skipped``: rows whose honour exists; ``totals``: ``_totals`` of the file."""
        result = RecordResult()
        try:
            table = COLUMNS.read(data, filename)
        except TableFileError as exc:
            result.file_error = str(exc)
            return result
        if not {"staff_no", "name", "unit", "recipient"} & set(table.headers):
            result.file_error = "缺少获得者的列：工号、姓名、集体名称 或 获得者"
            return result
        rows, result.errors = validate_rows(table, COLUMNS, check=_HonourCheck(school))
        if result.errors:
            return result
        result.rows = [r.values for r in rows]
        existing = _existing_keys(school)
        new = [r for r in result.rows if self.key(r) not in existing]
        result.skipped = len(result.rows) - len(new)
        result.count("荣誉", len(new))
        result.totals = _totals(result.rows)
        return result

    @property
    def columns_help(self) -> str:
        """The accepted headers (from ``spec``, as every record importer), then how blank cells are read."""
        return f"{super().columns_help}。{self.columns_note}"

    @staticmethod
    def key(row: dict) -> tuple:
        holder = row["member"] or row["organization"]
        return honour_key(row["kind"], holder.pk, row["title"], row["awarded_on"])

    @transaction.atomic
    def apply(
        self,
        *,
        school: Organization,
        data: bytes,
        filename: str,
        acting_user=None,
        request=None,
        batch=None,
        dry_run: bool = False,
    ) -> RecordResult:
        """Validate and, when every row is clean, write the new honours (bulk insert, no notices), mark them
        with ``batch`` and write one audit entry. A file with any error writes nothing."""
        result = self.validate(school=school, data=data, filename=filename)
        if not result.ok or dry_run:
            return result
        existing = _existing_keys(school)
        honours = Honor.objects.bulk_create(
            [
                Honor(
                    kind=r["kind"],
                    member=r["member"],
                    organization=r["organization"],
                    title=r["title"],
                    level=r["level"],
                    grantor=r["grantor"] or "",
                    awarded_on=r["awarded_on"],
                    note=r["note"] or "",
                )
                for r in result.rows
                if self.key(r) not in existing
            ],
            batch_size=1000,
        )
        import_finish(result, kind="honour", records=honours, batch=batch, school=school, filename=filename,
                      acting_user=acting_user, request=request)  # fmt: skip
        return result


IMPORTER = register(HonourImporter())
