"""Builders of messy roster workbooks for importer tests (the quirks real schools send)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

from members.idcard import id_check_char


def valid_id(birth: str = "19850307", seq: str = "123") -> str:
    first17 = "330108" + birth + seq
    return first17 + id_check_char(first17)


def messy_roster(*, bad: bool) -> bytes:
    """A roster with a merged title row, odd headers, full-width digits and every date style.

    With ``bad`` it also carries four errors: a wrong ID checksum (row 5), an
    impossible date (row 8), an unknown sub-union (row 9) and a duplicate 工号 (row 11).
    """
    wb = Workbook()
    ws = wb.active
    ws.append(["滨江实验中学2024年教职工名册"])
    ws.merge_cells("A1:H1")
    ws.append([" 姓 名 ", "职工号*", "性别", "出生年月", "身份证号码", "所在部门", "分工会", "用工形式", "入职时间"])
    rows = [
        [
            "张 三",
            "T0001",
            "男",
            "1985-03-07",
            valid_id("19850307", "131"),
            "教务处",
            "语文组分工会",
            "在编",
            "2008/9/1",
        ],
        ["李四", "Ｔ０００２", "女", "1986/3/7", "", "总务处", "数学组分工会", "合同制", "2010.09.01"],
        [
            "王五",
            "T0003",
            "男",
            "1987.03.07",
            valid_id("19870307", "111")[:-1] + ("0" if valid_id("19870307", "111")[-1] != "0" else "1")
            if bad
            else valid_id("19870307", "111"),
            "教务处",
            "",
            "人事代理",
            "2012年9月1日",
        ],
        [None, None, None, None, None, None, None, None, None],
        ["赵六", "T0004", "女", "198503", "", "德育处", "语文组分工会", "劳务派遣", 39692],
        [
            "孙七",
            "T0005",
            "男",
            "1985.3" if not bad else "1985-02-30",
            "",
            "教务处",
            "数学组分工会",
            "临时",
            dt.datetime(2015, 9, 1),
        ],
        [
            "周八",
            "T0006",
            "女",
            "19850307",
            "",
            "新成立部门",
            "不存在的分工会" if bad else "语文组分工会",
            "在编",
            "201509",
        ],
        ["  吴　九  ", "T0007", "男", 31113, "", "教务处", "语文组分工会", "在编", "2016-09-01"],
        ["郑十", "T0001" if bad else "T0008", "女", "1990-01-01", "", "教务处", "语文组分工会", "在编", "2018-09-01"],
    ]
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
