"""Tolerant reading of spreadsheets (.xlsx and .csv) for the portal's importers.

Shared by the roster import (members) and the historical welfare ledger import.
What it tolerates, because real union spreadsheets contain all of it:

- a title row or merged cells above the header (the header is the first of the
  first 15 rows that names at least two known columns);
- header names in several spellings (``工号``/``职工号``/``编号``), with stray
  spaces, full-width characters, line breaks and ``*`` required-field marks;
- blank rows anywhere; full-width digits; spaces inside and around names;
- dates as 1985-03-07, 1985/3/7, 1985.03.07, 1985年3月7日, 198503, 1985.3,
  19850307, Excel serial numbers or real date cells.

Errors are Chinese messages tied to the spreadsheet row number a person sees
(1-based, counting title rows) and the column's header text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings

from .text import clean_text


class TableFileError(Exception):
    """The file as a whole cannot be read (not a spreadsheet, too large, no header, empty)."""


@dataclass
class RowError:
    """One problem in one cell: spreadsheet row (1-based), column header, Chinese message."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Table:
    """Rows keyed by canonical field name, with the source row number of each.

    ``rows`` is a list of ``(row_number, {field: raw_value})``; ``headers`` maps
    each recognised field to the header text found in the file.
    """

    headers: dict[str, str]
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    header_row: int = 1
    unknown_headers: list[str] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)
    """The non-blank rows above the header (a list's title, "制表日期：…"), each as its cells' folded text
    joined by a space; importers read the list's title, festival or session from them."""


def fold(value: object) -> str:
    """NFKC-fold a cell to text (full-width → half-width) and trim it; None → ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    return text.replace("\u3000", " ").strip()


def clean_name(value: object) -> str:
    """A person's name: folded, with every space removed for Chinese names (``张 三`` → ``张三``).

    Names written in Latin letters keep single spaces between words.
    """
    text = fold(value)
    if re.search(r"[\u4e00-\u9fff]", text):
        return re.sub(r"\s+", "", text)
    return re.sub(r"\s+", " ", text)


def header_key(text: object) -> str:
    """Normalise a header cell for matching: fold, drop spaces, ``*`` marks and bracketed notes."""
    t = fold(text)
    t = re.sub(r"[\(（][^)）]*[\)）]", "", t)
    return re.sub(r"[\s*:：]", "", t).lower()


EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_MONTH_PATTERNS = [
    re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
]


def parse_date(value: object) -> dt.date | None:
    """Parse a date cell; return None for blank; raise ``ValueError`` with a Chinese message.

    Year-and-month values (``198503``, ``1985.3``) mean the first of that month.
    Numbers between 1 and 80000 are Excel serial dates (1900 date system).
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if 1 <= number < 80000 and not (190000 <= number <= 210012):
            return EXCEL_EPOCH + dt.timedelta(days=int(number))
        value = str(int(number)) if number.is_integer() else str(value)
    text = re.sub(r"\s+", "", fold(value))
    if not text:
        return None
    try:
        for pattern in _DATE_PATTERNS:
            m = pattern.match(text)
            if m:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
        for pattern in _MONTH_PATTERNS:
            m = pattern.match(text)
            if m:
                return dt.date(int(m[1]), int(m[2]), 1)
        if re.fullmatch(r"\d{1,5}(\.\d+)?", text):
            return EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    except ValueError:
        raise ValueError(f"日期“{text}”不存在") from None
    raise ValueError(f"无法识别的日期“{text}”，请写成 1985-03-07 的形式")


def parse_money(value: object) -> Decimal | None:
    """Parse an amount in yuan (``500``, ``500.00``, ``￥1,200``, ``1200元``); blank → None.

    Raises ``ValueError`` with a Chinese message for text that is not an amount or is negative.
    """
    if value is None or value == "":
        return None
    text = fold(value).replace(",", "").replace("¥", "").replace("￥", "").replace("元", "").strip()
    if not text:
        return None
    if "万" in text:
        text = text.replace("万", "")
        multiplier = Decimal(10000)
    else:
        multiplier = Decimal(1)
    try:
        amount = Decimal(text)
        if not amount.is_finite():
            raise InvalidOperation
        amount = (amount * multiplier).quantize(Decimal("0.01"))
    except (InvalidOperation, ArithmeticError):  # NaN, Infinity, 1e999999999 (Overflow)
        raise ValueError(f"金额“{fold(value)}”不是数字") from None
    if amount < 0:
        raise ValueError("金额不能为负数")
    if amount >= Decimal("10000000000"):
        raise ValueError("金额过大")
    return amount


def match_choice(value: object, aliases: dict[str, Iterable[str]], label: str) -> str | None:
    """Map a cell to a choice code through its aliases; blank → None.

    ``aliases`` maps code → accepted spellings. Raises ``ValueError`` naming
    the accepted values when nothing matches.
    """
    text = re.sub(r"\s+", "", fold(value)).lower()
    if not text:
        return None
    for code, names in aliases.items():
        if text == code.lower() or text in {re.sub(r"\s+", "", n).lower() for n in names}:
            return code
    accepted = "、".join(next(iter(names)) for names in aliases.values())
    raise ValueError(f"{label}“{fold(value)}”无法识别，可填写：{accepted}")


# A spreadsheet's XML compresses about 5–15 times; one that inflates more than this is padding
# (hundreds of thousands of blank styled rows) or a zip bomb, refused before any XML is parsed.
MAX_INFLATION_RATIO = 100
INFLATION_CHECK_FROM = 10 * 1024 * 1024  # below this unzipped size any ratio is harmless


def _check_xlsx_size(data: bytes) -> None:
    """Refuse an .xlsx by its zip directory alone: unreadable, too large unzipped, or inflating.

    Limits: ``settings.IMPORT_MAX_UNZIPPED_BYTES`` in total, and ``MAX_INFLATION_RATIO`` times
    the file's size once above ``INFLATION_CHECK_FROM`` bytes. Raises ``TableFileError`` (Chinese).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(info.file_size for info in zf.infolist())
    except zipfile.BadZipFile:
        raise TableFileError("文件不是有效的 Excel (.xlsx) 文件，请另存为 .xlsx 或 .csv 后再上传") from None
    if total > settings.IMPORT_MAX_UNZIPPED_BYTES:
        raise TableFileError("Excel 文件解压后过大，可能已损坏，请检查后重新上传")
    if total > INFLATION_CHECK_FROM and total > MAX_INFLATION_RATIO * len(data):
        raise TableFileError("Excel 文件解压后异常膨胀（可能含有大量空白行），请删除多余的空行后另存再上传")


def _raw_rows(data: bytes, filename: str) -> Iterable[list[object]]:
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        from openpyxl import load_workbook

        _check_xlsx_size(data)
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many types for broken files
            raise TableFileError("无法读取该 Excel 文件，文件可能已损坏或不是 .xlsx 格式") from None
        try:
            ws = wb.worksheets[0]
            # The sheet's declared <dimension> is attacker-controlled: A1:XFD1048576 would pad every
            # row to 16384 cells. Read the rows as they are instead (ragged rows are fine below).
            ws.reset_dimensions()
            rows = ws.iter_rows(values_only=True)
            while True:
                try:
                    row = next(rows)
                except StopIteration:
                    break
                except Exception:  # a truncated or malformed sheet XML surfaces while iterating
                    raise TableFileError("无法读取该 Excel 文件，文件可能已损坏或不是 .xlsx 格式") from None
                yield list(row)
        finally:
            wb.close()
        return
    if name.endswith(".xls"):
        raise TableFileError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再上传")
    if not name.endswith((".csv", ".txt")):
        raise TableFileError("只支持 .xlsx 和 .csv 文件")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableFileError("CSV 文件编码无法识别，请保存为 UTF-8 编码")
    if "\x00" in text:
        raise TableFileError("文件内容不是文本表格，请上传 .xlsx 或 .csv 文件")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from reader
    except csv.Error:  # a cell over csv's field limit (128 KB), stray quotes or NUL bytes
        raise TableFileError(f"CSV 文件第 {reader.line_num} 行格式错误或单元格过长，请用 Excel 另存为 .xlsx 后再上传") from None


HEADER_SCAN_ROWS = 15


def _check_upload(data: bytes) -> None:
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise TableFileError(f"文件超过 {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB 的上限")
    if not data:
        raise TableFileError("文件是空的")


def validate_upload(upload) -> None:
    """The upload form's check of an import file: size within ``settings.UPLOAD_MAX_BYTES``, .xlsx/.csv.

    ``upload`` is a Django ``UploadedFile``. Raises ``forms.ValidationError`` (Chinese message).
    Shared by every import's upload form (roster, welfare ledger).
    """
    from django import forms
    from django.utils.translation import gettext as _

    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise forms.ValidationError(_("文件超过 %(mb)d MB 的上限") % {"mb": settings.UPLOAD_MAX_BYTES // 1048576})
    if not upload.name.lower().endswith((".xlsx", ".csv")):
        raise forms.ValidationError(_("只支持 .xlsx 和 .csv 文件"))


def _is_blank(row: list[object]) -> bool:
    return all(fold(c) == "" for c in row)


def _header(row: list[object], keys: list[str | None], index: int) -> tuple[Table, dict[int, str]]:
    """The ``Table`` a header row starts, and which cell position holds which field (first one wins)."""
    headers: dict[str, str] = {}
    positions: dict[int, str] = {}
    unknown = []
    for pos, (cell, key) in enumerate(zip(row, keys, strict=False)):
        if key and key not in headers:
            headers[key] = fold(cell)
            positions[pos] = key
        elif fold(cell):
            unknown.append(fold(cell))
    return Table(headers=headers, header_row=index, unknown_headers=unknown), positions


def _find_header(numbered, lookup: dict[str, str], label) -> tuple[Table, dict[int, str]]:
    """Scan the first ``HEADER_SCAN_ROWS`` rows for one naming at least two known fields.

    ``numbered`` yields ``(row_number, cells)`` and is left just after the header row.
    Raises ``TableFileError`` for a file without content or without a recognisable header.
    """
    scanned: list[list[object]] = []
    for index, row in numbered:
        scanned.append(row)
        keys = [lookup.get(header_key(c)) for c in row]
        if sum(1 for k in keys if k) >= 2:
            table, positions = _header(row, keys, index)
            lines = (" ".join(fold(c) for c in cells if fold(c)) for cells in scanned[:-1])
            table.preamble = [" ".join(line.split()) for line in lines if line]
            return table, positions
        if index >= HEADER_SCAN_ROWS:
            break
    if all(_is_blank(r) for r in scanned):
        raise TableFileError("文件中没有内容")
    raise TableFileError(f"没有找到表头行，请确认前几行中有列名（例如：{label}）")


# Reading refuses a sheet with this many blank rows in a row (an inflated "used range": a million
# styled blank rows cost minutes to walk) or with more cells than this in all, without reading on.
MAX_BLANK_RUN = 1000
MAX_CELLS = 2_000_000


def _read_rows(numbered, table: Table, positions: dict[int, str]) -> None:
    """Append the non-blank rows after the header to ``table.rows``, within the read limits.

    Limits: ``settings.IMPORT_MAX_ROWS`` data rows; ``MAX_BLANK_RUN`` consecutive blank rows;
    ``MAX_CELLS`` cells read in all. Text cells pass ``text.clean_text`` (the portal's rule for
    accepted text). Raises ``TableFileError`` (Chinese) past a limit.
    """
    limit = settings.IMPORT_MAX_ROWS
    blank_run = cells = 0
    for index, row in numbered:
        cells += len(row)
        if index > 2 * limit + HEADER_SCAN_ROWS or cells > MAX_CELLS:  # blank rows count too
            raise TableFileError(f"数据超过 {limit} 行的上限，请分批导入")
        if _is_blank(row):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                raise TableFileError(f"表格中有连续 {MAX_BLANK_RUN} 行以上的空白行，请删除多余的空行后另存再上传")
            continue
        blank_run = 0
        table.rows.append((index, {key: _cell(row[pos]) if pos < len(row) else None
                                   for pos, key in positions.items()}))
        if len(table.rows) > limit:
            raise TableFileError(f"数据超过 {limit} 行的上限，请分批导入")


def _cell(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


def read_table(
    data: bytes,
    filename: str,
    aliases: dict[str, Iterable[str]],
    required: Iterable[str] = (),
    *,
    labels: dict[str, str] | None = None,
) -> Table:
    """Read the first sheet (or the CSV) into a ``Table``.

    ``aliases`` maps each canonical field name to the header spellings that mean it;
    ``labels`` names fields in messages (default: their first spelling).
    Raises ``TableFileError`` (Chinese message) when the file is unreadable, too
    large, has no recognisable header, lacks a ``required`` column, has no data
    rows or more than ``settings.IMPORT_MAX_ROWS`` rows.
    """
    _check_upload(data)
    lookup = {header_key(a): f for f, names in aliases.items() for a in [f, *names]}
    labels = labels or {}
    required = list(required)

    def label(f: str) -> str:
        return labels.get(f, next(iter(aliases[f]), f))

    numbered = enumerate(_raw_rows(data, filename), start=1)
    table, positions = _find_header(numbered, lookup, "、".join(label(f) for f in required))
    missing = [label(f) for f in required if f not in table.headers]
    if missing:
        raise TableFileError(f"缺少必需的列：{'、'.join(missing)}")
    _read_rows(numbered, table, positions)
    if not table.rows:
        raise TableFileError("文件中只有表头，没有数据行")
    return table
