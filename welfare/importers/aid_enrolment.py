"""参保名单 (enrolment lists of the school's mutual-aid plans): kind ``aid_enrolment``.

One row is one member enrolled in one plan for one year (``PlanEnrollment``). The file is read with the
shared tolerance (title rows, merged cells, header aliases, full-width digits, ``1,200.00``/``120元``);
people are matched by 工号, or by a name unique in the school (``members.matching.MemberMatcher``); the plan
by name, tolerantly (``aid_common.PlanMatcher``: contained either way, an unknown plan is a row error
listing the school's plans: an import never creates a plan, see ``aid_common``).

Natural key: **(计划, 参保人, 年度)** — the model's unique constraint. A row whose key is already stored is
skipped (counted in ``skipped``), whatever its 费用 or 缴费方: a re-import never changes or duplicates an
enrolment (a correction is made on the member's 参保记录 page). The same key twice in one file is a row error.

Blank 费用 takes the plan's yearly premium (as the portal's 新建计划 does); blank 缴费方 is 工会经费.
Imported enrolments are plain ``PlanEnrollment`` rows: the report's ``plans``/``plans_total`` (参保人次 by
``year``, 参保人数, 保费) count them exactly like enrolments entered in the portal.
"""

from __future__ import annotations

from decimal import Decimal

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

from ..models import FundingSource, PlanEnrollment
from .aid_common import PAID_BY_ALIASES, PlanMatcher, parse_year, plan_column, who_columns

CREATED_LABEL = "参保记录"

COLUMNS = ColumnSpec(
    *who_columns(),
    plan_column(),
    Column("year", "年度", ("参保年度", "保障年度", "年份"), required=True, parse=parse_year,
           blank_error="年度不能为空"),
    Column("premium", "费用", ("缴费金额", "保费", "金额", "缴费", "参保费用", "费用(元)"), parse=columns.yuan()),
    Column("paid_by", "缴费方", ("经费来源", "缴费方式", "资金来源", "缴费来源", "列支渠道"),
           parse=columns.choice(PAID_BY_ALIASES, "缴费方"), blank=FundingSource.UNION_FUNDS,
           default=FundingSource.UNION_FUNDS),
    any_of=(("staff_no", "name"),),
)  # fmt: skip


class _Check:
    """Per-row checks (``columns.validate_rows``): member, plan, the premium default, no key twice in a file."""

    def __init__(self, school: Organization):
        self.members = MemberMatcher(school)
        self.plans = PlanMatcher(school)
        self.seen: dict[tuple[int, int, int], int] = {}

    def __call__(self, row: Row) -> None:
        values = row.values
        values["row"] = row.number
        values["member"] = self.members.match(row)
        plan = self.plans.match(row)
        if values.get("premium") is None and plan is not None:
            values["premium"] = plan.premium
        if values["member"] is None or plan is None or values.get("year") is None:
            return
        key = (plan.pk, values["member"].pk, values["year"])
        if key in self.seen:
            row.error("plan", f"与第 {self.seen[key]} 行重复（同一人、同一计划、同一年度只能参保一次）")
        else:
            self.seen[key] = row.number


def _existing(rows: list[dict]) -> set[tuple[int, int, int]]:
    """Natural keys (plan pk, member pk, year) of ``rows`` already stored. One query."""
    if not rows:
        return set()
    return set(
        PlanEnrollment.objects.filter(
            plan_id__in={r["plan"].pk for r in rows}, year__in={r["year"] for r in rows}
        ).values_list("plan_id", "member_id", "year")
    )


def enrolment_validate(*, school: Organization, data: bytes, filename: str) -> RecordResult:
    """Check the file without writing.

    Returns a ``RecordResult``: ``rows`` are dicts with ``row`` (spreadsheet row), ``member``, ``plan``
    (``MutualAidPlan``), ``year`` (int), ``premium`` (yuan, ``Decimal``), ``paid_by`` (``FundingSource``) and
    ``new`` (False when the natural key is stored: skipped); ``created`` the enrolments to write, ``skipped``
    the rows already stored; ``totals`` the whole file's 参保人次, 参保人数 (distinct people) and 费用合计
    (yuan), stored or not. Raises nothing: an unreadable file is ``file_error``.
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
        r["new"] = (r["plan"].pk, r["member"].pk, r["year"]) not in stored
    result.skipped = sum(1 for r in result.rows if not r["new"])
    result.count(CREATED_LABEL, len(result.rows) - result.skipped)
    result.totals = {
        "参保人次": len(result.rows),
        "参保人数": len({r["member"].pk for r in result.rows}),
        "费用合计（元）": sum((r["premium"] for r in result.rows), Decimal("0.00")),
    }
    return result


@transaction.atomic
def enrolment_import(
    *,
    school: Organization,
    data: bytes,
    filename: str,
    acting_user=None,
    request=None,
    batch: ImportBatch | None = None,
    dry_run: bool = False,
) -> RecordResult:
    """Validate and, when every row is clean, write the new enrolments (one batched INSERT), mark them
    imported with ``batch`` and write one audit entry, all in one transaction. Returns the ``RecordResult``
    (``written`` True once committed). No notice or reminder is sent: enrolment has no live workflow."""
    result = enrolment_validate(school=school, data=data, filename=filename)
    if not result.ok or dry_run:
        return result
    created = PlanEnrollment.objects.bulk_create(
        [
            PlanEnrollment(plan=r["plan"], member=r["member"], year=r["year"], premium=r["premium"],
                           paid_by=r["paid_by"])
            for r in result.rows
            if r["new"]
        ],
        batch_size=1000,
    )  # fmt: skip
    import_finish(result, kind="aid_enrolment", records=created, batch=batch, school=school, filename=filename,
                  acting_user=acting_user, request=request)  # fmt: skip
    return result


class AidEnrolmentImporter(RecordImporter):
    """参保名单 on the shared record-import flow (see the module docstring)."""

    kind = ImportBatch.Kind.AID_ENROLMENT
    done_url = "welfare:plans"
    denied = _("只有学校工会主席和工会委员可以导入参保名单。")
    title = _("导入互助保障参保名单")
    preview_title = _("参保名单导入预览")
    spec = COLUMNS
    upload_note = _(
        "上传后先逐行检查，确认无误后才会写入；有任何错误时一条也不会写入；已导入过的行会跳过，不会重复。"
        "计划按本校已有计划的名称模糊匹配（如“重大疾病”），不会自动新建计划；费用空白时按计划的每人每年费用；"
        "缴费方空白为工会经费。"
    )
    natural_key_help = _("同一计划、同一教职工、同一年度只记一次参保；已有的参保记录跳过，不会修改。")
    template_headers = ["序号", "部门", "工号", "姓名", "计划", "年度", "费用", "缴费方"]
    template_example = [1, "教务处", "S0100012", "张三", "重大疾病互助保障", 2023, 60, "工会经费"]
    template_title = "参保名单模板"
    template_filename = "aid-enrolment-template.xlsx"
    validate = staticmethod(enrolment_validate)
    apply = staticmethod(enrolment_import)


IMPORTER = register(AidEnrolmentImporter())
