"""Files a new school brings on day one (made with openpyxl): a roster naming sub-unions and
groups that do not exist yet, and a welfare ledger of the same staff."""

from __future__ import annotations

import io

from openpyxl import Workbook

from members.tests.rosters import valid_id

ROSTER_HEADERS = ["工号", "姓名", "性别", "身份证号", "部门", "分工会", "工会小组", "职称", "入职时间", "手机"]
ROSTER_ROWS = [
    ["N001", "周一", "男", valid_id("19800101", "011"), "校长室", "行政分工会", "", "高级教师", "2001-09-01", "13800000001"],
    ["N002", "吴二", "女", valid_id("19820202", "022"), "教务处", "语文分工会", "初一小组", "一级教师", "2005-09-01", "13800000002"],
    ["N003", "郑三", "男", valid_id("19850303", "031"), "教务处", "语文分工会", "初二小组", "一级教师", "2008-09-01", "13800000003"],
    ["N004", "王四", "女", valid_id("19900404", "042"), "总务处", "数学分工会", "", "二级教师", "2012-09-01", "13800000004"],
    ["N005", "冯五", "男", valid_id("19950505", "051"), "总务处", "数学分工会", "初一小组", "", "2019-09-01", "13800000005"],
]  # fmt: skip
LEDGER_HEADERS = ["日期", "工号", "姓名", "事由", "慰问金", "备注"]


def xlsx(headers: list, rows: list, title: str = "") -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def roster_file() -> bytes:
    return xlsx(ROSTER_HEADERS, ROSTER_ROWS, title="新学校教职工名册")


def ledger_file(year: int) -> bytes:
    rows = [
        [f"{year}-03-15", "N002", "吴二", "生病住院", 500, ""],
        [f"{year}-05-20", "N004", "王四", "生育", 300, ""],
        [f"{year}-09-10", "N001", "周一", "退休", 1000, "光荣退休"],
    ]
    return xlsx(LEDGER_HEADERS, rows, title=f"{year}年慰问台账")
