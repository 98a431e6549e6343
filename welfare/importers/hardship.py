"""困难职工帮扶名单 importer (kind ``hardship``): past hardship cases (``HardshipCase``) and their aid
payments (``HardshipAid``).

One row is one aid payment (帮扶日期 + 帮扶金额, yuan) on one case; a case helped several times appears on
several rows. A row without an amount only opens the case (or closes an open one: 状态 已脱困 + 脱困日期).

Natural keys (a re-import creates nothing twice):

- case: (member, 建档日期). A row with a blank 建档日期 belongs to the member's case opened in the same
  file (when the file opens exactly one for them), else to the member's one open case (帮扶中) in the
  portal; otherwise it is a row error. An existing case keeps its 致困原因, 困难程度 and 备注 (the portal's
  record wins); the file can only close it (已脱困 + 脱困日期) when it is still open;
- aid: (case, 帮扶日期, 帮扶金额) — an existing payment is skipped (counted in ``skipped``); the same
  payment twice in the file is a row error.

致困原因 is sensitive (shown only to the roles ``welfare.access`` allows): it is written to the case only,
never echoed in a row error, the batch's summary or the audit entry (``audit_import`` gets counts and the
file's totals). Imported history sends no notice, reminder or e-mail; aid payments get their field history
(``simple_history``) as payments entered in the portal do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

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
from union_portal.lib.tabular import RowError, TableFileError

from ..importer import FUNDING_ALIASES
from ..models import FundingSource, HardshipAid, HardshipCase

LEVEL_ALIASES = {
    HardshipCase.Level.GENERAL: ["一般困难", "一般", "困难", "普通"],
    HardshipCase.Level.SERIOUS: ["特别困难", "特困", "深度困难", "特殊困难", "重度困难", "特别"],
}
STATUS_ALIASES = {
    HardshipCase.Status.OPEN: ["帮扶中", "在档", "未脱困", "否"],
    HardshipCase.Status.CLOSED: ["已脱困", "脱困", "销档", "已销档", "是"],
}
FIRST_DAY = dt.date(1990, 1, 1)


def _plausible(day: dt.date) -> bool:
    return FIRST_DAY <= day <= timezone.localdate()


def _date():
    return columns.date(valid=_plausible, invalid="日期 {day:%Y-%m-%d} 超出合理范围（不能晚于今天）")


def _amount(raw: object) -> Decimal | None:
    """``columns.yuan()``; a zero amount counts as blank (the row then only opens or closes the case)."""
    return columns.yuan()(raw) or None


# Validation order is the order errors are listed within a row.
COLUMNS = ColumnSpec(
    Column("staff_no", "工号", ("职工号", "编号", "教工号", "人员编号"),
           parse=columns.code(max_length=32, too_long="工号过长（最多32个字符）"), default=""),
    Column("name", "姓名", ("教职工姓名", "职工姓名", "困难职工", "帮扶对象"),
           parse=columns.name(max_length=50, too_long="姓名过长（最多50个字）"), default=""),
    Column("department", "部门", ("所在部门", "科室", "处室"), parse=columns.name(), default=""),
    Column("opened_on", "建档日期", ("建档时间", "立档日期", "认定日期", "建档年月"), parse=_date()),
    Column("reason", "致困原因", ("困难原因", "致困原因类型", "困难类型", "困难情况"),
           parse=columns.text(max_length=200, too_long="致困原因过长（最多200字）"), default=""),
    Column("level", "困难程度", ("困难类别", "困难等级", "困难级别", "程度"),
           parse=columns.choice(LEVEL_ALIASES, "困难程度")),
    Column("status", "状态", ("是否脱困", "帮扶状态", "档案状态"), parse=columns.choice(STATUS_ALIASES, "状态")),
    Column("closed_on", "脱困日期", ("脱困时间", "销档日期"), parse=_date()),
    Column("paid_on", "帮扶日期", ("发放日期", "帮扶时间", "发放时间", "日期"), parse=_date()),
    Column("amount", "帮扶金额", ("帮扶金", "金额", "发放金额", "救助金额", "慰问金额"), parse=_amount),
    Column("funding_source", "经费来源", ("资金来源", "列支渠道"), parse=columns.choice(FUNDING_ALIASES, "经费来源"),
           blank=FundingSource.UNION_FUNDS, default=FundingSource.UNION_FUNDS),
    Column("notes", "备注", ("说明",), parse=columns.text(max_length=200, too_long="备注过长（最多200字）"), default=""),
    any_of=(("staff_no", "name"),),
)  # fmt: skip

CASE_LABEL = "困难职工档案"
AID_LABEL = "帮扶记录"
CLOSED_LABEL = "脱困更新"


def _check_dates(row: Row) -> None:
    """The row's own consistency: amount and date together, 已脱困 with its date, dates in order."""
    v = row.values
    if v.get("amount") and not v.get("paid_on") and "paid_on" not in row.error_keys():
        row.error("paid_on", "有帮扶金额时帮扶日期不能为空")
    if v.get("paid_on") and not v.get("amount") and "amount" not in row.error_keys():
        row.error("amount", "有帮扶日期时帮扶金额不能为空")
    if v.get("status") == HardshipCase.Status.CLOSED and not v.get("closed_on") and "closed_on" not in row.error_keys():
        row.error("closed_on", "已脱困的档案要填写脱困日期")
    if v.get("closed_on") and v.get("status") == HardshipCase.Status.OPEN:
        row.error("status", "填写了脱困日期，状态却是帮扶中")
    _check_order(row)


def _check_order(row: Row) -> None:
    """The row's dates in order: 建档 ≤ 帮扶 ≤ 脱困."""
    v = row.values
    opened, closed, paid = v.get("opened_on"), v.get("closed_on"), v.get("paid_on")
    if opened and closed and closed < opened:
        row.error("closed_on", "脱困日期早于建档日期")
    if opened and paid and paid < opened:
        row.error("paid_on", "帮扶日期早于建档日期")
    if closed and paid and paid > closed:
        row.error("paid_on", "帮扶日期晚于脱困日期")


class _RowCheck:
    """Per-row checks: the person (``MemberMatcher``) and the row's dates (``_check_dates``)."""

    def __init__(self, school: Organization):
        self.members = MemberMatcher(school)

    def __call__(self, row: Row) -> None:
        row.values["member"] = self.members.match(row)
        _check_dates(row)
        if row.values.get("closed_on"):
            row.values["status"] = HardshipCase.Status.CLOSED


@dataclass
class _Case:
    """One case of the file: member, 建档日期, the existing record (or None) and what the rows say."""

    member: object
    opened_on: dt.date
    existing: HardshipCase | None = None
    reason: str = ""
    level: str = ""
    closed_on: dt.date | None = None
    first_row: int = 0
    notes: list[str] = field(default_factory=list)
    aids: list[dict] = field(default_factory=list)
    plain_rows: int = 0

    def closes(self) -> bool:
        """Whether importing closes an existing open case."""
        return bool(self.existing and self.closed_on and self.existing.status == HardshipCase.Status.OPEN)


class _Planner:
    """Groups clean rows into cases and payments against what the school already has (three queries),
    appending file-wide errors (the case a row belongs to, conflicting case fields, repeated payments)."""

    def __init__(self, rows: list[dict], headers: dict[str, str], errors: list[RowError]):
        self.rows, self.headers, self.errors = rows, headers, errors
        members = {r["member"].pk for r in rows}
        self.db_cases = list(HardshipCase.objects.filter(member_id__in=members).order_by("opened_on", "pk"))
        self.by_key = {(c.member_id, c.opened_on): c for c in self.db_cases}
        self.cases: dict[tuple[int, dt.date], _Case] = {}
        self.aid_rows: dict[tuple, int] = {}

    def error(self, number: int, key: str, message: str) -> None:
        self.errors.append(RowError(number, self.headers[key], message))

    def _case_key(self, r: dict, file_dates: dict[int, set]) -> tuple | None:
        """The (member pk, 建档日期) a row belongs to, or None with the error recorded."""
        member = r["member"]
        if r.get("opened_on"):
            return member.pk, r["opened_on"]
        dates = file_dates.get(member.pk, set())
        if len(dates) == 1:
            return member.pk, next(iter(dates))
        if len(dates) > 1:
            self.error(r["row"], "opened_on", "建档日期为空，而文件中此人有多份档案，请填写建档日期")
            return None
        open_cases = [c for c in self.db_cases if c.member_id == member.pk and c.status == HardshipCase.Status.OPEN]
        if len(open_cases) != 1:
            why = "没有帮扶中的档案" if not open_cases else f"有 {len(open_cases)} 份帮扶中的档案"
            self.error(r["row"], "opened_on", f"建档日期为空，且{member.name}{why}，请填写建档日期")
            return None
        return member.pk, open_cases[0].opened_on

    def _merge(self, case: _Case, r: dict) -> None:
        """Fold one row's case fields into ``case``; conflicting values are errors (the text is not echoed)."""
        for key, label in (("reason", "致困原因"), ("level", "困难程度"), ("closed_on", "脱困日期")):
            value = r.get(key)
            if not value:
                continue
            if getattr(case, key) and getattr(case, key) != value:
                self.error(r["row"], key, f"同一档案的{label}前后不一致（与第 {case.first_row} 行不同）")
            elif not getattr(case, key):
                setattr(case, key, value)
        if r.get("amount"):
            aid_key = (case.member.pk, case.opened_on, r["paid_on"], r["amount"])
            if aid_key in self.aid_rows:
                self.error(r["row"], "amount", f"与第 {self.aid_rows[aid_key]} 行是同一笔帮扶（同一档案、日期和金额）")
                return
            self.aid_rows[aid_key] = r["row"]
            case.aids.append(r)
        else:
            case.plain_rows += 1
            if r.get("notes") and r["notes"] not in case.notes:
                case.notes.append(r["notes"])

    def _check_case(self, case: _Case) -> None:
        """A new case needs a 致困原因; payments and 脱困 must fall within the case's dates (an existing case's
        own dates when it has them)."""
        existing = case.existing
        if existing is None and not case.reason:
            self.error(case.first_row, "reason", "新建档案要填写致困原因")
        opened = existing.opened_on if existing else case.opened_on
        closed_before = existing is not None and existing.status == HardshipCase.Status.CLOSED
        end = existing.closed_on if closed_before else case.closed_on
        if case.closed_on and case.closed_on < opened:
            self.error(case.first_row, "closed_on", f"脱困日期早于该档案的建档日期 {opened:%Y-%m-%d}")
        for r in case.aids:
            if r["paid_on"] < opened:
                self.error(r["row"], "paid_on", f"帮扶日期早于该档案的建档日期 {opened:%Y-%m-%d}")
            elif end and r["paid_on"] > end:
                self.error(r["row"], "paid_on", f"帮扶日期晚于该档案的脱困日期 {end:%Y-%m-%d}")

    def plan(self) -> list[_Case]:
        file_dates: dict[int, set] = {}
        for r in self.rows:
            if r.get("opened_on"):
                file_dates.setdefault(r["member"].pk, set()).add(r["opened_on"])
        for r in self.rows:
            key = self._case_key(r, file_dates)
            if key is None:
                continue
            if key not in self.cases:
                self.cases[key] = _Case(
                    member=r["member"], opened_on=key[1], existing=self.by_key.get(key), first_row=r["row"]
                )
            self._merge(self.cases[key], r)
        for case in self.cases.values():
            self._check_case(case)
        return list(self.cases.values())


class HardshipImporter(RecordImporter):
    """困难职工帮扶名单 (see the module docstring): chair and committee of a school."""

    kind = ImportBatch.Kind.HARDSHIP
    done_url = "welfare:hardship"
    denied = gettext_lazy("只有学校工会主席和工会委员可以导入困难职工帮扶名单。")
    title = gettext_lazy("导入历史困难职工帮扶名单")
    preview_title = gettext_lazy("困难职工帮扶名单导入预览")
    spec = COLUMNS
    upload_note = gettext_lazy(
        "上传后先逐行检查，确认无误后才会写入；有任何错误时一条也不会写入；已导入过的行会跳过，不会重复。一行一笔帮扶；没有金额的行只建档或标记脱困；新建档案要填写致困原因，已脱困要填写脱困日期。"
    )
    natural_key_help = gettext_lazy(
        "档案按（教职工，建档日期）识别，建档日期为空时归入此人帮扶中的档案；帮扶记录按（档案，帮扶日期，金额）识别，"
        "已有的跳过，不会重复。已有档案的致困原因和困难程度不会被文件改动。"
    )
    template_headers = [
        "序号",
        "工号",
        "姓名",
        "部门",
        "建档日期",
        "致困原因",
        "困难程度",
        "状态",
        "脱困日期",
        "帮扶日期",
        "帮扶金额",
        "经费来源",
        "备注",
    ]
    template_example = [
        1,
        "S0100012",
        "张三",
        "教务处",
        "2022-03-01",
        "（请填写）",
        "一般困难",
        "帮扶中",
        "",
        "2022-09-10",
        2000,
        "工会经费",
        "",
    ]
    template_title = "困难职工帮扶名单模板"
    template_filename = "hardship-template.xlsx"

    def _plan(self, *, school: Organization, data: bytes, filename: str) -> tuple[RecordResult, list[_Case]]:
        """Validate the file and plan the writes: (result with errors/created/skipped/totals, cases)."""
        result = RecordResult()
        try:
            table = COLUMNS.read(data, filename)
        except TableFileError as exc:
            result.file_error = str(exc)
            return result, []
        rows, errors = validate_rows(table, COLUMNS, check=_RowCheck(school))
        headers = {key: table.headers.get(key, COLUMNS.labels[key]) for key in COLUMNS.labels}
        clean = [dict(r.values, row=r.number) for r in rows]
        cases = _Planner(clean, headers, errors).plan()
        result.errors = sorted(errors, key=lambda e: e.row)
        if result.errors:
            return result, []
        result.rows = clean
        self._count(result, cases)
        return result, cases

    @staticmethod
    def _count(result: RecordResult, cases: list[_Case]) -> None:
        """What the import writes (``created``), skips (already present) and the file's totals."""
        existing = [c.existing for c in cases if c.existing]
        present = set(HardshipAid.objects.filter(case__in=existing).values_list("case_id", "paid_on", "amount"))
        result.created = {CASE_LABEL: 0, AID_LABEL: 0, CLOSED_LABEL: 0}
        for case in cases:
            if case.existing is None:
                result.count(CASE_LABEL)
            else:
                if case.closes():
                    result.count(CLOSED_LABEL)
                else:
                    result.skipped += case.plain_rows
                new = [r for r in case.aids if (case.existing.pk, r["paid_on"], r["amount"]) not in present]
                result.skipped += len(case.aids) - len(new)
                case.aids = new
            result.count(AID_LABEL, len(case.aids))
        aid_rows = [r for r in result.rows if r.get("amount")]
        result.totals = {
            "档案数": len(cases),
            "帮扶人次": len(aid_rows),
            "帮扶人数": len({r["member"].pk for r in aid_rows}),
            "帮扶金额": sum((r["amount"] for r in aid_rows), Decimal("0.00")),
        }

    def validate(self, *, school: Organization, data: bytes, filename: str) -> RecordResult:
        """Check the file without writing: ``errors`` (Chinese, by row and column; no 致困原因 text) or the
        planned ``created``/``skipped`` and the file's ``totals`` (人次, 人, yuan as ``Decimal``)."""
        return self._plan(school=school, data=data, filename=filename)[0]

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
        """Validate and, when every row is clean, create the new cases and payments (bulk, payments with their
        history), close the existing open cases the file closes, mark the new records imported with ``batch``
        and audit the import, all in one transaction. Nothing is written with any error or with ``dry_run``."""
        result, cases = self._plan(school=school, data=data, filename=filename)
        if not result.ok or dry_run:
            return result
        new_cases, closed = [], []
        for case in cases:
            if case.existing is None:
                case.existing = HardshipCase(
                    member=case.member,
                    opened_on=case.opened_on,
                    reason=case.reason,
                    level=case.level or HardshipCase.Level.GENERAL,
                    closed_on=case.closed_on,
                    status=HardshipCase.Status.CLOSED if case.closed_on else HardshipCase.Status.OPEN,
                    notes="\n".join(case.notes),
                    recorded_by=acting_user,
                )
                new_cases.append(case.existing)
            elif case.closes():
                case.existing.status, case.existing.closed_on = HardshipCase.Status.CLOSED, case.closed_on
                closed.append(case.existing)
        HardshipCase.objects.bulk_create(new_cases)
        HardshipCase.objects.bulk_update(closed, ["status", "closed_on"])
        aids = [
            HardshipAid(
                case=case.existing,
                paid_on=r["paid_on"],
                amount=r["amount"],
                funding_source=r["funding_source"],
                notes=r["notes"],
            )
            for case in cases
            for r in case.aids
        ]
        aids = (
            bulk_create_with_history(
                aids, HardshipAid, batch_size=1000, default_user=acting_user, default_change_reason="历史导入"
            )
            if aids
            else []
        )
        import_finish(result, kind="hardship", records=[*new_cases, *aids], batch=batch, school=school, filename=filename,
                      acting_user=acting_user, request=request)  # fmt: skip
        return result


IMPORTER = register(HardshipImporter())
