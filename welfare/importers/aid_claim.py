"""理赔名单 (past claims under the school's mutual-aid plans): kind ``aid_claim``.

One row is one claim (``AidClaim``). Read with the shared tolerance; people by 工号 or a name unique in the
school (``MemberMatcher``); the plan by name (``aid_common.PlanMatcher``; an unknown plan is a row error
listing the school's plans, an import never creates a plan).

Imported history is history: a claim comes in with its **final status**, without the claim workflow
(``services.claim_advance`` is not called, nothing is sent). The status:

- 状态 given (``STATUS_ALIASES``: 申请, 已提交, 已赔付, 拒赔 and their spellings) is used; 已赔付 without a
  赔付金额 is paid the 申请金额 (as the portal's "已赔付" button does); a 赔付金额 above zero or a 赔付日期
  with any other status is a row error;
- 状态 blank: 已赔付 when the row has a 赔付金额 above zero or a 赔付日期, else 申请 (still open: the chair
  can move it on in the portal).

申请金额 blank takes the 赔付金额 (a list of payments often has only that); both blank is a row error.
Dates lie between 1990-01-01 and today; a 赔付日期 before the 申请日期 is a row error.

Natural key: **(计划, 申请人, 申请日期, 申请金额)**. A stored claim with that key is skipped (never changed);
the same key twice in one file is a row error (two claims of the same person, plan, day and amount must
differ in one of them).

Privacy: claims under a health plan (``MutualAidPlan.is_health``) are sensitive health information. The
audit entry and the batch summary carry counts and yuan only (件数, 人数, amounts): no member's name, no
备注 and no plan name, so nothing in the audit log says who was ill or with what. The report counts
imported claims like any other (``claimed_on``, ``status``, ``claimed_amount``, ``paid_amount``), and folds
small health-plan counts as it always does.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _
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
from union_portal.lib.tabular import TableFileError

from ..models import AidClaim
from .aid_common import PlanMatcher, past_date, plan_column, who_columns

CREATED_LABEL = "理赔记录"
ZERO = Decimal("0.00")
Status = AidClaim.Status

STATUS_ALIASES: dict[str, list[str]] = {
    Status.APPLIED: ["申请", "已申请", "申请中", "待提交", "未提交", "待审核"],
    Status.SUBMITTED: ["已提交", "提交", "已上报", "上报", "审核中", "待赔付", "办理中"],
    Status.PAID: ["已赔付", "赔付", "已理赔", "已支付", "已到账", "已发放", "已结案", "已赔", "完成"],
    Status.REJECTED: ["拒赔", "已拒赔", "不予赔付", "驳回", "未通过", "不赔"],
}
"""状态 spellings → ``AidClaim.Status``."""

COLUMNS = ColumnSpec(
    *who_columns(),
    plan_column(),
    Column("claimed_on", "申请日期", ("申请时间", "报案日期", "申报日期", "日期"), required=True, parse=past_date(),
           blank_error="申请日期不能为空"),
    Column("claimed_amount", "申请金额", ("申请理赔金额", "申报金额", "理赔申请金额", "申请赔付金额"),
           parse=columns.yuan()),
    Column("paid_amount", "赔付金额", ("实际赔付金额", "实赔金额", "理赔金额", "赔付", "赔款", "赔付款"),
           parse=columns.yuan()),
    Column("paid_on", "赔付日期", ("支付日期", "到账日期", "赔付时间", "结案日期"), parse=past_date()),
    Column("status", "状态", ("理赔状态", "处理状态", "办理状态", "理赔结果", "结果"),
           parse=columns.choice(STATUS_ALIASES, "状态")),
    Column("notes", "备注", ("说明",), parse=columns.text(max_length=2000, too_long="备注过长（最多{max}字）"),
           default=""),
    any_of=(("staff_no", "name"),),
)  # fmt: skip


def settle(row: Row) -> None:
    """Fix ``status``, ``claimed_amount`` and ``paid_amount`` (yuan) of a parsed row (rules in the module
    docstring), recording any contradiction with ``row.error``."""
    values = row.values
    paid, paid_on, status = values.get("paid_amount"), values.get("paid_on"), values.get("status")
    if values.get("claimed_amount") is None:
        if paid is None:
            if "claimed_amount" not in row.error_keys():
                row.error("claimed_amount", "申请金额和赔付金额都为空")
            return
        values["claimed_amount"] = paid
    if status is None:
        status = Status.PAID if (paid or paid_on) else Status.APPLIED
    elif status != Status.PAID and (paid or paid_on):
        row.error("status", f"状态为“{STATUS_ALIASES[status][0]}”，但填写了赔付金额或赔付日期")
    if status == Status.PAID and paid is None:
        paid = values["claimed_amount"]
    if paid_on is not None and values.get("claimed_on") and paid_on < values["claimed_on"]:
        row.error("paid_on", "赔付日期早于申请日期")
    values["status"], values["paid_amount"] = status, paid or ZERO


class _Check:
    """Per-row checks (``columns.validate_rows``): member, plan, status and amounts, no key twice in a file."""

    def __init__(self, school: Organization):
        self.members = MemberMatcher(school)
        self.plans = PlanMatcher(school)
        self.seen: dict[tuple, int] = {}

    def __call__(self, row: Row) -> None:
        values = row.values
        values["row"] = row.number
        values["member"] = self.members.match(row)
        plan = self.plans.match(row)
        settle(row)
        if row.errors or values["member"] is None or plan is None:
            return
        key = natural_key(values)
        if key in self.seen:
            row.error("claimed_on", f"与第 {self.seen[key]} 行重复（同一人、同一计划、同一申请日期和申请金额）")
        else:
            self.seen[key] = row.number


def natural_key(values: dict) -> tuple[int, int, dt.date, Decimal]:
    """(plan pk, member pk, 申请日期, 申请金额 in yuan) of a clean row."""
    return values["plan"].pk, values["member"].pk, values["claimed_on"], values["claimed_amount"]


def _existing(rows: list[dict]) -> set[tuple[int, int, dt.date, Decimal]]:
    """Natural keys of ``rows`` already stored. One query."""
    if not rows:
        return set()
    found = AidClaim.objects.filter(
        plan_id__in={r["plan"].pk for r in rows}, claimed_on__in={r["claimed_on"] for r in rows}
    ).values_list("plan_id", "member_id", "claimed_on", "claimed_amount")
    return {(p, m, d, Decimal(a).quantize(Decimal("0.01"))) for p, m, d, a in found}


def claim_totals(rows: list[dict]) -> dict[str, object]:
    """The file's figures as the report counts them: 理赔件数, 理赔人数 (distinct people), 已赔付件数,
    申请金额 and 赔付金额 (yuan, ``Decimal``). Counts and sums only (nothing names a person or plan)."""
    return {
        "理赔件数": len(rows),
        "理赔人数": len({r["member"].pk for r in rows}),
        "已赔付件数": sum(1 for r in rows if r["status"] == Status.PAID),
        "申请金额（元）": sum((r["claimed_amount"] for r in rows), ZERO),
        "赔付金额（元）": sum((r["paid_amount"] for r in rows), ZERO),
    }


def claim_validate(*, school: Organization, data: bytes, filename: str) -> RecordResult:
    """Check the file without writing.

    Returns a ``RecordResult``: ``rows`` are dicts with ``row``, ``member``, ``plan``, ``claimed_on`` and
    ``paid_on`` (dates; ``paid_on`` may be None), ``claimed_amount`` and ``paid_amount`` (yuan, ``Decimal``),
    ``status`` (``AidClaim.Status``), ``notes`` and ``new`` (False when the natural key is stored: skipped);
    ``totals`` are ``claim_totals`` over the whole file. Raises nothing: an unreadable file is ``file_error``.
    """
    result = RecordResult()
    try:
        table = COLUMNS.read(data, filename)
    except TableFileError as exc:
        result.file_error = str(exc)
        return result
    clean, result.errors = validate_rows(table, COLUMNS, check=_Check(school))
    result.rows = [row.values for row in clean]
    if result.errors:
        return result
    stored = _existing(result.rows)
    for r in result.rows:
        r["new"] = natural_key(r) not in stored
    result.skipped = sum(1 for r in result.rows if not r["new"])
    result.count(CREATED_LABEL, len(result.rows) - result.skipped)
    result.totals = claim_totals(result.rows)
    return result


@transaction.atomic
def claim_import(
    *,
    school: Organization,
    data: bytes,
    filename: str,
    acting_user=None,
    request=None,
    batch: ImportBatch | None = None,
    dry_run: bool = False,
) -> RecordResult:
    """Validate and, when every row is clean, write the new claims with their final status (batched INSERT,
    with their field history), mark them imported with ``batch`` and write one audit entry (counts and yuan
    only), all in one transaction. The claim workflow is not run: no status change is audited one by one,
    nothing is sent. Returns the ``RecordResult`` (``written`` True once committed)."""
    result = claim_validate(school=school, data=data, filename=filename)
    if not result.ok or dry_run:
        return result
    claims = [
        AidClaim(plan=r["plan"], member=r["member"], claimed_on=r["claimed_on"], claimed_amount=r["claimed_amount"],
                 paid_amount=r["paid_amount"], paid_on=r.get("paid_on"), status=r["status"], notes=r["notes"],
                 recorded_by=acting_user)
        for r in result.rows
        if r["new"]
    ]  # fmt: skip
    created = bulk_create_with_history(claims, AidClaim, batch_size=1000, default_user=acting_user,
                                       default_change_reason="历史导入") if claims else []  # fmt: skip
    import_finish(result, kind="aid_claim", records=created, batch=batch, school=school, filename=filename,
                  acting_user=acting_user, request=request)  # fmt: skip
    return result


class AidClaimImporter(RecordImporter):
    """理赔名单 on the shared record-import flow (see the module docstring)."""

    kind = ImportBatch.Kind.AID_CLAIM
    done_url = "welfare:plans"
    denied = _("只有学校工会主席和工会委员可以导入理赔名单。")
    title = _("导入互助保障理赔名单")
    preview_title = _("理赔名单导入预览")
    spec = COLUMNS
    upload_note = _(
        "上传后先逐行检查，确认无误后才会写入；有任何错误时一条也不会写入；已导入过的行会跳过，不会重复。"
        "理赔按文件中的最终状态导入，不走理赔流程；状态空白时，有赔付金额或赔付日期即为已赔付，否则为申请；"
        "申请金额空白时按赔付金额。计划按本校已有计划的名称模糊匹配，不会自动新建。"
        "健康类计划的理赔属敏感信息，审计日志只记件数和金额。"
    )
    natural_key_help = _("同一计划、同一申请人、同一申请日期和申请金额只记一件理赔；已有的理赔跳过，不会修改。")
    template_headers = ["序号", "工号", "姓名", "计划", "申请日期", "申请金额", "赔付金额", "赔付日期", "状态", "备注"]
    template_example = [1, "S0100012", "张三", "住院医疗互助保障", "2023-03-15", 3000, 2400, "2023-04-20", "已赔付", ""]
    template_title = "理赔名单模板"
    template_filename = "aid-claim-template.xlsx"
    validate = staticmethod(claim_validate)
    apply = staticmethod(claim_import)


IMPORTER = register(AidClaimImporter())
