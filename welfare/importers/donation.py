"""捐款名单 / 献血名单 import (kind ``donation``): a school's past 一日捐, 爱心捐款 and 无偿献血 lists.

A real list looks like this::

    2025年“慈善一日捐”捐款名单                      ← title row (merged cells)
    序号 | 部门 | 工号 | 姓名 | 捐款金额(元) | 备注     ← header
    1    | 语文组 | S001 | 张 三 | 1,200.00 |

Columns (standard header first, then the aliases; brackets in headers are ignored, so ``金额(元)`` is
``金额``): 类别 (捐款类别、活动类别、类型、捐助类别、项目类别), 日期 (捐款日期、活动日期、献血日期、捐款时间、
献血时间、时间), 名称 (活动名称、捐款名称、项目、项目名称、活动), 部门 (所在部门、科室、处室、所在单位、部门名称),
工号 (职工号、编号、教工号), 姓名 (捐款人、捐助人、献血人、教职工姓名、职工姓名), 金额 (捐款金额、捐款额、捐款数、
捐款、捐款数额), 献血量 (献血量毫升、献血毫升、献血数量、毫升、血量). 工号 or 姓名 is required, and 金额 or
献血量; 序号 and 备注 (and any other column) are ignored.

The drive a row belongs to is (类别, 日期, 名称), each with fallbacks when the cell or column is missing:

- a blank 类别/日期/名称 cell repeats the row above (merged cells);
- 类别 through aliases (``一日捐``, ``慈善``, ``爱心捐款``, ``献血`` …), else a keyword in the row's 名称 or the
  file's title row, else 无偿献血 for a file with a 献血量 column and no 金额 column, else 其他;
- 日期 from a full date in the title row (``2025年3月5日…``), else the row is an error;
- 名称 from the title row (``2025年“慈善一日捐”捐款名单`` → ``2025年慈善一日捐``), else ``<年>年<类别>``.

Natural keys: a drive is (school, 类别, 名称, 日期) — an existing drive (imported or entered in the portal)
is reused, not duplicated; a donation is (drive, member) — an existing one is skipped. The same person twice
in one drive in the same file is a row error. Money drives need an amount above zero; 献血量 (毫升, 1–2000)
belongs to blood drives only. Imported rows are plain ``Donation`` rows on ``DonationDrive`` rows, exactly
what the portal's 登记 writes and ``welfare.report.donation_stats`` counts (drive date and kind, amount,
blood_ml). All-or-nothing; errors are Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
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
from union_portal.lib.tabular import TableFileError, fold, match_choice

from ..models import Donation, DonationDrive

Kind = DonationDrive.Kind
ZERO = Decimal("0")
KIND_ALIASES: dict[str, list[str]] = {
    Kind.ONE_DAY: ["一日捐", "慈善一日捐", "一日捐款", "爱心一日捐"],
    Kind.CHARITY: ["慈善募捐", "慈善", "慈善捐款", "爱心", "爱心捐款", "爱心捐助", "募捐", "捐款"],
    Kind.POVERTY: ["扶贫济困", "扶贫", "济困", "帮困", "扶贫捐款"],
    Kind.BLOOD: ["无偿献血", "献血"],
    Kind.OTHER: ["其他", "其它"],
}
# Keywords inside longer texts (a title, a 名称, ``2024年爱心捐款``), most specific first.
KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Kind.BLOOD, ("献血",)),
    (Kind.ONE_DAY, ("一日捐",)),
    (Kind.POVERTY, ("扶贫", "济困", "帮困")),
    (Kind.CHARITY, ("慈善", "爱心", "募捐", "捐款", "捐助")),
)
DRIVE_KEYS = ("kind", "held_on", "title")
TITLE_SUFFIX = re.compile(r"(人员)?(名单|名册|登记表|汇总表|统计表|明细表|明细|一览表|表)$")
TITLE_DOUBLE = re.compile(r"(?<=捐)捐款$")  # 一日捐捐款 → 一日捐
TITLE_QUOTES = re.compile(r"[“”\"‘’'「」『』《》]")
TITLE_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})")
MAX_ML = 2000
LABEL_DRIVES = "捐助活动"
LABEL_DONATIONS = "捐款/献血记录"


def kind_from_text(text: object) -> str | None:
    """The ``DonationDrive.Kind`` code a text names: an alias exactly, else a keyword inside; None if none."""
    try:
        code = match_choice(text, KIND_ALIASES, "类别")
    except ValueError:
        code = None
    if code:
        return code
    folded = fold(text)
    return next((code for code, words in KIND_WORDS if any(w in folded for w in words)), None)


def _kind(raw: object) -> str | None:
    """Parser of the 类别 cell: a kind code; blank → None; raises ``ValueError`` for an unknown kind."""
    if fold(raw) == "":
        return None
    code = kind_from_text(raw)
    if code is None:
        accepted = "、".join(names[0] for names in KIND_ALIASES.values())
        raise ValueError(f"类别“{fold(raw)}”无法识别，可填写：{accepted}")
    return code


def _ml(raw: object) -> int | None:
    """Parser of the 献血量 cell: millilitres as int (``400``, ``400ml``, ``４００毫升``); blank → None.
    Raises ``ValueError`` for text that is not a whole number or outside 1–2000."""
    text = re.sub(r"(?i)\s|毫升|ml|cc", "", fold(raw))
    if not text:
        return None
    if re.fullmatch(r"\d+(\.0+)?", text) is None:
        raise ValueError(f"献血量“{fold(raw)}”不是整数毫升")
    ml = int(float(text))
    if not 1 <= ml <= MAX_ML:
        raise ValueError(f"献血量 {ml} 毫升不合理（应在 1–{MAX_ML} 毫升之间）")
    return ml


def _not_after_today(day: dt.date) -> bool:
    return day <= timezone.localdate()


COLUMNS = ColumnSpec(
    Column("kind", "类别", ("捐款类别", "活动类别", "类型", "捐助类别", "项目类别"), parse=_kind),
    Column("held_on", "日期", ("捐款日期", "活动日期", "献血日期", "捐款时间", "献血时间", "时间"),
           parse=columns.date(valid=_not_after_today, invalid="日期 {day:%Y-%m-%d} 晚于今天")),
    Column("title", "名称", ("活动名称", "捐款名称", "项目", "项目名称", "活动"),
           parse=columns.text(max_length=100, too_long="名称过长（最多{max}个字）")),
    Column("department", "部门", ("所在部门", "科室", "处室", "所在单位", "部门名称"), parse=columns.name(), default=""),
    Column("staff_no", "工号", ("职工号", "编号", "教工号"), parse=columns.code(), default=""),
    Column("name", "姓名", ("捐款人", "捐助人", "献血人", "教职工姓名", "职工姓名"), parse=columns.name(), default=""),
    Column("amount", "金额", ("捐款金额", "捐款额", "捐款数", "捐款", "捐款数额"), parse=columns.yuan()),
    Column("blood_ml", "献血量", ("献血量毫升", "献血毫升", "献血数量", "毫升", "血量"), parse=_ml),
    any_of=(("staff_no", "name"),),
)  # fmt: skip


# --- The title row ----------------------------------------------------------------------------------


def title_row(table) -> str:
    """The first non-blank line above the header row (the list's title, folded), or ``""``."""
    return table.preamble[0] if table.preamble else ""


def title_date(title: str) -> dt.date | None:
    """A full date written in the title (``2025年3月5日``), or None."""
    m = TITLE_DATE.search(title)
    if m is None:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def drive_title(title: str) -> str:
    """The drive's 名称 from a list's title: quotes, spaces and a trailing ``名单``/``人员登记表`` … removed
    (``2025年“慈善一日捐”捐款名单`` → ``2025年慈善一日捐``, ``爱心捐款名单`` → ``爱心捐款``); at most 100
    characters; may be ``""``."""
    text = re.sub(r"\s+", "", TITLE_QUOTES.sub("", title))
    return TITLE_DOUBLE.sub("", TITLE_SUFFIX.sub("", text))[:100]


class _FileDefaults:
    """What the file as a whole says about its drives: the title row's kind, date and name, and the
    kind implied by the columns (only 献血量, no 金额 → 无偿献血)."""

    def __init__(self, title: str, headers: dict[str, str]):
        self.title = drive_title(title)
        day = title_date(title)
        self.held_on = day if day is not None and _not_after_today(day) else None  # a future date is no fallback
        blood_only = "blood_ml" in headers and "amount" not in headers
        self.kind = kind_from_text(title) if title else None
        self.kind = self.kind or (Kind.BLOOD if blood_only else None)

    def kind_for(self, title: str) -> str:
        """The kind of a row without a 类别: a keyword in its 名称, else the file's, else 其他."""
        return (kind_from_text(title) if title else None) or self.kind or Kind.OTHER

    def title_for(self, kind: str, held_on: dt.date) -> str:
        """The 名称 of a row without one: the title row's, else ``<年>年<类别>`` (always Chinese)."""
        return self.title or f"{held_on.year}年{KIND_ALIASES[kind][0]}"


# --- Row checks --------------------------------------------------------------------------------------


class _DonationCheck:
    """Per row (``columns.validate_rows`` calls it): the member (``MemberMatcher``), the drive's
    (kind, date, title) with the fallbacks of the module docstring, the amount/volume rules, and the
    same person twice in one drive. Leaves ``row``, ``member``, ``kind``, ``held_on``, ``title``,
    ``amount`` (yuan, Decimal) and ``blood_ml`` (int or None) in the row's values."""

    def __init__(self, school: Organization, defaults: _FileDefaults, headers: dict[str, str]):
        self.members = MemberMatcher(school)
        self.defaults = defaults
        self.headers = headers
        self.above: dict[str, object] = {}
        self.seen: dict[tuple, int] = {}

    def _carry(self, row: Row) -> None:
        """A blank drive cell repeats the row above (merged cells); a filled one is remembered."""
        for key in DRIVE_KEYS:
            if key not in self.headers or key in row.error_keys():
                continue
            if row.values.get(key) in (None, ""):
                row.values[key] = self.above.get(key)
            else:
                self.above[key] = row.values[key]

    def _drive(self, row: Row) -> None:
        values = row.values
        self._carry(row)
        values["title"] = values.get("title") or ""
        values["kind"] = values.get("kind") or self.defaults.kind_for(values["title"])
        values["held_on"] = values.get("held_on") or self.defaults.held_on
        if values["held_on"] is None and "held_on" not in row.error_keys():
            row.error("held_on", "日期不能为空（文件标题中也没有日期）")
        elif values["held_on"] is not None and not values["title"]:
            values["title"] = self.defaults.title_for(values["kind"], values["held_on"])

    def _amounts(self, row: Row) -> None:
        values = row.values
        values["amount"] = values.get("amount") or ZERO
        values.setdefault("blood_ml", None)
        if values["kind"] == Kind.BLOOD or row.error_keys() & {"amount", "blood_ml"}:
            return
        if values["blood_ml"] is not None:
            row.error("blood_ml", f"“{values['title']}”不是献血活动，不应填写献血量")
        if not values["amount"]:
            row.error("amount", "捐款金额不能为空")

    def _twice(self, row: Row) -> None:
        values = row.values
        if values["member"] is None or values["held_on"] is None:
            return
        key = (values["kind"], values["held_on"], values["title"], values["member"].pk)
        first = self.seen.setdefault(key, row.number)
        if first != row.number:
            row.error("name", f"{values['member'].name} 在“{values['title']}”中重复出现（第 {first} 行已有）")

    def __call__(self, row: Row) -> None:
        row.values["row"] = row.number
        row.values["member"] = self.members.match(row)
        self._drive(row)
        self._amounts(row)
        self._twice(row)


# --- The importer --------------------------------------------------------------------------------------


def _drive_key(values: dict) -> tuple:
    return values["kind"], values["held_on"], values["title"]


def _totals(rows: list[dict]) -> dict[str, object]:
    """The file's totals: 捐款人次 and 捐款人 (distinct members) and 金额 (yuan) over money drives, and
    献血人次/献血量 (毫升) over blood drives (only when present)."""
    money = [r for r in rows if r["kind"] != Kind.BLOOD]
    blood = [r for r in rows if r["kind"] == Kind.BLOOD]
    totals: dict[str, object] = {}
    if money:
        totals["捐款人次"] = len(money)
        totals["捐款人"] = len({r["member"].pk for r in money})
        totals["金额（元）"] = sum((r["amount"] for r in money), ZERO)
    if blood:
        totals["献血人次"] = len(blood)
        totals["献血量（毫升）"] = sum(r["blood_ml"] or 0 for r in blood)
    return totals


class DonationImporter(RecordImporter):
    """捐款名单 / 献血名单 → ``DonationDrive`` + ``Donation`` (see the module docstring for columns,
    fallbacks and natural keys)."""

    kind = ImportBatch.Kind.DONATION
    done_url = "welfare:donations"
    title = gettext_lazy("导入捐款/献血名单")
    preview_title = gettext_lazy("捐款/献血名单导入预览")
    spec = COLUMNS
    columns_note = gettext_lazy(
        "工号或姓名至少一列，金额或献血量至少一列；序号、备注等其他列不读取。没有类别、日期、名称列时，从表格标题行（如"
        "“2025年3月5日慈善一日捐捐款名单”）读取；空白的类别、日期、名称单元格沿用上一行（合并单元格）。"
    )
    natural_key_help = gettext_lazy(
        "捐助活动按“学校 + 类别 + 名称 + 日期”识别，已有的活动（包括在系统中新建的）直接沿用；"
        "捐款记录按“活动 + 教职工”识别，已有的跳过。同一文件中同一人在同一活动里出现两次是错误。"
    )
    template_headers = ["序号", "类别", "日期", "名称", "部门", "工号", "姓名", "金额", "献血量（毫升）", "备注"]
    template_example = [1, "一日捐", "2025-03-05", "2025年慈善一日捐", "语文组", "S0100012", "张三", 200, "", ""]
    template_title = "捐款名单模板"
    template_filename = "donation-template.xlsx"

    @property
    def columns_help(self) -> str:
        """Every accepted header (from ``COLUMNS``), then which columns are needed and the title-row fallbacks."""
        return f"{super().columns_help}。{self.columns_note}"

    def validate(self, *, school: Organization, data: bytes, filename: str) -> RecordResult:
        """Check every row and say what importing would write (``created``/``skipped``), writing nothing.

        Clean rows are dicts with ``row``, ``member``, ``kind`` (``DonationDrive.Kind``), ``held_on``
        (date), ``title``, ``amount`` (yuan, ``Decimal``) and ``blood_ml`` (毫升 or None); ``totals`` are
        the file's (``_totals``). A few queries whatever the file's length."""
        result = RecordResult()
        try:
            table = COLUMNS.read(data, filename)
            title = title_row(table)
        except TableFileError as exc:
            result.file_error = str(exc)
            return result
        if "amount" not in table.headers and "blood_ml" not in table.headers:
            result.file_error = "缺少必需的列：金额（捐款金额）或 献血量"
            return result
        check = _DonationCheck(school, _FileDefaults(title, table.headers), table.headers)
        rows, result.errors = validate_rows(table, COLUMNS, check=check)
        if result.errors:
            return result
        result.rows = [r.values for r in rows]
        result.totals = _totals(result.rows)
        drives, existing = self._existing(school, result.rows)
        new = [r for r in result.rows if (drives.get(_drive_key(r)), r["member"].pk) not in existing]
        result.skipped = len(result.rows) - len(new)
        result.count(LABEL_DRIVES, len({_drive_key(r) for r in new if _drive_key(r) not in drives}))
        result.count(LABEL_DONATIONS, len(new))
        return result

    @staticmethod
    def _existing(school: Organization, rows: list[dict]) -> tuple[dict[tuple, int], set[tuple]]:
        """The pks of the school's drives the rows name, by (kind, held_on, title), and the
        (drive pk, member pk) of their donations. Two queries."""
        keys = {_drive_key(r) for r in rows}
        candidates = DonationDrive.objects.filter(
            organization=school, title__in={k[2] for k in keys}, held_on__in={k[1] for k in keys}
        ).order_by("pk")
        drives: dict[tuple, DonationDrive] = {}
        for drive in candidates:
            drives.setdefault((drive.kind, drive.held_on, drive.title), drive)
        drives = {k: d for k, d in drives.items() if k in keys}
        pairs = Donation.objects.filter(drive__in=list(drives.values())).values_list("drive_id", "member_id")
        existing = {(pk, member_pk) for pk, member_pk in pairs}
        return {k: d.pk for k, d in drives.items()}, existing

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
        """Validate and, when every row is clean (and not ``dry_run``), write the new drives and donations
        in one transaction: bulk inserts, no notices; each new record marked with ``batch``; one audit entry.
        Existing drives (by natural key) are reused and existing donations skipped."""
        result = self.validate(school=school, data=data, filename=filename)
        if not result.ok or dry_run:
            return result
        drive_pks, existing = self._existing(school, result.rows)
        new_drives = {
            key: DonationDrive(organization=school, kind=key[0], held_on=key[1], title=key[2])
            for key in dict.fromkeys(_drive_key(r) for r in result.rows)
            if key not in drive_pks
        }
        DonationDrive.objects.bulk_create(new_drives.values())
        drive_pks.update({key: d.pk for key, d in new_drives.items()})
        donations = Donation.objects.bulk_create(
            [
                Donation(
                    drive_id=drive_pks[_drive_key(r)], member=r["member"], amount=r["amount"], blood_ml=r["blood_ml"]
                )
                for r in result.rows
                if (drive_pks[_drive_key(r)], r["member"].pk) not in existing
            ],
            batch_size=1000,
        )
        result.created = {LABEL_DRIVES: len(new_drives), LABEL_DONATIONS: len(donations)}
        result.skipped = len(result.rows) - len(donations)
        import_finish(result, kind="donation", records=[*new_drives.values(), *donations], batch=batch, school=school, filename=filename,
                      acting_user=acting_user, request=request)  # fmt: skip
        return result


IMPORTER = register(DonationImporter())
