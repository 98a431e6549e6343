"""Import of past festival distribution sign-off lists (节日慰问品发放签领表).

A school's sheet looks like::

    2025年中秋节慰问品发放签领表                    ← title row(s), may be merged across the columns
    序号 | 部门 | 工号 | 姓名 | 物品 | 金额(元) | 签名 | 备注
    1    | 教务处 | T001 | 王芳 | 月饼 | 200 | 王芳 |

One file may hold one distribution or several: the optional columns 节日, 发放日期 and 名称 say which
distribution a row belongs to, and rows with the same (节日, 发放日期, 名称) form one
``FestivalDistribution``; every row is one ``DistributionRecipient`` (one 人次) whose ``value`` is the
row's amount in yuan.

Fallbacks, row by row (a blank cell in a vertically merged column reads as blank):

- **节日**: the cell (matched through ``FESTIVAL_WORDS``: 春节/新春, 中秋/月饼, 三八/妇女节, 端午, 送清凉/防暑,
  国庆, 重阳, 元旦, 元宵, 生日; 教师节, 五一, 冬至 … and any other "…节" are ``other``), else the row above's,
  else the festival named in the rows above the header (the title "2025年中秋节慰问品发放签领表"), else an error.
- **发放日期**: the cell, else the row above's when it is the same festival, else a full date written above the
  header ("发放日期：2025年9月10日"), else an error. A date after today is an error.
- **名称**: the cell, else the row above's when it is the same festival and date, else
  ``<year>年<festival>慰问品发放`` (``2025年中秋节慰问品发放``; for ``other`` the festival as written, 教师节).
- **物品** and **金额**: the cell, else the row above's within the same distribution (merged cells); a
  distribution's ``item`` is its most common 物品 (``<festival>慰问品`` when none), its ``value_per_person`` its
  most common amount.
- **合计 and footer lines** (合计/小计/经办人/审核人 … without 工号 or a real 姓名) and numbered empty lines
  (only 序号 filled) are not recipients and are left out.
- **签名/签领**: imported history is finished, so a recipient counts as signed (签领) unless the cell says
  否/×/未领/未签 (or 备注 says 未领/未签).

**Natural key.** A distribution is (school, 节日, 发放日期, 名称) — an existing one (imported or entered in the
portal) is reused, never duplicated; a recipient is (distribution, member) — a row whose member is already a
recipient of that distribution is skipped (counted in ``skipped``). The same member twice in one distribution
of the file is a row error. Nothing of the live workflow runs: no spending-cap warnings, notices or per
distribution audit entries, only the import's own audit entry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

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
from union_portal.lib.tabular import TableFileError, fold

from ..importer import FUNDING_ALIASES
from ..models import DistributionRecipient, Festival, FestivalDistribution, FundingSource

# Words that name a festival in a 节日 cell or a title row, by ``Festival`` code. The earliest word in the
# text wins (中秋国庆双节 → 中秋).
FESTIVAL_WORDS: dict[str, tuple[str, ...]] = {
    Festival.SPRING: ("春节", "新春", "过年", "除夕", "年货"),
    Festival.LANTERN: ("元宵",),
    Festival.WOMENS_DAY: ("三八", "3.8节", "3·8", "妇女节", "女神节", "女职工节"),
    Festival.DRAGON_BOAT: ("端午", "端阳", "粽子"),
    Festival.SUMMER: ("送清凉", "清凉", "防暑", "降温", "高温慰问", "夏季慰问"),
    Festival.MID_AUTUMN: ("中秋", "月饼"),
    Festival.NATIONAL_DAY: ("国庆",),
    Festival.CHONGYANG: ("重阳", "敬老", "老人节"),
    Festival.NEW_YEAR: ("元旦", "新年"),
    Festival.BIRTHDAY: ("生日",),
}
# Festivals without a code of their own: stored as ``other``; the word names the distribution (教师节).
OTHER_WORDS = ("教师节", "劳动节", "五一", "儿童节", "六一", "七夕", "冬至", "腊八", "清明", "护士节",
               "建党", "年终", "岁末", "其他", "其它")  # fmt: skip
# How a festival is written in a generated 名称 (``2025年中秋节慰问品发放``).
FESTIVAL_NAMES = {
    Festival.SPRING: "春节", Festival.LANTERN: "元宵节", Festival.WOMENS_DAY: "三八妇女节",
    Festival.DRAGON_BOAT: "端午节", Festival.SUMMER: "夏季送清凉", Festival.MID_AUTUMN: "中秋节",
    Festival.NATIONAL_DAY: "国庆节", Festival.CHONGYANG: "重阳节", Festival.NEW_YEAR: "元旦",
    Festival.BIRTHDAY: "生日", Festival.OTHER: "节日",
}  # fmt: skip
UNSIGNED_WORDS = ("未领", "未签", "没领", "未到")
UNSIGNED_MARKS = {"否", "×", "x", "X", "n", "N", "0", "no", "No"}
ACCEPTED = "春节、元宵、三八、端午、送清凉、中秋、国庆、重阳、元旦、生日、教师节等其他节日"
# A row without 工号 and 姓名 that only numbers an empty line or sums up / signs off the sheet is not a recipient.
FOOTER_WORDS = ("合计", "总计", "小计", "共计", "经办人", "审核人", "制表人", "负责人", "制表", "审核")
_FULL_DATE = re.compile(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})")


def festival_in(text: object) -> tuple[str, str] | None:
    """The festival a text names, as ``(Festival code, name for a 名称)``, or None.

    The earliest festival word wins; a word of ``OTHER_WORDS`` gives ``("other", that word)``
    (其他/其它 give ``("other", "节日")``). Codes (``mid_autumn``) are accepted as they are.
    """
    key = re.sub(r"\s+", "", fold(text))
    if not key:
        return None
    if key.lower() in Festival.values:
        return key.lower(), FESTIVAL_NAMES[key.lower()]
    found: list[tuple[int, int, str, str]] = []
    for code, words in FESTIVAL_WORDS.items():
        for word in words:
            at = key.find(word)
            if at >= 0:
                found.append((at, -len(word), code, FESTIVAL_NAMES[code]))
    for word in OTHER_WORDS:
        at = key.find(word)
        if at >= 0:
            found.append((at, -len(word), Festival.OTHER, "节日" if word in ("其他", "其它") else word))
    if not found:
        return None
    _, _, code, name = min(found)
    return str(code), name


def _festival_cell(raw: object) -> tuple[str, str] | None:
    """A 节日 cell: ``festival_in``, else any "…节" as ``other``; blank → None; raises ``ValueError``."""
    text = re.sub(r"\s+", "", fold(raw))
    if not text:
        return None
    found = festival_in(text)
    if found is None and text.endswith("节") and len(text) <= 10:
        found = (str(Festival.OTHER), text)
    if found is None:
        raise ValueError(f"节日“{text}”无法识别，可填写：{ACCEPTED}")
    return found


def _signed_cell(raw: object) -> bool | None:
    """A 签名 cell: blank → None (the column's default: signed); 否/×/未领/未签 → False; anything else
    (a signature, √, 是, 已领) → True."""
    text = re.sub(r"\s+", "", fold(raw))
    if not text:
        return None
    return not (text in UNSIGNED_MARKS or any(w in text for w in UNSIGNED_WORDS))


def _not_after_today(day: dt.date) -> bool:
    return day <= timezone.localdate()


# Validation order is the order errors are listed within a row.
COLUMNS = ColumnSpec(
    Column("festival", "节日", ("节日名称", "节日类别", "慰问节日", "节庆"), parse=_festival_cell, default=None),
    Column("distributed_on", "发放日期", ("日期", "发放时间", "领取日期", "时间"),
           parse=columns.date(valid=_not_after_today, invalid="发放日期 {day:%Y-%m-%d} 晚于今天"), default=None),
    Column("title", "名称", ("发放名称", "活动名称", "项目", "项目名称", "发放项目"),
           parse=columns.text(max_length=100, too_long="名称过长（最多100字）"), default=""),
    Column("staff_no", "工号", ("职工号", "教工号", "工作证号", "人员编号"), parse=columns.code(), default=""),
    Column("name", "姓名", ("领取人", "领取人姓名", "教职工姓名", "职工姓名"), parse=columns.name(), default=""),
    Column("department", "部门", ("所在部门", "科室", "处室", "部门/科室"), parse=columns.name(), default=""),
    Column("item", "物品", ("慰问品", "发放物品", "物品名称", "慰问品名称", "品名", "物资"),
           parse=columns.text(max_length=200, too_long="物品说明过长（最多200字）"), default=""),
    Column("value", "金额", ("价值", "慰问品价值", "人均价值", "单价", "标准", "慰问金额"),
           required=True, parse=columns.yuan()),
    Column("funding_source", "经费来源", ("资金来源", "列支渠道"), parse=columns.choice(FUNDING_ALIASES, "经费来源"),
           blank=FundingSource.UNION_FUNDS, default=FundingSource.UNION_FUNDS),
    Column("signed", "签名", ("签领", "签字", "签收", "领取人签名", "本人签字", "签名确认", "领取签名", "签领人"),
           parse=_signed_cell, blank=True, default=True),
    Column("notes", "备注", ("说明",), default=""),
    Column("seq", "序号", ("序",), parse=columns.text(), default=""),
    any_of=(("staff_no", "name"),),
)  # fmt: skip

DIST_LABEL = "节日发放"
RECIPIENT_LABEL = "签领记录"
RECIPIENT_RULE = "按签领表名单（历史导入）"


@dataclass(frozen=True)
class Preamble:
    """What the rows above the header say: a festival (``festival_in``) and a full date, each or None."""

    festival: tuple[str, str] | None = None
    distributed_on: dt.date | None = None


def read_preamble(table) -> Preamble:
    """The festival and date named in the rows above the header (the sheet's title rows,
    ``tabular.Table.preamble``). A date that does not exist is ignored. Raises nothing."""
    texts = table.preamble
    text = " ".join(texts)
    day = None
    for m in _FULL_DATE.finditer(text):
        try:
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            break
        except ValueError:
            continue
    return Preamble(festival=festival_in(text), distributed_on=day)


def _is_noise(raw: dict[str, object]) -> bool:
    """A 合计/经办人 line or a numbered empty line (only 序号 filled): it names nobody (its 工号/姓名 cells, if
    any, hold the footer words themselves)."""
    cells = {key: fold(value) for key, value in raw.items() if fold(value)}
    if set(cells) <= {"seq"}:
        return True
    if not any(word in text for text in cells.values() for word in FOOTER_WORDS):
        return False
    return all(any(word in cells[key] for word in FOOTER_WORDS) for key in ("staff_no", "name") if key in cells)


def _generated_title(festival: tuple[str, str], day: dt.date) -> str:
    return f"{day.year}年{festival[1]}慰问品发放"


class _SheetCheck:
    """The sign-off list's row checks (``columns.validate_rows`` calls it per row, in file order).

    Resolves the member (``MemberMatcher``), the row's festival, date and 名称 with the fallbacks of the
    module docstring, fills 物品/金额 down within a distribution, and refuses one member twice in one
    distribution. Leaves ``member``, ``festival`` (code), ``festival_name``, ``distributed_on``, ``title``,
    ``key`` (the distribution's natural key), ``item``, ``value`` and ``signed`` in ``row.values``.
    """

    def __init__(self, school: Organization, preamble: Preamble):
        self.members = MemberMatcher(school)
        self.preamble = preamble
        self.last: dict = {}
        self.seen: dict[tuple, int] = {}

    def __call__(self, row: Row) -> None:
        values = row.values
        values["row"] = row.number
        values["member"] = self.members.match(row)
        festival = self._festival(row)
        day = self._date(row, festival)
        title = self._title(row, festival, day)
        key = (festival[0], day, title) if festival and day and title else None
        values["key"] = key
        self._fill_down(row, key)
        self._once(row, key)
        if any(w in values.get("notes", "") for w in UNSIGNED_WORDS):
            values["signed"] = False
        self.last = {"festival": festival, "distributed_on": day, "title": title, "key": key,
                     "item": values.get("item"), "value": values.get("value")}  # fmt: skip

    def _festival(self, row: Row) -> tuple[str, str] | None:
        values = row.values
        festival = values.pop("festival", None)
        if festival is None and "festival" not in row.error_keys():
            festival = self.last.get("festival") or self.preamble.festival
            if festival is None:
                row.error("festival", "节日不能为空（表格标题中也没有写明节日）")
        if festival:
            values["festival"], values["festival_name"] = festival
        return festival

    def _date(self, row: Row, festival) -> dt.date | None:
        values = row.values
        day = values.get("distributed_on")
        if day is None and "distributed_on" not in row.error_keys():
            same = festival is not None and self.last.get("festival") == festival
            day = (self.last.get("distributed_on") if same else None) or self.preamble.distributed_on
            if day is None:
                row.error("distributed_on", "发放日期不能为空（表格标题下方也没有写明发放日期）")
            values["distributed_on"] = day
        return day

    def _title(self, row: Row, festival, day) -> str:
        values = row.values
        title = values.get("title", "")
        if not title and festival and day:
            last = self.last
            same = last.get("festival") == festival and last.get("distributed_on") == day
            title = (last.get("title") if same else "") or _generated_title(festival, day)
            values["title"] = title
        return title

    def _fill_down(self, row: Row, key) -> None:
        values = row.values
        same = key is not None and self.last.get("key") == key
        if not values.get("item") and same:
            values["item"] = self.last.get("item") or ""
        if values.get("value") is None and "value" not in row.error_keys():
            if same and self.last.get("value") is not None:
                values["value"] = self.last["value"]
            else:
                row.error("value", "金额不能为空")

    def _once(self, row: Row, key) -> None:
        member = row.values.get("member")
        if member is None or key is None:
            return
        first = self.seen.setdefault((key, member.pk), row.number)
        if first != row.number:
            row.error(
                "name", f"与第 {first} 行重复：{member.name}在同一次发放（节日、发放日期、名称相同）中只能领取一次"
            )


@dataclass
class _Group:
    """The rows of one distribution in the file (natural key ``key``) and the existing record, if any."""

    key: tuple
    festival_name: str
    rows: list[dict]
    existing: FestivalDistribution | None = None

    def item(self) -> str:
        """The most common 物品 of the rows (first seen on a tie), else ``<festival>慰问品``."""
        items = Counter(r["item"] for r in self.rows if r.get("item"))
        return items.most_common(1)[0][0] if items else f"{self.festival_name}慰问品"[:200]

    def value_per_person(self) -> Decimal:
        """The most common amount of the rows (yuan, ``Decimal``)."""
        return Counter(r["value"] for r in self.rows).most_common(1)[0][0]

    def build(self, school: Organization, acting_user) -> FestivalDistribution:
        festival, day, title = self.key
        return FestivalDistribution(
            organization=school, festival=festival, title=title, distributed_on=day, item=self.item(),
            value_per_person=self.value_per_person(), funding_source=self.rows[0]["funding_source"],
            recipient_rule=RECIPIENT_RULE, created_by=acting_user,
        )  # fmt: skip


def _groups(school: Organization, rows: list[dict]) -> tuple[list[_Group], set[tuple[int, int]]]:
    """The file's distributions in file order with their existing records (two queries), and the
    (distribution pk, member pk) pairs already recorded for those."""
    groups: dict[tuple, _Group] = {}
    for r in rows:
        groups.setdefault(r["key"], _Group(r["key"], r["festival_name"], [])).rows.append(r)
    keys = set(groups)
    existing = FestivalDistribution.objects.filter(
        organization=school,
        festival__in={k[0] for k in keys},
        distributed_on__in={k[1] for k in keys},
        title__in={k[2] for k in keys},
    ).order_by("pk")
    for dist in existing:
        group = groups.get((dist.festival, dist.distributed_on, dist.title))
        if group is not None and group.existing is None:
            group.existing = dist
    known = [g.existing.pk for g in groups.values() if g.existing]
    pairs = set(
        DistributionRecipient.objects.filter(distribution_id__in=known).values_list("distribution_id", "member_id")
    ) if known else set()  # fmt: skip
    return list(groups.values()), pairs


def _is_new(group: _Group, row: dict, pairs: set) -> bool:
    return group.existing is None or (group.existing.pk, row["member"].pk) not in pairs


def file_totals(rows: list[dict], groups: int) -> dict:
    """The file's totals: 发放次数 (distributions), 人次 (rows), 人数 (distinct members), 金额 (yuan)."""
    return {
        "发放次数": groups,
        "人次": len(rows),
        "人数": len({r["member"].pk for r in rows}),
        "金额": sum((r["value"] for r in rows), Decimal("0.00")),
    }


class FestivalImporter(RecordImporter):
    """节日慰问品发放签领表 → ``FestivalDistribution`` + ``DistributionRecipient`` (see the module docstring)."""

    kind = ImportBatch.Kind.FESTIVAL
    done_url = "welfare:distributions"
    denied = gettext_lazy("只有学校工会主席和工会委员可以导入节日慰问品发放签领表。")
    title = gettext_lazy("导入节日慰问品发放签领表")
    preview_title = gettext_lazy("发放签领表导入预览")
    spec = COLUMNS
    fallback_help = gettext_lazy(
        "一个文件可含多次发放：节日、发放日期、名称相同的行为同一次发放。节日为空时取上一行的，再取表格标题中的"
        "（如“2025年中秋节慰问品发放签领表”）；发放日期为空时取同一节日上一行的，再取标题下方写的日期；"
        "名称为空时按“年份+节日+慰问品发放”生成；物品、金额为空时取同一次发放上一行的（合并单元格）。"
        "签名空白视为已签领，写“否”“未领”为未签领；合计、经办人等行不计。"
    )
    natural_key_help = gettext_lazy(
        "一次发放按“学校、节日、发放日期、名称”识别，已有的发放不会重复建立；同一次发放中已有的领取人（按人员）跳过。"
    )
    template_headers = ["序号", "节日", "发放日期", "名称", "部门", "工号", "姓名", "物品", "金额(元)", "签名", "备注"]
    template_example = [1, "中秋", "2025-09-30", "2025年中秋节慰问品发放", "教务处", "S0100012", "张三", "月饼", 200,
                        "张三", ""]  # fmt: skip
    template_title = "节日慰问品发放签领表"
    template_filename = "festival-template.xlsx"

    @property
    def columns_help(self) -> str:
        """The accepted headers (from ``spec``, as every record importer) and how blank cells fall back."""
        return f"{super().columns_help}。{self.fallback_help}"

    def validate(self, *, school: Organization, data: bytes, filename: str) -> RecordResult:
        """Check every row without writing (``COLUMNS``, then ``_SheetCheck``).

        ``rows`` are dicts with ``row``, ``member``, ``festival`` (code), ``festival_name``,
        ``distributed_on``, ``title``, ``key`` = (festival, distributed_on, title), ``item``, ``value`` (yuan,
        ``Decimal``), ``funding_source``, ``signed`` and ``notes``; ``created``/``skipped`` say what confirming
        would write against the database now; ``totals`` are ``file_totals``. Three queries after reading.
        """
        result = RecordResult()
        try:
            table = COLUMNS.read(data, filename)
        except TableFileError as exc:
            result.file_error = str(exc)
            return result
        table.rows = [(number, raw) for number, raw in table.rows if not _is_noise(raw)]
        if not table.rows:
            result.file_error = "文件中没有领取人数据行"
            return result
        preamble = read_preamble(table)
        rows, result.errors = validate_rows(table, COLUMNS, check=_SheetCheck(school, preamble))
        if result.errors:
            return result
        result.rows = [r.values for r in rows]
        groups, pairs = _groups(school, result.rows)
        new = [r for g in groups for r in g.rows if _is_new(g, r, pairs)]
        result.created = {DIST_LABEL: sum(1 for g in groups if g.existing is None), RECIPIENT_LABEL: len(new)}
        result.skipped = len(result.rows) - len(new)
        result.totals = file_totals(result.rows, len(groups))
        return result

    @transaction.atomic
    def apply(
        self,
        *,
        school: Organization,
        data: bytes,
        filename: str,
        acting_user=None,
        request=None,
        batch: ImportBatch | None = None,
        dry_run: bool = False,
    ) -> RecordResult:
        """Validate and, when every row is clean, write the new distributions and recipients (two bulk inserts),
        mark them with ``batch`` and audit the import once. Existing distributions (natural key) are reused,
        existing recipients skipped; nothing is written when any row has an error or ``dry_run``."""
        result = self.validate(school=school, data=data, filename=filename)
        if not result.ok or dry_run:
            return result
        groups, pairs = _groups(school, result.rows)
        fresh = [g for g in groups if g.existing is None]
        made = FestivalDistribution.objects.bulk_create([g.build(school, acting_user) for g in fresh])
        for group, dist in zip(fresh, made, strict=True):
            group.existing = dist
        recipients = DistributionRecipient.objects.bulk_create(
            [
                DistributionRecipient(distribution=g.existing, member=r["member"], value=r["value"], signed=r["signed"])
                for g in groups
                for r in g.rows
                if _is_new(g, r, pairs)
            ],
            batch_size=1000,
        )
        result.created = {DIST_LABEL: len(made), RECIPIENT_LABEL: len(recipients)}
        result.skipped = len(result.rows) - len(recipients)
        import_finish(result, kind="festival", records=[*made, *recipients], batch=batch, school=school, filename=filename,
                      acting_user=acting_user, request=request)  # fmt: skip
        return result


IMPORTER = register(FestivalImporter())
