"""Declarative spreadsheet columns and the one row validator every importer shares.

An importer declares its columns once — key, standard header, header aliases, whether the header
is required, and a parser — and keeps only its domain checks (lookups, uniqueness across rows)::

    ROSTER = ColumnSpec(
        Column("name", "姓名", ("教职工姓名",), required=True, parse=name(max_length=50,
               too_long="姓名过长（最多50个字）"), blank_error="姓名不能为空"),
        Column("hired_on", "入职时间", ("入职日期",), parse=date()),
        ...
    )
    table = ROSTER.read(data, filename)              # TableFileError for an unreadable file
    rows, errors = validate_rows(table, ROSTER, check=domain_check)

Parsers are callables ``raw cell → value`` that raise ``ValueError`` with the Chinese message a
person sees; ``None`` means a blank cell. The factories below cover the kinds the portal imports:
``text``/``name``/``code`` (trimmed text with a length limit), ``date`` (every style
``tabular.parse_date`` accepts, with an optional plausibility rule), ``choice`` (codes through
aliases), ``yes_no``, ``yuan`` (a ``Decimal`` amount in yuan, two places) and ``id_number``
(GB 11643 resident ID number, normalised).

Blank cells and absent columns: a column missing from the file leaves its key out of the cleaned
values unless it has a ``default``; a cell whose parser returns ``None`` takes the column's
``blank`` value (``None`` unless told; ``OMIT`` leaves the key out, so an update keeps the stored
value). ``blank_error`` makes a blank cell (``None`` or ``""``) an error.

Errors are ``tabular.RowError`` (spreadsheet row number, the header text found in the file or
the column's standard header, message), listed row by row and, within a row, in column order of
the spec, whether a parser or the importer's ``check`` raised them.

Re-imports that must never lose data (the roster) mark their columns ``keep_blank``: a blank cell
(parser result ``None`` or ``""``) leaves the key out, so the stored value stays; clearing takes the
explicit cell text ``（清空）`` (``CLEAR_TEXT``, half-width ``(清空)`` too), which puts the column's
``cleared`` value in the row (``OMIT``: the column cannot be cleared, and the cell is an error).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .tabular import (
    RowError,
    Table,
    TableFileError,
    clean_name,
    fold,
    match_choice,
    parse_date,
    parse_money,
    read_table,
)


class _Omit:
    def __repr__(self) -> str:
        return "OMIT"


OMIT = _Omit()
"""Marker for ``Column.default``/``Column.blank``: leave the key out of the cleaned values."""


class _Clear:
    def __repr__(self) -> str:
        return "CLEAR"


CLEAR = _Clear()
"""A ``Column.cleared`` value for columns whose importer decides what clearing means (move a member up
from their sub-union, drop their department): the row holds ``CLEAR`` under the key."""

CLEAR_TEXT = "（清空）"
"""The cell text that clears a ``keep_blank`` column's stored value (folded: ``(清空)`` is the same)."""

Parser = Callable[[object], object]


# --- Parsers -------------------------------------------------------------------------------------


def _text_parser(normalise: Callable[[object], str], max_length: int | None, too_long: str) -> Parser:
    def parse(raw: object) -> str:
        value = normalise(raw)
        if max_length is not None and len(value) > max_length:
            raise ValueError(too_long.format(max=max_length))
        return value

    return parse


def text(*, max_length: int | None = None, too_long: str = "内容过长（最多{max}个字符）") -> Parser:
    """Text folded to half-width and trimmed (``tabular.fold``); blank → ``""``.

    ``too_long`` is the message when over ``max_length`` characters (``{max}`` is filled in).
    """
    return _text_parser(fold, max_length, too_long)


def name(*, max_length: int | None = None, too_long: str = "内容过长（最多{max}个字符）") -> Parser:
    """A person's or unit's name (``tabular.clean_name``: no spaces inside Chinese names); blank → ``""``."""
    return _text_parser(clean_name, max_length, too_long)


def _compact(raw: object) -> str:
    return "".join(fold(raw).split())


def code(*, max_length: int | None = None, too_long: str = "内容过长（最多{max}个字符）") -> Parser:
    """An identifier or phone number: folded, every space removed (``T 0001`` → ``T0001``); blank → ``""``."""
    return _text_parser(_compact, max_length, too_long)


def date(
    *, valid: Callable[[dt.date], bool] | None = None, invalid: str = "日期 {day:%Y-%m-%d} 超出合理范围"
) -> Parser:
    """A ``datetime.date`` in any style ``tabular.parse_date`` reads; blank → ``None``.

    ``valid`` (optional) is a plausibility rule evaluated at validation time (so "not after
    today" means today when the file is checked); a date it rejects raises ``invalid``
    (``{day}`` is the date).
    """

    def parse(raw: object) -> dt.date | None:
        day = parse_date(raw)
        if day is not None and valid is not None and not valid(day):
            raise ValueError(invalid.format(day=day))
        return day

    return parse


def choice(aliases: dict[str, Iterable[str]], label: str) -> Parser:
    """A choice code matched through ``aliases`` (code → spellings, ``tabular.match_choice``); blank → ``None``.

    An unknown value raises ``<label>“<value>”无法识别，可填写：<first spelling of each>``.
    """
    return lambda raw: match_choice(raw, aliases, label)


YES_NO: dict[str, list[str]] = {
    "yes": ["是", "会员", "y", "1", "true", "√"],
    "no": ["否", "非会员", "n", "0", "false", "×"],
}


def yes_no(label: str) -> Parser:
    """``True``/``False`` from 是/否 (and y/n, 1/0, √/×, 会员/非会员); blank → ``None``."""

    def parse(raw: object) -> bool | None:
        answer = match_choice(raw, YES_NO, label)
        return None if answer is None else answer == "yes"

    return parse


def yuan() -> Parser:
    """An amount in yuan as ``Decimal`` with two places (``tabular.parse_money``: ``￥1,200元``, ``1.2万``);
    blank → ``None``; negative, too large or not a number raises."""
    return parse_money


def id_number() -> Parser:
    """A resident ID number (GB 11643-1999), normalised (full-width folded, no spaces, upper-case X);
    blank → ``""``; a wrong length, date or check character raises the ``members.idcard`` message."""
    from members.idcard import id_number_error, normalize_id_number

    def parse(raw: object) -> str:
        value = normalize_id_number(fold(raw))
        problem = id_number_error(value) if value else ""
        if problem:
            raise ValueError(problem)
        return value

    return parse


# --- Spec and validator --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One importable column.

    ``key`` names the value in the cleaned row; ``label`` is the standard header (shown in the
    "missing column" message and as the error column when the file lacks the header); ``aliases``
    are the other header spellings; ``required`` makes a file without the header a file error.
    ``parse`` turns a raw cell into a value or raises ``ValueError`` (message shown as is);
    ``blank_error`` (optional) is the message for a blank cell; ``blank`` is the value of a cell
    the parser reads as ``None``; ``default`` the value when the column is absent (``OMIT``:
    no key). ``keep_blank`` leaves a blank cell out of the row (an update keeps the stored value)
    and reads ``CLEAR_TEXT`` as ``cleared`` (``OMIT``: "cannot be cleared", an error).
    """

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    parse: Parser = field(default=text())
    blank_error: str = ""
    blank: object = None
    default: object = OMIT
    keep_blank: bool = False
    cleared: object = OMIT


class ColumnSpec:
    """An importer's columns in validation order (the order errors are listed within a row)."""

    def __init__(self, *columns: Column, any_of: tuple[tuple[str, ...], ...] = ()):
        self.columns: tuple[Column, ...] = columns
        self.position = {c.key: i for i, c in enumerate(columns)}
        self.labels = {c.key: c.label for c in columns}
        self.any_of = any_of
        """Groups of keys of which a file must have at least one header each (``("staff_no", "name")``: a list
        names people by 工号 or by 姓名)."""

    def __iter__(self):
        return iter(self.columns)

    def aliases(self) -> dict[str, list[str]]:
        """Key → accepted header spellings (the standard header first), for ``tabular.read_table``."""
        return {c.key: [c.label, *c.aliases] for c in self.columns}

    def required(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns if c.required)

    def read(self, data: bytes, filename: str) -> Table:
        """``tabular.read_table`` with this spec's headers; raises ``TableFileError`` (Chinese message), also
        when the file has no header of an ``any_of`` group ("缺少必需的列：工号 或 姓名")."""
        table = read_table(data, filename, self.aliases(), self.required(), labels=self.labels)
        for group in self.any_of:
            if not any(key in table.headers for key in group):
                raise TableFileError("缺少必需的列：" + " 或 ".join(self.labels[key] for key in group))
        return table


@dataclass
class Row:
    """A row being validated: its spreadsheet ``number``, ``raw`` cells, cleaned ``values`` so far.

    Importers' ``check`` functions add domain errors with ``error(key, message)`` and may
    rewrite ``values`` (for example replace a name by the record it names).
    """

    number: int
    raw: dict[str, object]
    values: dict
    headers: dict[str, str]
    spec: ColumnSpec
    _errors: list[tuple[int, str, RowError]] = field(default_factory=list)

    def error(self, key: str, message: str) -> None:
        """Record ``message`` against column ``key`` (header text from the file, else its standard header)."""
        column = self.headers.get(key, self.spec.labels.get(key, key))
        position = self.spec.position.get(key, len(self.spec.columns))
        self._errors.append((position, key, RowError(self.number, column, message)))

    def error_keys(self) -> set[str]:
        """Keys of the columns that have an error in this row so far."""
        return {key for _, key, _ in self._errors}

    @property
    def errors(self) -> list[RowError]:
        """This row's errors in the spec's column order (stable within a column)."""
        return [e for _, _, e in sorted(self._errors, key=lambda entry: entry[0])]


@dataclass
class CleanRow:
    """A row without errors: spreadsheet row ``number`` and its cleaned ``values`` by key."""

    number: int
    values: dict


def _is_clear(raw: object) -> bool:
    return isinstance(raw, str) and "".join(fold(raw).split()) == fold(CLEAR_TEXT)


def _clean_kept_cell(row: Row, column: Column, raw: object) -> None:
    if _is_clear(raw):
        if column.cleared is OMIT:
            row.error(column.key, f"“{column.label}”不能清空")
        else:
            row.values[column.key] = column.cleared
        return
    try:
        value = column.parse(raw)
    except ValueError as exc:
        row.error(column.key, str(exc))
        return
    if value in (None, ""):
        if column.blank_error:
            row.error(column.key, column.blank_error)
        return
    row.values[column.key] = value


def _clean_cell(row: Row, column: Column, raw: object) -> None:
    if column.keep_blank:
        _clean_kept_cell(row, column, raw)
        return
    try:
        value = column.parse(raw)
    except ValueError as exc:
        row.error(column.key, str(exc))
        return
    if column.blank_error and value in (None, ""):
        row.error(column.key, column.blank_error)
    if value is None:
        value = column.blank
    if value is not OMIT:
        row.values[column.key] = value


def validate_rows(
    table: Table, spec: ColumnSpec, *, check: Callable[[Row], None] | None = None
) -> tuple[list[CleanRow], list[RowError]]:
    """Parse every row of ``table`` through ``spec``, then the importer's ``check``.

    Returns ``(rows, errors)``: the rows without any error, in file order, and every error,
    row by row and within a row in the spec's column order. Nothing here touches the database;
    ``check(row)`` is where an importer looks records up and tests uniqueness across rows.
    """
    clean: list[CleanRow] = []
    errors: list[RowError] = []
    for number, raw in table.rows:
        row = Row(number=number, raw=raw, values={}, headers=table.headers, spec=spec)
        for column in spec.columns:
            if column.key in table.headers:
                _clean_cell(row, column, raw.get(column.key))
            elif column.default is not OMIT:
                row.values[column.key] = column.default
        if check is not None:
            check(row)
        row_errors = row.errors
        errors.extend(row_errors)
        if not row_errors:
            clean.append(CleanRow(number, row.values))
    return clean, errors
