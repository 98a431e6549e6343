"""Acceptance of the 困难职工帮扶名单 importer (``welfare.importers.hardship``): a messy list made here, its row
errors (no 致困原因 echoed), the fixed file imported in the browser, a re-import on the command line without
duplicates, and the report's hardship figures for the period equal to the file's totals (and to raw SQL)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook

from members.models import AuditEntry, ImportBatch, ImportedRecord
from members.tests.factories import DepartmentFactory, MemberFactory
from reports import figures
from welfare.models import HardshipAid, HardshipCase

pytestmark = pytest.mark.django_db

HEADER = ["序号", "职工号", "姓名", "科室", "建档时间", "困难原因", "困难类别", "是否脱困", "脱困时间", "发放日期",
          "帮扶金(元)", "资金来源", "备注"]  # fmt: skip
START, END = dt.date(2023, 1, 1), dt.date(2023, 12, 31)
EXCEL_EPOCH = dt.date(1899, 12, 30)
D = dt.date
SECRET = "秘密致困原因"


def xlsx(rows, title="2023年困难职工帮扶名单"):
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _upload(data, name):
    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@pytest.fixture
def staff(school, sub_a, sub_b):
    jw, zw = DepartmentFactory(school=school, name="教务处"), DepartmentFactory(school=school, name="总务处")
    people = {
        "wang": MemberFactory(organization=sub_a, staff_no="T001", name="王芳", department=jw),
        "li1": MemberFactory(organization=sub_a, staff_no="T002", name="李伟", department=jw),
        "li2": MemberFactory(organization=sub_b, staff_no="T003", name="李伟", department=zw),
        "zhang": MemberFactory(organization=sub_b, staff_no="T004", name="张强"),
        "zhao": MemberFactory(organization=sub_a, staff_no="T005", name="赵敏"),
    }
    # A case entered in the portal before the import: still open, no aid yet.
    HardshipCase.objects.create(member=people["zhang"], opened_on=D(2022, 1, 10), reason="配偶失业")
    return people


PORTAL_CASES = {("zhang", D(2022, 1, 10)): (D(2022, 1, 10), None)}


def rows_for(*, fixed: bool):
    """(case key (who, 建档日期), 脱困日期, 帮扶日期, 金额 yuan or None, sheet row). ``fixed=False`` adds an
    ambiguous 李伟, a 致困原因 that contradicts the case's, an amount that is no number and a payment before
    the case was opened."""
    serial = (D(2023, 3, 15) - EXCEL_EPOCH).days
    rows = [
        (("wang", D(2023, 2, 1)), None, D(2023, 2, 10), Decimal("2000"),
         [1, "Ｔ００１", "王 芳", "", "2023年2月1日", "子女患重病", "特困", "否", "", "2023/2/10", "2,000.00", "工会", ""]),
        (("wang", D(2023, 2, 1)), None, D(2023, 9, 1), Decimal("1500"),
         [2, "T001", "王芳", "", "", "", "", "", "", "20230901", "1500元", "上级工会", "中秋节"]),
        (("li2", D(2023, 3, 1)), None, D(2023, 3, 15), Decimal("1000"),
         [3, "", "李伟", "总务处" if fixed else "", "2023-03-01", "家庭遭受火灾", "一般困难", "", "", serial, 1000, "", ""]),
        (("zhang", D(2022, 1, 10)), None, D(2023, 6, 1), Decimal("800"),
         [4, "T004", "张强", "", "", "", "", "", "", "2023-06-01", "800", "", ""]),
        (("wang", D(2023, 2, 1)), D(2023, 12, 20), None, None,
         [5, "T001", "王芳", "", "2023-02-01", "" if fixed else SECRET, "", "已脱困", "2023-12-20", "", "", "", ""]),
        (("zhao", D(2022, 11, 5)), D(2023, 4, 30), D(2023, 1, 15), Decimal("3000"),
         [6, "T005", "赵敏", "", "2022-11-05", "本人患重大疾病", "一般", "是", "2023-04-30", "2023-01-15", 3000, "福利费",
          ""]),
        (("zhao", D(2022, 11, 5)), None, D(2022, 12, 1), Decimal("500"),
         [7, "T005", "赵敏", "", "2022.11.5", "", "", "", "", "2022-12-01", "500", "", ""]),
    ]  # fmt: skip
    if not fixed:
        rows += [
            (
                None,
                None,
                None,
                None,
                [8, "T001", "王芳", "", "2023-02-01", "", "", "", "", "2023-05-05", "一千", "", ""],
            ),
            (
                None,
                None,
                None,
                None,
                [9, "T001", "王芳", "", "2023-02-01", "", "", "", "", "2023-01-05", "100", "", ""],
            ),
        ]
    return rows


def expected_figures(staff, rows):
    """The report's ``hardship`` figures for 2023, from the rows written here plus the portal's case."""
    cases = dict(PORTAL_CASES)
    for key, closed, *_ in rows:
        opened, was_closed = cases.get(key, (key[1], None))
        cases[key] = (opened, closed or was_closed)
    aids = [(key[0], amount) for key, _, paid, amount, _ in rows if amount and START <= paid <= END]
    return {
        "opened": sum(1 for opened, _ in cases.values() if START <= opened <= END),
        "closed": sum(1 for _, closed in cases.values() if closed and START <= closed <= END),
        "open_at_end": sum(1 for opened, closed in cases.values() if opened <= END and (not closed or closed > END)),
        "aid_count": len(aids),
        "aid_persons": len({who for who, _ in aids}),
        "aid_total": sum((amount for _, amount in aids), Decimal("0")),
    }


def sql_aids(school):
    """Independent count of the school's aid payments in 2023: (人次, 人, 元)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COUNT(DISTINCT c.member_id), COALESCE(SUM(a.amount), 0)"
            " FROM welfare_hardshipaid a JOIN welfare_hardshipcase c ON c.id = a.case_id"
            " JOIN members_member m ON m.id = c.member_id"
            " WHERE m.school_id = %s AND a.paid_on BETWEEN %s AND %s",
            [school.pk, START.isoformat(), END.isoformat()],
        )
        n, persons, total = cursor.fetchone()
        cursor.execute(
            "SELECT COUNT(*) FROM welfare_hardshipcase c JOIN members_member m ON m.id = c.member_id"
            " WHERE m.school_id = %s AND c.opened_on <= %s AND (c.closed_on IS NULL OR c.closed_on > %s)",
            [school.pk, END.isoformat(), END.isoformat()],
        )
        return n, persons, Decimal(str(total)).quantize(Decimal("0.01")), cursor.fetchone()[0]


def test_messy_list_errors_fix_import_reimport_and_report(school, staff, chair, login, tmp_path):
    client = login(chair)
    upload = reverse("imports:upload", kwargs={"kind": "hardship"})
    assert upload in client.get(reverse("welfare:hardship")).content.decode()

    bad = rows_for(fixed=False)
    response = client.post(upload, {"file": _upload(xlsx([HEADER] + [r[-1] for r in bad]), "帮扶名单.xlsx")})
    preview = client.get(response["Location"])
    errors = preview.context["result"].errors
    by_row = {(e.row, e.column): e.message for e in errors}
    # The title row is row 1, the header row 2: file row n is sheet row n + 2.
    assert "T002" in by_row[(5, "姓名")] and "T003" in by_row[(5, "姓名")]
    assert "致困原因前后不一致" in by_row[(7, "困难原因")]
    assert "一千" in by_row[(10, "帮扶金(元)")]
    assert "早于" in by_row[(11, "发放日期")]
    assert len(errors) == 4 and HardshipAid.objects.count() == 0 and HardshipCase.objects.count() == 1
    batch_text = str(ImportBatch.objects.get(pk=preview.context["batch"].pk).summary)
    assert SECRET not in preview.content.decode() and SECRET not in batch_text

    good = rows_for(fixed=True)
    data = xlsx([HEADER] + [r[-1] for r in good])
    response = client.post(upload, {"file": _upload(data, "帮扶名单.xlsx")})
    preview = client.get(response["Location"])
    result = preview.context["result"]
    assert result.ok, result.errors
    assert result.created == {"困难职工档案": 3, "帮扶记录": sum(1 for r in good if r[3]), "脱困更新": 0}
    batch = preview.context["batch"]
    assert client.post(reverse("imports:confirm", kwargs={"kind": "hardship", "pk": batch.pk})).status_code == 302

    wang = HardshipCase.objects.get(member=staff["wang"])
    assert (wang.status, wang.closed_on, wang.level, wang.reason) == (
        "closed",
        D(2023, 12, 20),
        "serious",
        "子女患重病",
    )
    zhang = HardshipCase.objects.get(member=staff["zhang"])
    assert zhang.reason == "配偶失业" and zhang.aids.get().amount == Decimal("800.00")
    assert HardshipAid.objects.get(paid_on=D(2023, 9, 1)).funding_source == "higher_union"
    assert all(a.history.count() == 1 for a in HardshipAid.objects.all())

    # Re-import of the same file (command line): nothing new, every row skipped by natural key.
    path = tmp_path / "帮扶名单.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_hardship", str(path), "--school", school.code, stdout=out)
    assert f"跳过 {len(good)} 行" in out.getvalue()
    assert HardshipCase.objects.count() == 4 and HardshipAid.objects.count() == sum(1 for r in good if r[3])

    # The report reads imported cases and payments as the portal's own: figures equal the file's totals.
    expected = expected_figures(staff, good)
    stats = figures.collect(organization=school, start=START, end=END)["current"]["welfare"]["hardship"]
    assert dict(stats, aid_total=Decimal(stats["aid_total"])) == expected  # the snapshot keeps yuan as text
    n, persons, total, open_at_end = sql_aids(school)
    assert (n, persons, total, open_at_end) == (
        expected["aid_count"],
        expected["aid_persons"],
        expected["aid_total"],
        expected["open_at_end"],
    )

    # Provenance on the imported case's page, none on the portal's own; the audit never names a reason.
    page = client.get(reverse("welfare:hardship_detail", args=[wang.pk])).content.decode()
    assert "data-imported=" in page and "帮扶名单.xlsx" in page
    assert "data-imported=" not in client.get(reverse("welfare:hardship_detail", args=[zhang.pk])).content.decode()
    assert ImportedRecord.objects.filter(batch=batch).count() == 3 + expected["aid_count"] + 1  # + the 2022 payment
    reasons = [r[-1][5] for r in good if r[-1][5]]
    imports = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT)
    assert imports.count() == 2
    assert not any(reason in e.summary for e in imports for reason in reasons)
    batch.refresh_from_db()
    assert not any(reason in str(batch.summary) for reason in reasons)


def test_file_can_close_an_open_portal_case_and_blank_opening_needs_an_open_case(school, staff):
    from welfare.importers.hardship import IMPORTER

    data = xlsx([["工号", "姓名", "状态", "脱困日期"], ["T004", "张强", "已脱困", "2023-05-01"]])
    result = IMPORTER.apply(school=school, data=data, filename="x.xlsx")
    assert result.written and result.created["脱困更新"] == 1
    case = HardshipCase.objects.get(member=staff["zhang"])
    assert (case.status, case.closed_on) == ("closed", D(2023, 5, 1))
    data = xlsx([["工号", "姓名", "帮扶日期", "帮扶金额"], ["T004", "张强", "2023-06-01", "100"]])
    result = IMPORTER.apply(school=school, data=data, filename="y.xlsx")
    assert not result.written and "没有帮扶中的档案" in result.errors[0].message


def test_new_case_needs_a_reason_and_closed_needs_a_date(school, staff):
    from welfare.importers.hardship import IMPORTER

    data = xlsx(
        [
            ["工号", "姓名", "建档日期", "状态", "脱困日期"],
            ["T005", "赵敏", "2023-01-01", "已脱困", ""],
            ["T001", "王芳", "2023-01-01", "", ""],
        ]
    )
    result = IMPORTER.apply(school=school, data=data, filename="x.xlsx")
    messages = {e.message for e in result.errors}
    assert "已脱困的档案要填写脱困日期" in messages and "新建档案要填写致困原因" in messages
    assert HardshipCase.objects.count() == 1


def test_list_page_import_button_only_for_importers(staff, chair, sub_union_chair, login):
    url = reverse("welfare:hardship")
    link = reverse("imports:upload", kwargs={"kind": "hardship"})
    assert link in login(chair).get(url).content.decode()
    assert link not in login(sub_union_chair).get(url).content.decode()
