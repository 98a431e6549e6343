"""Historical welfare ledger import (慰问台账), with the roster import's tolerance.

Reuses ``union_portal.lib.tabular``: title rows, header spellings, full-width digits,
many date forms, ``￥1,200元`` amounts. Members are found by 工号, or by name
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

from members.models import AuditEntry, Member, Organization
from union_portal.lib.audit import audit
from union_portal.lib.tabular import (
    RowError,
    TableFileError,
    clean_name,
    fold,
    match_choice,
    parse_date,
    parse_money,
    read_table,
)

from .models import FundingSource, WelfareVisit
from .services import occasions_for

ALIASES: dict[str, list[str]] = {
    "visited_on": ["日期", "慰问日期", "时间", "慰问时间"],
    "staff_no": ["工号", "职工号", "编号", "教工号"],
    "name": ["姓名", "慰问对象", "教职工姓名", "职工姓名"],
    "department": ["部门", "所在部门", "科室", "处室"],
    "occasion": ["事由", "慰问事由", "慰问类别", "类别", "慰问原因", "原因"],
    "cash_amount": ["慰问金", "金额", "慰问金额", "慰问金(元)", "金额(元)"],
    "gift_description": ["慰问品", "物品"],
    "gift_value": ["慰问品价值", "物品价值", "慰问品金额"],
    "funding_source": ["经费来源", "资金来源", "列支渠道"],
    "notes": ["备注", "说明"],
}
REQUIRED = ("visited_on", "occasion")
LABELS = {"visited_on": "日期", "occasion": "事由", "staff_no": "工号", "name": "姓名"}
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


@dataclass
class ImportResult:
    file_error: str = ""
    errors: list[RowError] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    total: Decimal = Decimal("0")
    written: bool = False

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


def welfare_validate(*, school: Organization, data: bytes, filename: str) -> ImportResult:
    """Check every row without writing; ``errors`` name row, column and problem in Chinese."""
    result = ImportResult()
    try:
        table = read_table(data, filename, ALIASES, REQUIRED, labels=LABELS)
    except TableFileError as exc:
        result.file_error = str(exc)
        return result
    header = table.headers
    if "staff_no" not in header and "name" not in header:
        result.file_error = "缺少必需的列：工号 或 姓名"
        return result
    occasions = list(occasions_for(school))
    members = list(Member.objects.filter(school=school).select_related("department"))
    by_no = {m.staff_no: m for m in members}
    by_name: dict[str, list[Member]] = {}
    for m in members:
        by_name.setdefault(m.name, []).append(m)
    today = timezone.localdate()

    for rownum, raw in table.rows:
        errors: list[RowError] = []

        def err(f: str, message: str, rownum=rownum, errors=errors) -> None:
            errors.append(RowError(rownum, header.get(f, LABELS.get(f, f)), message))

        values: dict = {"row": rownum}
        try:
            day = parse_date(raw.get("visited_on"))
            if day is None:
                err("visited_on", "日期不能为空")
            elif day > today:
                err("visited_on", f"日期 {day:%Y-%m-%d} 晚于今天")
            values["visited_on"] = day
        except ValueError as exc:
            err("visited_on", str(exc))

        staff_no = "".join(fold(raw.get("staff_no")).split()) if "staff_no" in header else ""
        name = clean_name(raw.get("name")) if "name" in header else ""
        member = None
        if staff_no:
            member = by_no.get(staff_no)
            if member is None:
                err("staff_no", f"工号 {staff_no} 不在本校名册中")
            elif name and member.name != name:
                err("name", f"工号 {staff_no} 对应的是{member.name}，不是{name}")
        elif name:
            found = by_name.get(name, [])
            dept = clean_name(raw.get("department")) if "department" in header else ""
            if dept and len(found) > 1:
                found = [m for m in found if m.department and m.department.name == dept]
            if not found:
                err("name", f"名册中没有“{name}”" + ("（该部门）" if dept else ""))
            elif len(found) > 1:
                err("name", f"名册中有 {len(found)} 位“{name}”，请填写工号或部门")
            else:
                member = found[0]
        else:
            err("staff_no" if "staff_no" in header else "name", "工号和姓名不能都为空")
        values["member"] = member

        occasion_text = fold(raw.get("occasion"))
        occasion = match_occasion(occasion_text, occasions)
        if not occasion_text:
            err("occasion", "事由不能为空")
        elif occasion is None:
            err("occasion", f"事由“{occasion_text}”无法识别，可填写：{'、'.join(o.name for o in occasions)}")
        values["occasion"] = occasion

        for f in ("cash_amount", "gift_value"):
            try:
                values[f] = parse_money(raw.get(f)) or Decimal("0") if f in header else Decimal("0")
            except ValueError as exc:
                err(f, str(exc))
        gift = fold(raw.get("gift_description")) if "gift_description" in header else ""
        if len(gift) > 200:
            err("gift_description", "慰问品说明过长（最多200字）")
        values["gift_description"] = gift
        if not errors and not values["cash_amount"] and not values["gift_value"] and not gift:
            err("cash_amount", "慰问金和慰问品都为空")
        try:
            values["funding_source"] = (
                match_choice(raw.get("funding_source"), FUNDING_ALIASES, "经费来源")
                if "funding_source" in header
                else None
            ) or FundingSource.UNION_FUNDS
        except ValueError as exc:
            err("funding_source", str(exc))
        values["notes"] = fold(raw.get("notes")) if "notes" in header else ""

        result.errors.extend(errors)
        if not errors:
            result.rows.append(values)
            result.total += values["cash_amount"] + values["gift_value"]
    return result


@transaction.atomic
def welfare_import(
    *, school: Organization, data: bytes, filename: str, acting_user=None, dry_run: bool = False, request=None
) -> ImportResult:
    """Validate and, when every row is clean, write all visits in one transaction (bulk insert) and audit it."""
    result = welfare_validate(school=school, data=data, filename=filename)
    if not result.ok or dry_run:
        return result
    WelfareVisit.objects.bulk_create(
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
            for r in result.rows
        ],
        batch_size=1000,
    )
    result.written = True
    audit(
        request,
        AuditEntry.Action.IMPORT,
        user=acting_user,
        organization=school,
        summary=f"导入慰问台账 {filename}：{len(result.rows)} 条，合计 {result.total:.2f} 元",
    )
    return result
