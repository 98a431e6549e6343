"""体检名单 importer (kind ``health_check``): past health-check lists into ``HealthCheckCampaign`` and
``HealthCheckParticipant``.

One row is one person on one campaign's list. The campaign is named per row (年度, 名称, 体检日期,
体检机构, 人均费用) or not at all: the year falls back to the 体检日期's year, the name to
"<年度>年教职工健康体检" (the portal's own default name), the campaign's date to the earliest 体检日期 of its
rows. Rows with the same (年度, 名称) form one campaign.

Natural keys (a re-import creates nothing twice):

- campaign: (school, 年度, 名称) — an existing campaign of the school with that year and name is reused
  as it is (its date, provider and cost are not changed);
- participant: (campaign, member) — a person already on that campaign's list is skipped (counted in
  ``skipped``); the same person twice on one campaign in the file is a row error.

Health data is sensitive (DOMAIN.md, privacy): the portal keeps who was on the list, whether they took
part and whether they had the women's check — never a result. A file with a column that looks like
results (体检结果, 诊断, 结论, 异常 …) is refused as a whole (a file error naming the columns), so a
diagnosis is never read, stored in a batch summary or shown. Other unknown columns (序号, 备注 …) are
ignored. The import is audited (``audit_import``: counts and file totals only).

Imported history writes no notice, reminder or e-mail (the portal's campaign creation sends none
either); participants come in with the 是否参检 the file gives (default 是, attended).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from members.matching import MemberMatcher
from members.models import Gender, ImportBatch, Organization
from members.roster import GENDER_ALIASES
from union_portal.lib import columns
from union_portal.lib.columns import Column, ColumnSpec, Row, validate_rows
from union_portal.lib.record_imports import (
    RecordImporter,
    RecordResult,
    import_finish,
    register,
)
from union_portal.lib.tabular import RowError, TableFileError, fold

from ..models import HealthCheckCampaign, HealthCheckParticipant

ATTENDED_ALIASES = {
    "yes": ["是", "已参检", "已体检", "已检", "参检", "参加", "y", "1", "true", "√"],
    "no": ["否", "未参检", "未体检", "未检", "缺检", "未参加", "放弃", "n", "0", "false", "×"],
}
# Words that mark a column holding examination results (never imported; the file is refused).
RESULT_WORDS = ("结果", "诊断", "结论", "异常", "疾病", "病史", "病情", "阳性", "检出", "报告", "复查", "医嘱", "建议")
FIRST_YEAR = 1990


def _not_after_today(day: dt.date) -> bool:
    return dt.date(FIRST_YEAR, 1, 1) <= day <= timezone.localdate()


def _year(raw: object) -> int | None:
    """``2023``, ``2023年``, ``2023年度``, ``２０２３`` → 2023; blank → None; raises ``ValueError`` (Chinese)."""
    text = re.sub(r"\s+", "", fold(raw))
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})(?:\.0+)?(?:年度?)?", text)
    if not m:
        raise ValueError(f"年度“{text}”无法识别，请写成 2023 的形式")
    year = int(m[1])
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise ValueError(f"年度 {year} 超出合理范围")
    return year


# Validation order is the order errors are listed within a row.
COLUMNS = ColumnSpec(
    Column("year", "年度", ("年份", "体检年度"), parse=_year),
    Column("campaign", "名称", ("体检名称", "体检项目", "项目名称", "体检批次", "体检活动"),
           parse=columns.text(max_length=100, too_long="名称过长（最多100字）"), default=""),
    Column("held_on", "体检日期", ("体检时间", "检查日期", "日期"),
           parse=columns.date(valid=_not_after_today, invalid="体检日期 {day:%Y-%m-%d} 超出合理范围（不能晚于今天）")),
    Column("provider", "体检机构", ("体检医院", "体检单位", "医院", "机构"),
           parse=columns.text(max_length=100, too_long="体检机构过长（最多100字）"), default=""),
    Column("cost_per_person", "人均费用", ("人均标准", "体检标准", "人均"), parse=columns.yuan()),
    Column("staff_no", "工号", ("职工号", "编号", "教工号", "人员编号"),
           parse=columns.code(max_length=32, too_long="工号过长（最多32个字符）"), default=""),
    Column("name", "姓名", ("教职工姓名", "职工姓名", "参检人", "参检人员"),
           parse=columns.name(max_length=50, too_long="姓名过长（最多50个字）"), default=""),
    Column("department", "部门", ("所在部门", "科室", "处室"), parse=columns.name(), default=""),
    Column("gender", "性别", parse=columns.choice(GENDER_ALIASES, "性别")),
    Column("womens_check", "女职工专项", ("妇科", "妇科检查", "女职工专项检查", "女工专项", "女职工专项体检", "两癌筛查"),
           parse=columns.yes_no("女职工专项"), blank=False, default=False),
    Column("attended", "是否参检", ("已体检", "是否体检", "已参检", "参检", "参检情况", "体检情况"),
           parse=columns.choice(ATTENDED_ALIASES, "是否参检"), blank="yes", default="yes"),
    Column("cost", "费用", ("体检费", "体检费用", "金额"), parse=columns.yuan()),
    any_of=(("staff_no", "name"), ("held_on", "year"),),
)  # fmt: skip

CAMPAIGN_LABEL = "体检"
PARTICIPANT_LABEL = "参检名单"


def default_name(year: int) -> str:
    """The campaign name a file without 名称 gets: the portal's own default, ``2023年教职工健康体检``."""
    return f"{year}年教职工健康体检"


class _RowCheck:
    """Per-row checks: the person (``MemberMatcher``), 性别 against the roll, the women's check only for
    women, and a campaign key (年度 from the column or the 体检日期)."""

    def __init__(self, school: Organization):
        self.members = MemberMatcher(school)
        self.gender_labels = dict(Gender.choices)

    def __call__(self, row: Row) -> None:
        values = row.values
        gender = values.pop("gender", None)
        member = self.members.match(row)
        values["member"] = member
        values["attended"] = values["attended"] == "yes"
        if member is not None:
            if gender and member.gender and gender != member.gender:
                row.error("gender", f"性别与名册不符（名册中{member.name}为{self.gender_labels[member.gender]}）")
            if values["womens_check"] and (gender or member.gender) == Gender.MALE:
                row.error("womens_check", "男职工不能有女职工专项检查")
        held_on = values.get("held_on")
        year = values.get("year") or (held_on.year if held_on else None)
        if year is None and not row.error_keys() & {"year", "held_on"}:
            row.error("held_on", "体检日期和年度至少要填一项")
        values["year"] = year
        values["campaign"] = values.get("campaign") or (default_name(year) if year else "")


@dataclass
class _Campaign:
    """One campaign of the file: its key, the existing record (or None), its rows and what they say."""

    year: int
    name: str
    existing: HealthCheckCampaign | None = None
    rows: list[dict] = field(default_factory=list)
    dates: list[dt.date] = field(default_factory=list)
    providers: list[str] = field(default_factory=list)
    cost_per_person: Decimal | None = None
    cost_row: int = 0
    costs: list[Decimal] = field(default_factory=list)

    def cost(self) -> Decimal:
        """人均费用: the column when given, else the mean of the rows' 费用 (yuan, two places), else 0."""
        if self.cost_per_person is not None:
            return self.cost_per_person
        if self.costs:
            return (sum(self.costs, Decimal(0)) / len(self.costs)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        return Decimal(0)


def _result_columns(unknown_headers: list[str]) -> list[str]:
    return [h for h in unknown_headers if any(word in h for word in RESULT_WORDS)]


class HealthCheckImporter(RecordImporter):
    """体检名单 (see the module docstring): chair and committee of a school."""

    kind = ImportBatch.Kind.HEALTH_CHECK
    done_url = "welfare:healthchecks"
    denied = gettext_lazy("只有学校工会主席和工会委员可以导入体检名单。")
    title = gettext_lazy("导入历史体检名单")
    preview_title = gettext_lazy("体检名单导入预览")
    spec = COLUMNS
    upload_note = gettext_lazy(
        "上传后先逐行检查，确认无误后才会写入；有任何错误时一条也不会写入；已导入过的行会跳过，不会重复。没有“名称”列时按“<年度>年教职工健康体检”归为一次体检；“是否参检”空白为是。不导入体检结果：含“体检结果”“诊断”“结论”“异常”等列的文件会被拒绝，请删除这些列后再上传。"
    )
    natural_key_help = gettext_lazy(
        "同一学校的（年度，名称）是同一次体检，已有的体检沿用不改；同一次体检中已在名单上的人跳过，不会重复。"
    )
    template_headers = [
        "序号",
        "年度",
        "名称",
        "体检日期",
        "体检机构",
        "人均费用",
        "工号",
        "姓名",
        "部门",
        "性别",
        "女职工专项",
        "是否参检",
        "费用",
    ]
    template_example = [
        1,
        2023,
        "2023年教职工健康体检",
        "2023-05-20",
        "区人民医院体检中心",
        500,
        "S0100012",
        "张三",
        "教务处",
        "女",
        "是",
        "是",
        500,
    ]
    template_title = "体检名单模板"
    template_filename = "health-check-template.xlsx"

    # --- validation -------------------------------------------------------------------------

    def _plan(self, *, school: Organization, data: bytes, filename: str) -> tuple[RecordResult, list[_Campaign]]:
        """Validate the file and plan the writes: (result with errors/rows/created/skipped/totals, campaigns)."""
        result = RecordResult()
        try:
            table = COLUMNS.read(data, filename)
        except TableFileError as exc:
            result.file_error = str(exc)
            return result, []
        results = _result_columns(table.unknown_headers)
        if results:
            result.file_error = (
                f"文件中有体检结果类的列（{'、'.join(results)}）。体检结果属于敏感健康信息，"
                "本系统不保存，请删除这些列后再上传。"
            )
            return result, []
        rows, errors = validate_rows(table, COLUMNS, check=_RowCheck(school))
        headers = {key: table.headers.get(key, COLUMNS.labels[key]) for key in COLUMNS.labels}
        campaigns = self._group(school, [(r.number, r.values) for r in rows], headers, errors)
        result.errors = sorted(errors, key=lambda e: e.row)
        if result.errors:
            return result, []
        result.rows = [dict(r.values, row=r.number) for r in rows]
        self._count(result, campaigns)
        return result, campaigns

    @staticmethod
    def _group(school, rows: list[tuple[int, dict]], headers: dict, errors: list[RowError]) -> list[_Campaign]:
        """Rows by campaign (年度, 名称), with the file-wide checks: one person once per campaign, one 人均费用
        per campaign, a date for every new campaign. Errors are appended to ``errors``."""
        campaigns: dict[tuple[int, str], _Campaign] = {}
        seen: dict[tuple[int, str, int], int] = {}
        for number, v in rows:
            camp = campaigns.setdefault((v["year"], v["campaign"]), _Campaign(v["year"], v["campaign"]))
            key = (v["year"], v["campaign"], v["member"].pk)
            if key in seen:
                errors.append(
                    RowError(number, headers["name"], f"与第 {seen[key]} 行是同一人（同一次体检只能出现一次）")
                )
                continue
            seen[key] = number
            camp.rows.append(dict(v, row=number))
            if v.get("held_on"):
                camp.dates.append(v["held_on"])
            if v.get("provider") and v["provider"] not in camp.providers:
                camp.providers.append(v["provider"])
            if v.get("cost") is not None:
                camp.costs.append(v["cost"])
            if v.get("cost_per_person") is not None:
                if camp.cost_per_person is None:
                    camp.cost_per_person, camp.cost_row = v["cost_per_person"], number
                elif camp.cost_per_person != v["cost_per_person"]:
                    errors.append(
                        RowError(
                            number,
                            headers["cost_per_person"],
                            f"同一次体检的人均费用前后不一致（第 {camp.cost_row} 行为 {camp.cost_per_person}）",
                        )
                    )
        existing = {
            (c.year, c.name): c
            for c in HealthCheckCampaign.objects.filter(
                organization=school, year__in={k[0] for k in campaigns}, name__in={k[1] for k in campaigns}
            )
        }
        for key, camp in campaigns.items():
            camp.existing = existing.get(key)
            if camp.existing is None and not camp.dates and camp.rows:
                errors.append(
                    RowError(
                        camp.rows[0]["row"], headers["held_on"], f"“{camp.name}”是新的体检，至少要有一行填写体检日期"
                    )
                )
            if camp.existing is None and len("、".join(camp.providers)) > 100:
                errors.append(RowError(camp.rows[0]["row"], headers["provider"], "同一次体检的体检机构合起来超过100字"))
        return list(campaigns.values())

    @staticmethod
    def _count(result: RecordResult, campaigns: list[_Campaign]) -> None:
        """What the import writes (``created``), skips (already on the list) and the file's totals."""
        present = set(
            HealthCheckParticipant.objects.filter(
                campaign__in=[c.existing for c in campaigns if c.existing]
            ).values_list("campaign_id", "member_id")
        )
        for camp in campaigns:
            if camp.existing is None:
                result.count(CAMPAIGN_LABEL)
            new = [r for r in camp.rows if not camp.existing or (camp.existing.pk, r["member"].pk) not in present]
            camp.rows = new
            result.count(PARTICIPANT_LABEL, len(new))
        result.skipped = len(result.rows) - result.created.get(PARTICIPANT_LABEL, 0)
        rows = result.rows
        result.totals = {
            "体检次数": len(campaigns),
            "名单人次": len(rows),
            "名单人数": len({r["member"].pk for r in rows}),
            "已参检人次": sum(1 for r in rows if r["attended"]),
            "女职工专项人次": sum(1 for r in rows if r["womens_check"]),
        }
        costs = [r["cost"] for r in rows if r.get("cost") is not None]
        if costs:
            result.totals["费用合计"] = sum(costs, Decimal(0))

    def validate(self, *, school: Organization, data: bytes, filename: str) -> RecordResult:
        """Check the file without writing: ``errors`` (Chinese, by row and column) or the planned
        ``created``/``skipped`` and the file's ``totals`` (人次, 人, yuan as ``Decimal``)."""
        return self._plan(school=school, data=data, filename=filename)[0]

    # --- writing ----------------------------------------------------------------------------

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
        """Validate and, when every row is clean, create the new campaigns and participants in one
        transaction (bulk inserts), mark them imported with ``batch`` and audit the import. Nothing is
        written with any error or with ``dry_run``. No notice, reminder or e-mail is sent."""
        result, campaigns = self._plan(school=school, data=data, filename=filename)
        if not result.ok or dry_run:
            return result
        new_campaigns = []
        for camp in campaigns:
            if camp.existing is None:
                camp.existing = HealthCheckCampaign(
                    organization=school,
                    year=camp.year,
                    name=camp.name,
                    held_on=min(camp.dates),
                    provider="、".join(camp.providers),
                    cost_per_person=camp.cost(),
                )
                new_campaigns.append(camp.existing)
        HealthCheckCampaign.objects.bulk_create(new_campaigns)
        participants = HealthCheckParticipant.objects.bulk_create(
            [
                HealthCheckParticipant(
                    campaign=camp.existing, member=r["member"], womens_check=r["womens_check"], attended=r["attended"]
                )
                for camp in campaigns
                for r in camp.rows
            ],
            batch_size=1000,
        )
        import_finish(result, kind="health_check", records=[*new_campaigns, *participants], batch=batch, school=school, filename=filename,
                      acting_user=acting_user, request=request)  # fmt: skip
        return result


IMPORTER = register(HealthCheckImporter())
