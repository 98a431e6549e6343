"""理赔名单 import (kind ``aid_claim``): a messy claim list made here, its row errors, the fixed file through the
browser flow, a re-import on the command line without duplicates, final statuses without the claim workflow,
an audit that names no one and no illness, and the report's figures for the year equal to the file's totals
(``reports.figures`` and raw SQL)."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import unicodedata
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from members.models import AuditEntry, Department, ImportBatch, Reminder
from members.tests.factories import MemberFactory
from reports.figures import collect
from union_portal.lib.record_imports import importer_for, provenance, run_file
from welfare.models import AidClaim, MutualAidPlan
from welfare.report import report_stats

pytestmark = pytest.mark.django_db
YEAR = 2023
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
HEADERS = [
    "序号",
    "部门",
    "职工号",
    "申请人",
    "险种",
    "申请时间",
    "申请金额（元）",
    "实际赔付金额",
    "到账日期",
    "理赔状态",
    "说明",
]
ILLNESS = "肺部肿瘤术后化疗"  # a note that must never reach the audit log


def xlsx(rows, headers=HEADERS, title=f"{YEAR}年互助保障理赔名单") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


ROSTER = [("T0001", "赵一", ""), ("T0002", "钱二", ""), ("T0003", "李明", ""), ("T0004", "王芳", "教务处"),
          ("T0005", "王芳", "总务处")]  # fmt: skip


def staff_no_of(staff_no: str, name: str, dept: str) -> str:
    """The roster's 工号 of a file row (the 工号 written, else the one roster line with that name and department)."""
    if staff_no:
        return unicodedata.normalize("NFKC", staff_no)
    (found,) = [no for no, n, d in ROSTER if n == name.replace(" ", "") and (not dept or d == dept)]
    return found


@pytest.fixture
def world(school, sub_a, sub_b, chair):
    teach = Department.objects.create(school=school, name="教务处")
    general = Department.objects.create(school=school, name="总务处")
    departments = {"": None, "教务处": teach, "总务处": general}
    keys = ["zhao", "qian", "li", "wang_a", "wang_b"]
    people = {
        key: MemberFactory(organization=sub_a if i % 2 == 0 else sub_b, staff_no=no, name=name,
                           department=departments[dept])
        for i, (key, (no, name, dept)) in enumerate(zip(keys, ROSTER, strict=True))
    }  # fmt: skip
    plans = {
        "hospital": MutualAidPlan.objects.create(organization=school, kind="hospital", name="住院医疗互助保障",
                                                 premium=Decimal("80"), is_health=True),
        "accident": MutualAidPlan.objects.create(organization=school, kind="accident", name="意外伤害互助保障",
                                                 premium=Decimal("30"), is_health=False),
    }  # fmt: skip
    return people, plans


def messy_rows():
    """Mixed date styles (text with 年月日, slashes, dots, an Excel serial number, a real date cell, 8 digits),
    amounts as "3,000.00"/"2400元", every way of giving the status, and four bad rows: an ambiguous 王芳,
    a 拒赔 with a payment, a payment before the claim, an unknown plan."""
    return [
        [1, "", "Ｔ０００１", "赵一", "住院医疗", "2023年3月5日", "3,000.00", "2400元", "2023/4/20", "已赔付", ILLNESS],
        [2, "", "T0002", "钱 二", "意外伤害", "2023/06/01", "", "800", "2023.6.30", "", ""],
        [3, "", "", "李 明", "住院医疗互助保障", 45000, "5000", "", "", "拒赔", ""],
        [4, "", "", "王芳", "意外险", dt.datetime(2023, 7, 8), "1200", "", "", "审核中", ""],
        [5, "", "T0005", "王芳", "住院", "20230901", "2000", "1500", "2023-08-01", "", ""],
        [6, "", "T0003", "李明", "意外伤害", "2023.10.12", "600", "600", "2023-11-01", "不予赔付", ""],
        [7, "", "T0001", "赵一", "牙科保险", "2023-11-20", "900", "", "", "申请", ""],
        [8, "", "T0002", "钱二", "意外伤害", "2023-12-01", "400", "", "", "", ""],
    ]


def fixed_rows():
    rows = messy_rows()
    rows[3][1] = "教务处"  # 王芳 of 教务处
    rows[4][8] = "2023-09-30"  # paid after the claim
    rows[5][7:9] = ["", ""]  # 不予赔付: no payment
    rows[6][4] = "住院医疗"
    return rows


# Expected per row of fixed_rows(), read off the rows above by the test's author: status and amounts in yuan.
STATUS_OF = {
    "已赔付": "paid",
    "": None,
    "拒赔": "rejected",
    "审核中": "submitted",
    "不予赔付": "rejected",
    "申请": "applied",
}


def file_expectations(rows, plans):
    """Each row's plan, person, status, 申请 and 赔付 (yuan), from the cells written above (blank status: paid
    when a payment is written, else applied; blank 申请金额: the 赔付金额; 已赔付 without an amount: the claim)."""
    out = []
    for _seq, dept, staff_no, name, plan_text, _on, claimed, paid, _paid_on, status, _notes in rows:
        paid_d = Decimal(str(paid).replace(",", "").replace("元", "")) if paid != "" else None
        claimed_d = Decimal(str(claimed).replace(",", "")) if claimed != "" else paid_d
        code = STATUS_OF[status] or ("paid" if paid_d else "applied")
        if code == "paid" and paid_d is None:
            paid_d = claimed_d
        plan = plans["hospital"] if "住院" in plan_text else plans["accident"]
        who = staff_no_of(staff_no, name, dept)
        out.append({"plan": plan, "who": who, "status": code, "claimed": claimed_d, "paid": paid_d or Decimal(0)})
    return out


def totals(expected):
    return {
        "claims": len(expected),
        "claim_persons": len({e["who"] for e in expected}),
        "paid_claims": sum(1 for e in expected if e["status"] == "paid"),
        "claimed": sum(e["claimed"] for e in expected),
        "paid": sum(e["paid"] for e in expected),
    }


def _write(rows) -> Path:
    path = Path(tempfile.mkdtemp()) / "理赔名单.xlsx"
    path.write_bytes(xlsx(rows))
    return path


def test_messy_claims_errors_then_fix_import_reimport_and_report(world, school, chair, client, settings):
    settings.REPORT_SMALL_COUNT_MIN = 4  # the health plan's 3 claimants are folded into 其他理赔
    people, plans = world
    client.force_login(chair)
    upload = reverse("imports:upload", kwargs={"kind": "aid_claim"})

    # 1. Row errors, in Chinese, by row and header as written; nothing written.
    response = client.post(upload, {"file": SimpleUploadedFile("理赔名单.xlsx", xlsx(messy_rows()))})
    preview = client.get(response["Location"])
    errors = {(e.row, e.column): e.message for e in preview.context["result"].errors}
    # Title row 1, header row 2: data rows are 3 … 10.
    assert set(errors) == {(6, "申请人"), (7, "到账日期"), (8, "理赔状态"), (9, "险种")}
    assert "T0004" in errors[(6, "申请人")] and "T0005" in errors[(6, "申请人")]
    assert "赔付日期早于申请日期" in errors[(7, "到账日期")]
    assert "不予赔付" not in errors[(8, "理赔状态")] and "拒赔" in errors[(8, "理赔状态")]
    assert plans["hospital"].name in errors[(9, "险种")]
    client.post(reverse("imports:confirm", kwargs={"kind": "aid_claim", "pk": preview.context["batch"].pk}))
    assert not AidClaim.objects.exists()

    # 2. The fixed file, confirmed in the browser: final statuses, no workflow.
    rows = fixed_rows()
    expected = file_expectations(rows, plans)
    response = client.post(upload, {"file": SimpleUploadedFile("理赔名单.xlsx", xlsx(rows))})
    preview = client.get(response["Location"])
    assert preview.context["result"].ok, preview.context["result"].errors
    batch = preview.context["batch"]
    client.post(reverse("imports:confirm", kwargs={"kind": "aid_claim", "pk": batch.pk}))
    claims = list(AidClaim.objects.order_by("pk"))  # written in file order
    assert [(c.plan, c.status, c.claimed_amount, c.paid_amount) for c in claims] == [
        (e["plan"], e["status"], e["claimed"], e["paid"]) for e in expected
    ]
    assert claims[0].paid_on == dt.date(2023, 4, 20) and claims[0].notes == ILLNESS
    assert claims[2].claimed_on == dt.date(2023, 3, 15)  # the Excel serial 45000
    assert all(provenance(c) == batch for c in claims)
    assert {c.member for c in claims} == {people["zhao"], people["qian"], people["li"], people["wang_a"],
                                          people["wang_b"]}  # fmt: skip
    assert AidClaim.history.filter(history_type="+").count() == len(rows)
    writes = (AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE, AuditEntry.Action.IMPORT)
    audits = list(AuditEntry.objects.filter(action__in=writes))
    assert [a.action for a in audits] == [AuditEntry.Action.IMPORT]  # no per-claim CREATE/UPDATE
    for text in (ILLNESS, *{m.name for m in people.values()}, *(p.name for p in plans.values())):
        assert text not in audits[0].summary
        assert text not in str(ImportBatch.objects.get(pk=batch.pk).summary)
    assert not mail.outbox and not Reminder.objects.exists()

    # 3. The same file on the command line: all skipped.
    call_command("import_aid_claim", str(_write(rows)), "--school", school.code)
    assert AidClaim.objects.count() == len(rows)
    again = ImportBatch.objects.filter(kind="aid_claim", status=ImportBatch.Status.DONE).latest("pk")
    assert again.summary["skipped"] == len(rows)

    # 4. The report's figures for the year are the file's totals (plans_total exact; the plans table's rows,
    # folded row included, add up to them), and so is raw SQL.
    want = totals(expected)
    stats = report_stats(organization=school, start=START, end=END)
    got = stats["plans_total"]
    assert {k: got[k] for k in want} == want
    assert [p["kind"] for p in stats["plans"]][-1] == "folded"
    for key in ("claims", "paid_claims", "paid"):
        assert sum(p[key] for p in stats["plans"]) == want[key]
    accident = [e for e in expected if e["plan"] == plans["accident"]]
    row = next(p for p in stats["plans"] if p["name"] == plans["accident"].name)
    assert (row["claims"], row["paid"]) == (len(accident), sum(e["paid"] for e in accident))
    figures = collect(organization=school, start=START, end=END)["current"]["welfare"]["plans_total"]
    assert (figures["paid_claims"], figures["claim_persons"], Decimal(figures["paid"])) == (
        want["paid_claims"], want["claim_persons"], want["paid"])  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COUNT(DISTINCT c.member_id), SUM(CASE WHEN c.status = 'paid' THEN 1 ELSE 0 END), "
            "SUM(c.claimed_amount), SUM(c.paid_amount) FROM welfare_aidclaim c "
            "JOIN welfare_mutualaidplan p ON p.id = c.plan_id WHERE p.organization_id = %s "
            "AND c.claimed_on BETWEEN %s AND %s",
            [school.pk, START, END],
        )
        n, persons, paid_n, claimed, paid = cursor.fetchone()
    cents = Decimal("0.01")
    assert (n, persons, paid_n) == (want["claims"], want["claim_persons"], want["paid_claims"])
    assert Decimal(str(claimed)).quantize(cents) == want["claimed"]
    assert Decimal(str(paid)).quantize(cents) == want["paid"]


def test_claim_page_says_imported_and_the_export_reimports_as_nothing_new(world, school, chair, client):
    people, plans = world
    result = run_file(importer_for("aid_claim"), school=school, data=xlsx(fixed_rows()), filename="理赔名单.xlsx")
    assert result.written
    entered = AidClaim.objects.create(plan=plans["accident"], member=people["zhao"], claimed_on=dt.date(2023, 2, 1),
                                      claimed_amount=Decimal("100"))  # fmt: skip
    imported = AidClaim.objects.exclude(pk=entered.pk).first()
    client.force_login(chair)
    page = client.get(reverse("welfare:claim_detail", kwargs={"pk": imported.pk})).content.decode()
    assert "data-imported" in page and "理赔名单.xlsx" in page
    page = client.get(reverse("welfare:claim_detail", kwargs={"pk": entered.pk})).content.decode()
    assert "data-imported" not in page
    exported = client.get(reverse("welfare:claim_export"), {"year": YEAR})
    data = b"".join(exported.streaming_content) if exported.streaming else exported.content
    again = importer_for("aid_claim").validate(school=school, data=data, filename="理赔记录-2023.xlsx")
    assert again.ok, again.errors
    assert again.skipped == AidClaim.objects.count() and not any(again.created.values())


def test_duplicate_rows_and_blank_amounts_are_errors(world, school):
    rows = fixed_rows()
    doubled = run_file(importer_for("aid_claim"), school=school, data=xlsx([*rows, rows[1]]), filename="a.xlsx")
    assert [(e.row, "与第 4 行重复" in e.message) for e in doubled.errors] == [(3 + len(rows), True)]
    blank = [[9, "", "T0001", "赵一", "住院", "2023-05-05", "", "", "", "", ""]]
    result = run_file(importer_for("aid_claim"), school=school, data=xlsx(blank), filename="b.xlsx")
    assert [e.message for e in result.errors] == ["申请金额和赔付金额都为空"]
    future = [[9, "", "T0001", "赵一", "住院", "2999-05-05", "100", "", "", "", ""]]
    result = run_file(importer_for("aid_claim"), school=school, data=xlsx(future), filename="c.xlsx")
    assert [e.column for e in result.errors] == ["申请时间"]
    assert not AidClaim.objects.exists() and not ImportBatch.objects.exists()
