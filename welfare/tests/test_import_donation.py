"""捐款名单 / 献血名单 import (``welfare.importers.donation``): a messy real-looking list, fixed and imported
through the browser, re-imported without duplicates, and the report's donation figures equal to the file."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from members.models import AuditEntry, ImportBatch, ImportedRecord
from members.tests.factories import DepartmentFactory, MemberFactory
from reports.figures import collect
from union_portal.lib.record_imports import importer_for, run_file
from union_portal.lib.tabular import EXCEL_EPOCH, parse_money
from welfare import services
from welfare.importers.donation import drive_title, kind_from_text, title_date
from welfare.models import Donation, DonationDrive
from welfare.report import report_stats

pytestmark = pytest.mark.django_db
START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
DAY = dt.date(2025, 3, 5)
TITLE = "2025年“慈善一日捐”捐款名单"
HEADER = ["序号", "部门", "工 号", "姓名", "捐款金额（元）", "捐款日期", "备注"]


@pytest.fixture
def staff(school, sub_a, sub_b):
    """Seven colleagues; two of them are called 王芳 (in different departments)."""
    chinese = DepartmentFactory(school=school, name="语文组")
    maths = DepartmentFactory(school=school, name="数学组")
    people = [
        ("S001", "张三", sub_a, chinese), ("S002", "李四", sub_b, maths), ("S003", "王芳", sub_a, chinese),
        ("S004", "王芳", sub_b, maths), ("S005", "赵六", sub_a, chinese), ("S006", "钱七", sub_b, maths),
        ("S007", "孙八", sub_a, chinese),
    ]  # fmt: skip
    return {no: MemberFactory(organization=org, staff_no=no, name=name, department=dept)
            for no, name, org, dept in people}  # fmt: skip


def _xlsx(title: str | None, header: list, rows: list[list], merge_down: tuple[str, ...] = ()) -> bytes:
    """A sheet like a real list: a merged title row (when ``title``), a note row, the header, the rows.
    ``merge_down`` merges cell ranges (``"B4:B5"``) the way people merge a date over several rows."""
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws.append(["填报单位：测试中学工会", None, None, None, "单位：元"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    for cells in merge_down:
        ws.merge_cells(cells)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _serial(day: dt.date) -> int:
    return (day - EXCEL_EPOCH).days


# Data rows start at spreadsheet row 4 (title, note, header). Every date style means 2025-03-05.
MESSY = [
    [1, "语文组", "", "张 三", "1,200.00", "2025/3/5", "按姓名匹配"],
    [2, "数学组", "S002", "李四", "200元", "2025年3月5日", ""],
    [3, "", "", "王芳", "100", "20250305", "重名"],  # row 6: ambiguous name
    [4, "", "Ｓ００５", "赵六", "１５０", dt.datetime(2025, 3, 5), "全角"],
    [5, "", "S006", "钱七", "一百", _serial(DAY), "金额写错"],  # row 8: not an amount
    [6, "", "S002", "李四", 50, "2025.3.5", "重复"],  # row 9: 李四 again in the same drive
    [7, "语文组", "", "孙 八", 300, "2025-03-05", ""],
]
FIXED = [row[:] for row in MESSY if row[0] != 6]
FIXED[2][2] = "S004"  # the 王芳 of 数学组
FIXED[4][4] = "300.00"


def _file_totals(rows: list[list]) -> dict:
    """The fixed file's totals, computed from the rows written above: 人次, distinct people, yuan."""
    people = {(r[2].strip() or r[3].replace(" ", "")) for r in rows}
    return {"donations": len(rows), "donors": len(people), "total": sum(parse_money(r[4]) for r in rows)}


def _raw_sql(school, start, end, *, blood: bool) -> tuple[int, int, Decimal, int]:
    """(人次, 人, 元, 毫升) of the school's donations dated in the period, straight from the tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COUNT(DISTINCT d.member_id), COALESCE(SUM(d.amount), 0), COALESCE(SUM(d.blood_ml), 0) "
            "FROM welfare_donation d JOIN welfare_donationdrive v ON v.id = d.drive_id "
            "WHERE v.organization_id = %s AND v.held_on BETWEEN %s AND %s AND (v.kind = 'blood') = %s",
            [school.pk, start, end, blood],
        )
        n, people, total, ml = cursor.fetchone()
    return n, people, Decimal(str(total)).quantize(Decimal("0.01")), ml


def _upload(client, data: bytes, name: str):
    response = client.post(
        reverse("imports:upload", kwargs={"kind": "donation"}), {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def test_messy_list_fixed_imported_reimported_and_reported(login, chair, school, staff):
    client = login(chair)
    # 1. The messy file: every problem listed by row, nothing written.
    preview = client.get(_upload(client, _xlsx(TITLE, HEADER, MESSY), "一日捐.xlsx"))
    assert preview.status_code == 200
    errors = {(e.row, e.message) for e in preview.context["result"].errors}
    by_row = {row: message for row, message in errors}
    assert set(by_row) == {6, 8, 9}, errors
    assert "2 位“王芳”" in by_row[6] and "S003" in by_row[6] and "S004" in by_row[6]
    assert "一百" in by_row[8]
    assert "李四" in by_row[9] and "第 5 行" in by_row[9]
    batch = ImportBatch.objects.get()
    confirm = client.post(reverse("imports:confirm", kwargs={"kind": "donation", "pk": batch.pk}))
    assert confirm.status_code == 302
    assert not DonationDrive.objects.exists() and not Donation.objects.exists()

    # 2. The fixed file: previewed, confirmed; one drive named and dated from the title row and cells.
    fixed = _xlsx(TITLE, HEADER, FIXED)
    url = _upload(client, fixed, "一日捐-改.xlsx")
    preview = client.get(url)
    result = preview.context["result"]
    assert result.ok and result.created == {"捐助活动": 1, "捐款/献血记录": len(FIXED)}
    batch = ImportBatch.objects.latest("pk")
    response = client.post(reverse("imports:confirm", kwargs={"kind": "donation", "pk": batch.pk}))
    assert response.status_code == 302 and response["Location"] == reverse("welfare:donations")
    drive = DonationDrive.objects.get()
    assert (drive.organization, drive.kind, drive.title, drive.held_on) == (
        school, DonationDrive.Kind.ONE_DAY, "2025年慈善一日捐", DAY
    )  # fmt: skip
    by_no = {d.member.staff_no: d.amount for d in drive.donations.select_related("member")}
    assert by_no == {"S001": Decimal("1200.00"), "S002": Decimal("200.00"), "S004": Decimal("100.00"),
                     "S005": Decimal("150.00"), "S006": Decimal("300.00"), "S007": Decimal("300.00")}  # fmt: skip
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert ImportedRecord.objects.filter(batch=batch).count() == 1 + len(FIXED)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).get()
    assert "一日捐-改.xlsx" in entry.summary and f"批次 #{batch.pk}" in entry.summary

    # 3. The same file again: nothing new, every row skipped by natural key.
    client.get(_upload(client, fixed, "一日捐-改.xlsx"))
    again = ImportBatch.objects.latest("pk")
    client.post(reverse("imports:confirm", kwargs={"kind": "donation", "pk": again.pk}))
    again.refresh_from_db()
    assert again.summary["created"] == {"捐助活动": 0, "捐款/献血记录": 0}
    assert again.summary["skipped"] == len(FIXED)
    assert DonationDrive.objects.count() == 1 and Donation.objects.count() == len(FIXED)

    # 4. The report's figures for the year equal the file's totals, and so do the tables themselves.
    expected = _file_totals(FIXED)
    figures = collect(organization=school, start=START, end=END)["current"]["welfare"]["donations"]
    stats = report_stats(organization=school, start=START, end=END)["donations"]
    for got in (figures, stats):
        assert (got["donations"], got["donors"], Decimal(str(got["total"]))) == (
            expected["donations"], expected["donors"], expected["total"]
        )  # fmt: skip
        assert got["drives"] == 1 and got["blood"] == {"donors": 0, "ml": 0}
    n, people, total, _ = _raw_sql(school, START, END, blood=False)
    assert (n, people, total) == (expected["donations"], expected["donors"], expected["total"])


BLOOD_HEADER = ["类别", "日期", "活动名称", "工号", "姓名", "金额(元)", "献血量(毫升)"]
BLOOD_ROWS = [
    ["献血", "2025-04-10", "2025年春季无偿献血", "S001", "张三", None, "400ml"],
    [None, None, None, "S002", "李 四", None, 200],  # 类别/日期/名称 merged from the row above
    ["爱心捐款", "2025年5月20日", "2025年爱心捐款", "S003", "王芳", 100, None],  # already entered in the portal
    [None, None, None, "S005", "赵六", "80元", None],
]


def test_command_line_blood_and_per_row_kinds_reuse_a_portal_drive(school, staff, tmp_path, capsys):
    portal = DonationDrive.objects.create(
        organization=school, kind=DonationDrive.Kind.CHARITY, title="2025年爱心捐款", held_on=dt.date(2025, 5, 20)
    )
    services.donation_record(drive=portal, member=staff["S003"], amount=Decimal("100"))
    path = tmp_path / "献血与捐款.xlsx"
    path.write_bytes(_xlsx(None, BLOOD_HEADER, BLOOD_ROWS, merge_down=("A2:A3", "B2:B3", "C2:C3")))

    call_command("import_donation", str(path), "--school", school.code, "--dry-run")
    assert "检查通过（未写入）" in capsys.readouterr().out
    assert DonationDrive.objects.count() == 1 and not ImportBatch.objects.exists()

    call_command("import_donation", str(path), "--school", school.code)
    assert "捐助活动 1 条、捐款/献血记录 3 条" in capsys.readouterr().out
    blood = DonationDrive.objects.get(kind=DonationDrive.Kind.BLOOD)
    assert (blood.title, blood.held_on) == ("2025年春季无偿献血", dt.date(2025, 4, 10))
    assert sorted(blood.donations.values_list("member__staff_no", "blood_ml")) == [("S001", 400), ("S002", 200)]
    assert sorted(portal.donations.values_list("member__staff_no", "amount")) == [
        ("S003", Decimal("100.00")), ("S005", Decimal("80.00"))
    ]  # fmt: skip
    assert ImportBatch.objects.get().uploaded_by is None

    call_command("import_donation", str(path), "--school", school.code)
    assert "已存在（按自然键）跳过 4 行" in capsys.readouterr().out
    assert Donation.objects.count() == 4

    # Blood drives count only under ``blood``; money figures are the portal row plus the imported one.
    stats = report_stats(organization=school, start=START, end=END)["donations"]
    blood_rows = [r for r in BLOOD_ROWS[:2]]
    ml = sum(int(str(r[6]).removesuffix("ml")) for r in blood_rows)
    assert stats["blood"] == {"donors": len(blood_rows), "ml": ml}
    assert (stats["donations"], stats["total"]) == (2, Decimal("180.00"))
    assert _raw_sql(school, START, END, blood=True) == (len(blood_rows), len(blood_rows), Decimal("0.00"), ml)


def _validate(school, data: bytes, name: str = "x.xlsx"):
    return importer_for("donation").validate(school=school, data=data, filename=name)


def test_row_rules(school, staff):
    rows = [
        ["一日捐", "", "S001", "张三", 100, None],  # no date anywhere
        ["年货", "2025-01-10", "S002", "李四", 100, None],  # unknown kind
        ["一日捐", "2025-01-10", "S003", "", None, None],  # money drive without amount
        ["一日捐", "2025-01-10", "S005", "赵六", 100, 400],  # ml on a money drive
        ["献血", "2025-01-10", "S006", "钱七", None, 3000],  # implausible volume
        ["献血", "2099-01-10", "S007", "孙八", None, 300],  # in the future
    ]
    result = _validate(school, _xlsx(None, ["类别", "日期", "工号", "姓名", "金额", "献血量"], rows))
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert set(messages) == {(2, "日期"), (3, "类别"), (4, "金额"), (5, "献血量"), (6, "献血量"), (7, "日期")}
    assert "年货" in messages[(3, "类别")] and "一日捐" in messages[(3, "类别")]
    assert "3000" in messages[(6, "献血量")]


def test_file_level_problems_and_csv(school, staff):
    no_money = _validate(school, _xlsx(None, ["工号", "姓名", "日期"], [["S001", "张三", "2025-01-01"]]))
    assert "金额" in no_money.file_error
    not_a_sheet = _validate(school, b"\x00\x01garbage", "list.pdf")
    assert not_a_sheet.file_error and not not_a_sheet.rows
    csv = "2024年3月1日爱心捐款名单\n工号,姓名,金额\nS001,张三,100\n".encode("gb18030")
    result = _validate(school, csv, "list.csv")
    assert result.ok, result.errors
    (row,) = result.rows
    assert (row["kind"], row["held_on"], row["title"]) == ("charity", dt.date(2024, 3, 1), "2024年3月1日爱心捐款")


def test_defaults_without_title_or_columns(school, staff):
    rows = [["2024-09-01", "S001", "张三", None, 400]]
    result = _validate(school, _xlsx(None, ["日期", "工号", "姓名", "备注", "献血量"], rows))
    (row,) = result.rows
    assert (row["kind"], row["title"]) == ("blood", "2024年无偿献血")


@pytest.mark.parametrize(
    ("title", "name", "day", "kind"),
    [
        ("2025年“慈善一日捐”捐款名单", "2025年慈善一日捐", None, "one_day"),
        ("2024年3月5日无偿献血人员登记表", "2024年3月5日无偿献血", dt.date(2024, 3, 5), "blood"),
        ("扶贫济困 捐款明细", "扶贫济困捐款", None, "poverty"),
        ("教职工名单", "教职工", None, None),
    ],
)
def test_title_row_parts(title, name, day, kind):
    assert (drive_title(title), title_date(title), kind_from_text(title)) == (name, day, kind)


def test_pages_button_provenance_and_constant_queries(login, chair, member, school, staff):
    path_data = _xlsx(TITLE, HEADER, FIXED)
    result = run_file(importer_for("donation"), school=school, data=path_data, filename="名单.xlsx", acting_user=chair)
    assert result.written
    batch = ImportBatch.objects.filter(status=ImportBatch.Status.DONE).get()
    drive = DonationDrive.objects.get()
    page = login(chair).get(reverse("welfare:donations"))
    assert reverse("imports:upload", kwargs={"kind": "donation"}) in page.content.decode()
    detail = login(chair).get(reverse("welfare:drive_detail", args=[drive.pk])).content.decode()
    assert f'data-imported="{batch.pk}"' in detail and "名单.xlsx" in detail
    assert detail.count("由历史名单导入") == len(FIXED)
    # A drive entered in the portal says nothing about imports; its page costs the same queries.
    portal = DonationDrive.objects.create(organization=school, kind="charity", title="手工", held_on=DAY)
    for member_ in list(staff.values())[:2]:
        services.donation_record(drive=portal, member=member_, amount=Decimal("10"))
    client = login(chair)
    counts = []
    for d in (drive, portal):
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(reverse("welfare:drive_detail", args=[d.pk])).content.decode()
        counts.append(len(ctx))
    assert "data-imported" not in html and "由历史名单导入" not in html
    assert counts[0] == counts[1]
    plain = login(member).get(reverse("welfare:donations"))
    assert reverse("imports:upload", kwargs={"kind": "donation"}) not in plain.content.decode()


def test_a_future_date_in_the_title_is_no_fallback(school, staff):
    next_year = dt.date.today().year + 1
    result = _validate(
        school, _xlsx(f"{next_year}年3月5日爱心捐款名单", ["工号", "姓名", "金额"], [["S001", "张三", 10]])
    )
    assert [(e.row, e.column) for e in result.errors] == [(4, "日期")]
