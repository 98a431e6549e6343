"""The declarative column spec and the one row validator (union_portal/lib/columns.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from members.tests.rosters import valid_id
from union_portal.lib import columns
from union_portal.lib.columns import OMIT, Column, ColumnSpec, validate_rows
from union_portal.lib.tabular import TableFileError


def _csv(*lines: str) -> bytes:
    return "\n".join(lines).encode()


def _run(spec: ColumnSpec, *lines: str, check=None):
    return validate_rows(spec.read(_csv(*lines), "t.csv"), spec, check=check)


# --- parsers ------------------------------------------------------------------------------------


def test_text_folds_and_limits_length():
    parse = columns.text(max_length=3)
    assert parse("  ＡＢ ") == "AB" and parse(None) == ""
    with pytest.raises(ValueError, match="内容过长（最多3个字符）"):
        parse("abcd")
    with pytest.raises(ValueError, match="^名字太长了$"):
        columns.text(max_length=1, too_long="名字太长了")("ab")


def test_name_drops_spaces_in_chinese_names_only():
    parse = columns.name()
    assert parse(" 张　三 ") == "张三" and parse("Ann   Lee") == "Ann Lee"


def test_code_removes_every_space():
    assert columns.code()(" T 00１ ") == "T001"


def test_date_reads_every_style_and_applies_its_rule():
    parse = columns.date(valid=lambda d: d.year >= 1900)
    assert parse("1985年3月7日") == parse(31113) == dt.date(1985, 3, 7)
    assert parse("") is None
    with pytest.raises(ValueError, match="日期 1899-12-31 超出合理范围"):
        parse("1899-12-31")
    with pytest.raises(ValueError, match="日期 1899-12-31 太早"):
        columns.date(valid=lambda d: d.year >= 1900, invalid="日期 {day:%Y-%m-%d} 太早")("1899-12-31")
    with pytest.raises(ValueError, match="无法识别的日期“下周三”"):
        parse("下周三")


def test_choice_matches_aliases_and_names_accepted_values():
    parse = columns.choice({"male": ["男", "M"], "female": ["女", "F"]}, "性别")
    assert parse(" m ") == "male" and parse("女") == "female" and parse("") is None
    with pytest.raises(ValueError, match="性别“x”无法识别，可填写：男、女"):
        parse("x")


def test_yes_no():
    parse = columns.yes_no("是否会员")
    assert parse("是") is True and parse("×") is False and parse(None) is None
    with pytest.raises(ValueError, match="是否会员“也许”无法识别，可填写：是、否"):
        parse("也许")


def test_yuan_is_a_decimal_in_yuan():
    parse = columns.yuan()
    assert parse("￥1,200元") == Decimal("1200.00") and parse("1.5万") == Decimal("15000.00")
    assert parse("") is None
    with pytest.raises(ValueError, match="金额不能为负数"):
        parse("-5")
    with pytest.raises(ValueError, match="金额“abc”不是数字"):
        parse("abc")


def test_id_number_is_normalised_and_checked():
    parse = columns.id_number()
    good = valid_id("19790615", "132")
    assert parse(" " + good[:-1] + good[-1].lower()) == good and parse(None) == ""
    with pytest.raises(ValueError, match="身份证号应为18位，实际为5位"):
        parse("12345")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValueError, match="身份证号校验位不正确"):
        parse(wrong)


# --- spec and validator --------------------------------------------------------------------------

SPEC = ColumnSpec(
    Column("name", "姓名", ("教职工姓名",), required=True, parse=columns.name(), blank_error="姓名不能为空"),
    Column("no", "工号", ("职工号", "编号"), required=True, parse=columns.code(max_length=4)),
    Column("born", "出生日期", ("出生年月",), parse=columns.date()),
    Column("kind", "用工形式", parse=columns.choice({"a": ["在编"], "b": ["合同"]}, "用工形式"), blank=OMIT),
    Column("money", "金额", parse=columns.yuan(), blank=Decimal("0"), default=Decimal("0")),
)


def test_missing_required_header_is_a_file_error_naming_the_standard_header():
    with pytest.raises(TableFileError, match="缺少必需的列：工号"):
        SPEC.read(_csv("姓名,出生日期", "张三,1985-03-07"), "t.csv")


def test_header_aliases_are_recognised_and_errors_name_the_header_in_the_file():
    rows, errors = _run(SPEC, "教职工姓名,职工号*,出生年月", "张三,T1,1985.3", "李四,TOOLONG,x")
    assert [r.values for r in rows] == [
        {"name": "张三", "no": "T1", "born": dt.date(1985, 3, 1), "money": Decimal("0")}
    ]
    assert [(e.row, e.column) for e in errors] == [(3, "职工号*"), (3, "出生年月")]


def test_blank_and_absent_columns():
    rows, errors = _run(SPEC, "姓名,工号,用工形式,金额,出生日期", "张三,T1,,,", "李四,T2,合同,5,")
    assert errors == []
    # blank → the column's ``blank`` (``OMIT`` leaves the key out); a blank date is None
    assert rows[0].values == {"name": "张三", "no": "T1", "born": None, "money": Decimal("0")}
    assert rows[1].values["kind"] == "b" and rows[1].values["money"] == Decimal("5.00")
    # absent → ``default`` or no key at all
    rows, _ = _run(SPEC, "姓名,工号", "张三,T1")
    assert rows[0].values == {"name": "张三", "no": "T1", "money": Decimal("0")}


def test_blank_error_and_row_numbers_count_title_rows():
    rows, errors = _run(SPEC, "2024 名册", "姓名,工号", ",T1", "王五,T2")
    assert [(e.row, e.column, e.message) for e in errors] == [(3, "姓名", "姓名不能为空")]
    assert [r.number for r in rows] == [4]


def test_check_errors_join_parser_errors_in_column_order():
    seen: dict[str, int] = {}

    def unique_no(row):
        no = row.values.get("no")
        if "no" in row.error_keys() or not no:
            return
        if no in seen:
            row.error("no", f"工号 {no} 与第 {seen[no]} 行重复")
        else:
            seen[no] = row.number
        row.values["checked"] = True

    rows, errors = _run(SPEC, "出生日期,姓名,工号", "1985-03-07,张三,T1", "bad,李四,T1", check=unique_no)
    assert [r.values.get("checked") for r in rows] == [True]
    # spec order (工号 before 出生日期), not the order the errors were found in
    assert [(e.row, e.column, e.message) for e in errors] == [
        (3, "工号", "工号 T1 与第 2 行重复"),
        (3, "出生日期", "无法识别的日期“bad”，请写成 1985-03-07 的形式"),
    ]


def test_spec_aliases_put_the_standard_header_first():
    assert SPEC.aliases()["no"] == ["工号", "职工号", "编号"] and SPEC.required() == ("name", "no")
