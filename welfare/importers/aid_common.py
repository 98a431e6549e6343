"""What the two mutual-aid importers (``aid_enrolment``, ``aid_claim``) share: the member and plan columns,
the tolerant plan lookup, the year and date parsers and the funding-source aliases.

Plans are never created by an import. A plan's kind, yearly premium and above all ``is_health`` (whether
its claims are sensitive health information) cannot be read off a name in a spreadsheet, and a plan made
with the wrong ``is_health`` would show colleagues' illnesses to people who may not see them. A file naming
a plan the school does not have is therefore a row error that lists the school's plans; the chair creates
the plan on the 互助保障 page (or corrects the name) and uploads again.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from members.models import Organization
from union_portal.lib import columns
from union_portal.lib.columns import Column, Row
from union_portal.lib.tabular import fold

from ..importer import FUNDING_ALIASES
from ..models import FundingSource, MutualAidPlan

EARLIEST = dt.date(1990, 1, 1)
"""No school's mutual-aid records are older than this; an earlier date or year is a typing error."""

PAID_BY_ALIASES: dict[str, list[str]] = {
    **FUNDING_ALIASES,
    FundingSource.OTHER: [*FUNDING_ALIASES[FundingSource.OTHER], "个人", "本人", "个人缴纳", "自费"],
}
"""缴费方/经费来源 spellings → ``FundingSource`` (the ledger's, plus 个人/自费 → 其他: the model has no
"paid by the member" source)."""


def _plausible_day(day: dt.date) -> bool:
    return EARLIEST <= day <= timezone.localdate()


def past_date():
    """``columns.date`` for a day of the past: between 1990-01-01 and today, else a Chinese error."""
    return columns.date(valid=_plausible_day, invalid="日期 {day:%Y-%m-%d} 不在 1990 年至今天之间")


def parse_year(raw: object) -> int | None:
    """A year cell (``2023``, ``2023年``, ``２０２３年度``, 2023.0, or a date: its year) as an int; blank → None.

    Raises ``ValueError`` (Chinese) for text that is not a year or one outside 1990 … next year.
    """
    if raw is None or raw == "":
        return None
    if isinstance(raw, dt.date):
        year = raw.year
    else:
        text = re.sub(r"\s+", "", fold(raw))
        if not text:
            return None
        m = re.fullmatch(r"(\d{4})(?:\.0+)?(?:年度?|年)?", text)
        if not m:
            raise ValueError(f"年度“{text}”无法识别，请写成 2023 的形式")
        year = int(m[1])
    last = timezone.localdate().year + 1
    if not EARLIEST.year <= year <= last:
        raise ValueError(f"年度 {year} 不在 {EARLIEST.year}–{last} 年之间")
    return year


def who_columns() -> tuple[Column, ...]:
    """工号, 姓名 and 部门 (for ``members.matching.MemberMatcher``), all optional: a file needs 工号 or 姓名."""
    return (
        Column("staff_no", "工号", ("职工号", "教工号", "编号", "人员编号"), parse=columns.code(), default=""),
        Column("name", "姓名", ("教职工姓名", "职工姓名", "参保人", "参保人姓名", "申请人", "理赔人"),
               parse=columns.name(), default=""),
        Column("department", "部门", ("所在部门", "科室", "处室"), parse=columns.name(), default=""),
    )  # fmt: skip


PLAN_ALIASES = ("保障项目", "险种", "计划名称", "项目", "项目名称", "参保项目", "保障计划", "互助保障计划",
                "互助项目", "理赔项目")  # fmt: skip


def plan_column() -> Column:
    """计划 (required): the plan's name as the file writes it; ``PlanMatcher`` turns it into the plan."""
    return Column("plan", "计划", PLAN_ALIASES, required=True, parse=columns.name(max_length=100),
                  blank_error="计划不能为空")  # fmt: skip


# Words a file adds to or leaves off a plan's name: "2023年度重大疾病互助保障计划" is "重大疾病".
_YEAR = re.compile(r"\d{4}年度?")
_PUNCT = re.compile(r"[\s()（）\[\]【】“”\"'《》·-]")
_SUFFIXES = ("互助保障计划", "互助保障", "保障计划", "保险计划", "互助保险", "互助金", "保障", "保险", "计划", "项目",
             "互助", "险")  # fmt: skip


def plan_key(text: str) -> str:
    """A plan name reduced for comparison: folded, no year, spaces or brackets, common suffixes dropped."""
    key = _PUNCT.sub("", _YEAR.sub("", fold(text)))
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key, changed = key[: -len(suffix)], True
    return key


class PlanMatcher:
    """The school's mutual-aid plans (one query), matched tolerantly by name.

    ``match(row)`` replaces ``row.values["plan"]`` (the name the file gives) by the ``MutualAidPlan`` or
    records a row error and sets None. Matching, first rule that gives exactly one plan wins: the exact name;
    the reduced names (``plan_key``) equal; one reduced name containing the other; the name naming a plan
    kind (``女职工特殊疾病``) that exactly one plan has. Several candidates at a step are an error listing
    them; no candidate is an error listing the school's plans (plans are never created by an import).
    """

    def __init__(self, school: Organization):
        self.plans = list(MutualAidPlan.objects.filter(organization__path__startswith=school.path).order_by("pk"))
        self.keys = {plan.pk: plan_key(plan.name) for plan in self.plans}
        self._cache: dict[str, list[MutualAidPlan]] = {}

    def candidates(self, text: str) -> list[MutualAidPlan]:
        """The plans ``text`` may name: one plan when unambiguous, several when ambiguous, [] for none."""
        if text not in self._cache:
            self._cache[text] = self._candidates(text)
        return self._cache[text]

    def _candidates(self, text: str) -> list[MutualAidPlan]:
        folded = fold(text)
        exact = [p for p in self.plans if fold(p.name) == folded]
        if exact:
            return exact
        key = plan_key(text)
        if not key:
            return []
        same = [p for p in self.plans if self.keys[p.pk] == key]
        if same:
            return same
        contained = [p for p in self.plans if self.keys[p.pk] and (self.keys[p.pk] in key or key in self.keys[p.pk])]
        if contained:
            return contained
        kinds = {code for code, label in MutualAidPlan.Kind.choices if plan_key(str(label)) in key
                 or key in plan_key(str(label))}  # fmt: skip
        return [p for p in self.plans if p.kind in kinds]

    def listing(self) -> str:
        """The school's plans for an error message (``重大疾病互助、意外伤害互助``)."""
        return "、".join(p.name for p in self.plans)

    def match(self, row: Row) -> MutualAidPlan | None:
        """The plan the row names (see the class docstring), or None with the error on the row."""
        text = row.values.get("plan") or ""
        row.values["plan"] = None
        if not text:
            return None
        found = self.candidates(text)
        if len(found) == 1:
            row.values["plan"] = found[0]
            return found[0]
        if found:
            row.error("plan", f"计划“{text}”可能是：{'、'.join(p.name for p in found)}，请写出完整名称")
        elif not self.plans:
            row.error("plan", "本校还没有互助保障计划，请先在“互助保障”页新建计划再导入")
        else:
            row.error("plan", f"本校没有名为“{text}”的互助保障计划，本校的计划有：{self.listing()}"
                              "（新计划请先在“互助保障”页新建）")  # fmt: skip
        return None
