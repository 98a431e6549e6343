"""Historical welfare ledger import (慰问台账), with the roster import's tolerance.

Declares its columns for ``union_portal.lib.columns`` (``COLUMNS``), which reads the file with
``union_portal.lib.tabular``: title rows, header spellings, full-width digits, many date forms,
``￥1,200元`` amounts; only the ledger's own checks are here (``_LedgerCheck``). Members are found by 工号, or by name
(plus 部门 when two colleagues share a name). Occasions match tolerantly by
name (``住院``, ``生病住院慰问`` → 生病住院). All-or-nothing: any row error
and nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from members.matching import MemberMatcher
from members.models import AuditEntry, Organization
from union_portal.lib import columns
from union_portal.lib.audit import audit
from union_portal.lib.columns import Column, ColumnSpec, Row, validate_rows
from union_portal.lib.tabular import RowError, TableFileError, fold, parse_money

from .models import FundingSource, WelfareVisit
from .services import occasions_for

FUNDING_ALIASES = {
    FundingSource.UNION_FUNDS: ["工会经费", "工会", "工会会费"],
    FundingSource.SCHOOL_WELFARE: ["学校福利费", "福利费", "学校", "行政"],
    FundingSource.HIGHER_UNION: ["上级工会", "上级", "区工会", "市总工会"],
    FundingSource.OTHER: ["其他", "其它"],
}
OCCASION_WORDS = {
    "hospitalisation": ["住院", "生病", "病"],
    "childbirth": ["生育", "生孩子", "产", "分娩"],
    "marriage": ["结婚", "婚"],
    "relative_death": ["亲属去世", "直系亲属", "父亲去世", "母亲去世", "丧"],
    "member_death": ["本人去世", "抚恤"],
    "hardship": ["困难"],
    "retirement": ["退休"],
    "accident": ["意外"],
    "serious_illness": ["大病", "重病"],
    "elderly": ["重阳", "老同志"],
}


def _not_after_today(day) -> bool:
    return day <= timezone.localdate()


def _amount(raw: object) -> Decimal | None:
    """``tabular.parse_money``; a zero amount counts as blank (the column's ``Decimal("0")``)."""
    return parse_money(raw) or None


ZERO = Decimal("0")
# Validation order is the order errors are listed within a row.
COLUMNS = ColumnSpec(
    Column("visited_on", "日期", ("慰问日期", "时间", "慰问时间"), required=True,
           parse=columns.date(valid=_not_after_today, invalid="日期 {day:%Y-%m-%d} 晚于今天"), blank_error="日期不能为空"),
    Column("staff_no", "工号", ("职工号", "编号", "教工号"), parse=columns.code(), default=""),
    Column("name", "姓名", ("慰问对象", "教职工姓名", "职工姓名"), parse=columns.name(), default=""),
    Column("department", "部门", ("所在部门", "科室", "处室"), parse=columns.name(), default=""),
    Column("occasion", "事由", ("慰问事由", "慰问类别", "类别", "慰问原因", "原因"), required=True,
           blank_error="事由不能为空"),
    Column("cash_amount", "慰问金", ("金额", "慰问金额", "慰问金(元)", "金额(元)"), parse=_amount, blank=ZERO, default=ZERO),
    Column("gift_value", "慰问品价值", ("物品价值", "慰问品金额"), parse=_amount, blank=ZERO, default=ZERO),
    Column("gift_description", "慰问品", ("物品",),
           parse=columns.text(max_length=200, too_long="慰问品说明过长（最多200字）"), default=""),
    Column("funding_source", "经费来源", ("资金来源", "列支渠道"), parse=columns.choice(FUNDING_ALIASES, "经费来源"),
           blank=FundingSource.UNION_FUNDS, default=FundingSource.UNION_FUNDS),
    Column("notes", "备注", ("说明",), default=""),
    any_of=(("staff_no", "name"),),
)  # fmt: skip
ALIASES: dict[str, list[str]] = COLUMNS.aliases()


@dataclass
class ImportResult:
    """Outcome of a ledger import or its preview: ``errors`` by row and column (nothing written
    when any), clean ``rows`` (dicts, see ``welfare_validate``) and their ``total`` in yuan."""

    file_error: str = ""
    errors: list[RowError] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    total: Decimal = Decimal("0")
    written: bool = False
    skipped: int = 0
    """Rows already in the ledger by the natural key (see ``welfare_import``): not written again."""

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors

    def as_summary(self) -> dict:
        return {
            "file_error": self.file_error,
            "errors": [e.as_dict() for e in self.errors],
            "rows": len(self.rows),
            "total": str(self.total),
            "written": self.written,
            "skipped": self.skipped,
        }


def match_occasion(text: str, occasions: list) -> object | None:
    """Exact name, then name contained either way, then keyword → code."""
    key = re.sub(r"[\s慰问金品]", "", fold(text))
    if not key:
        return None
    by_name = {re.sub(r"[\s慰问]", "", o.name): o for o in occasions}
    if key in by_name:
        return by_name[key]
    for name, o in by_name.items():
        if name and (name in key or key in name):
            return o
    by_code = {o.code: o for o in occasions}
    for code, words in OCCASION_WORDS.items():
        if code in by_code and any(w in key for w in words):
            return by_code[code]
    return None


class _LedgerCheck:
    """The ledger's domain checks on a parsed row (``columns.validate_rows`` calls it per row).

    The member is found by 工号 (and must carry the 姓名 given), else by 姓名, narrowed by 部门
    when colleagues share a name; the 事由 must name one of the school's occasions; a row must
    give money or a gift.
    """

    def __init__(self, school: Organization):
        self.occasions = list(occasions_for(school))
        self.members = MemberMatcher(school)

    def __call__(self, row: Row) -> None:
        values = row.values
        values["row"] = row.number
        values["member"] = self.members.match(row)
        occasion_text = values.get("occasion", "")
        values["occasion"] = match_occasion(occasion_text, self.occasions)
        if occasion_text and values["occasion"] is None:
            row.error("occasion", f"事由“{occasion_text}”无法识别，可填写：{'、'.join(o.name for o in self.occasions)}")
        # Checked before the funding source is looked at, as the ledger always was.
        if not (row.error_keys() - {"funding_source"}) and not (
            values["cash_amount"] or values["gift_value"] or values["gift_description"]
        ):
            row.error("cash_amount", "慰问金和慰问品都为空")


def welfare_validate(*, school: Organization, data: bytes, filename: str) -> ImportResult:
    """Check every row without writing (``COLUMNS``, then ``_LedgerCheck``).

    ``errors`` name row, column and problem in Chinese; ``rows`` are dicts with ``row``,
    ``visited_on``, ``member``, ``occasion``, ``cash_amount`` and ``gift_value`` (yuan,
    ``Decimal``), ``gift_description``, ``funding_source`` and ``notes``; ``total`` is their
    money and gift value in yuan.
    """
    result = ImportResult()
    try:
        table = COLUMNS.read(data, filename)
    except TableFileError as exc:
        result.file_error = str(exc)
        return result
    rows, result.errors = validate_rows(table, COLUMNS, check=_LedgerCheck(school))
    for row in rows:
        result.rows.append(row.values)
        result.total += row.values["cash_amount"] + row.values["gift_value"]
    return result


def visit_key(member_id: int, occasion_id: int, visited_on, cash_amount: Decimal, gift_value: Decimal) -> tuple:
    """The ledger's natural key: one visit per member, occasion, day, money and gift value (yuan, two places)."""
    return (
        member_id,
        occasion_id,
        visited_on,
        Decimal(cash_amount).quantize(Decimal("0.01")),
        Decimal(gift_value).quantize(Decimal("0.01")),
    )


def _existing_keys(school: Organization, rows: list[dict]) -> set[tuple]:
    """Natural keys of the school's visits on the files' days (one query)."""
    days = {r["visited_on"] for r in rows}
    found = WelfareVisit.objects.filter(school=school, visited_on__in=days).values_list(
        "member_id", "occasion_id", "visited_on", "cash_amount", "gift_value"
    )
    return {visit_key(*v) for v in found}


@transaction.atomic
def welfare_import(
    *,
    school: Organization,
    data: bytes,
    filename: str,
    acting_user=None,
    dry_run: bool = False,
    request=None,
    batch=None,
) -> ImportResult:
    """Validate and, when every row is clean, write the new visits in one transaction (bulk insert) and audit it.

    Natural key (``visit_key``): member, occasion, 慰问日期, 慰问金 and 慰问品价值. A row whose key is already in
    the ledger (an earlier import of the same file, or the visit entered by hand) is skipped and counted in
    ``skipped``; ``total`` stays the file's total. The written visits are marked with ``batch`` (provenance).
    """
    from union_portal.lib.record_imports import mark_imported

    result = welfare_validate(school=school, data=data, filename=filename)
    if not result.ok or dry_run:
        return result
    existing = _existing_keys(school, result.rows)
    new_rows = []
    for r in result.rows:
        key = visit_key(r["member"].pk, r["occasion"].pk, r["visited_on"], r["cash_amount"], r["gift_value"])
        if key in existing:
            result.skipped += 1
            continue
        existing.add(key)
        new_rows.append(r)
    visits = WelfareVisit.objects.bulk_create(
        [
            WelfareVisit(
                member=r["member"],
                occasion=r["occasion"],
                visited_on=r["visited_on"],
                cash_amount=r["cash_amount"],
                gift_description=r["gift_description"],
                gift_value=r["gift_value"],
                funding_source=r["funding_source"],
                notes=r["notes"] or "历史台账导入",
                recorded_by=acting_user,
            )
            for r in new_rows
        ],
        batch_size=1000,
    )
    mark_imported(batch, visits)
    result.written = True
    where = f"（批次 #{batch.pk}）" if batch is not None else ""
    skipped = f"，已存在跳过 {result.skipped} 条" if result.skipped else ""
    audit(
        request,
        AuditEntry.Action.IMPORT,
        batch,
        user=acting_user,
        organization=school,
        summary=f"导入慰问台账 {filename}{where}：新增 {len(new_rows)} 条{skipped}，文件合计 {result.total:.2f} 元",
    )
    return result
