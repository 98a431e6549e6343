"""参保名单 import (kind ``aid_enrolment``): a messy list made here, its row errors, the fixed file through the
browser flow, a re-import on the command line without duplicates, and the report's figures for the year
equal to the file's totals (read through ``reports.figures`` and checked again with raw SQL)."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from decimal import Decimal

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
from welfare.importers.aid_common import PlanMatcher
from welfare.models import FundingSource, MutualAidPlan, PlanEnrollment
from welfare.report import report_stats

pytestmark = pytest.mark.django_db
YEAR = 2023
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
HEADERS = ["序号", "所在部门", "职工号", "教职工姓名", "保障项目", "参保年度", "缴费金额", "经费来源"]


def xlsx(rows, headers=HEADERS, title=f"{YEAR}年度互助保障参保名单") -> bytes:
    """A workbook as schools keep it: a merged title row, a blank row, the header, the rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append([])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def world(school, sub_a, sub_b, chair):
    teach = Department.objects.create(school=school, name="教务处")
    general = Department.objects.create(school=school, name="总务处")
    people = {
        "zhao": MemberFactory(organization=sub_a, staff_no="T0001", name="赵一"),
        "qian": MemberFactory(organization=sub_a, staff_no="T0002", name="钱二"),
        "li": MemberFactory(organization=sub_b, staff_no="T0003", name="李明"),
        "wang_a": MemberFactory(organization=sub_a, staff_no="T0004", name="王芳", department=teach),
        "wang_b": MemberFactory(organization=sub_b, staff_no="T0005", name="王芳", department=general),
    }
    plans = {
        "illness": MutualAidPlan.objects.create(organization=school, kind="critical_illness",
                                                name="在职职工重大疾病互助保障", premium=Decimal("60"), is_health=True),
        "accident": MutualAidPlan.objects.create(organization=school, kind="accident", name="意外伤害互助保障",
                                                 premium=Decimal("30"), is_health=False),
    }  # fmt: skip
    return people, plans


def messy_rows():
    """Full-width 工号, a name with a stray space (unique: matched), an ambiguous 王芳, an unknown plan,
    a bad year, amounts as "60元" / "1,200.00", a blank premium (the plan's) and funding aliases."""
    return [
        [1, "", "Ｔ０００１", "赵一", "重大疾病", "2023年", "60元", "工会"],
        [2, "", "T0002", "钱 二", "意外伤害", 2023, "30.00", "学校福利费"],
        [3, "", "", "李 明", "重大疾病互助保障计划", "２０２３年度", "", ""],
        [4, "", "", "王芳", "意外险", 2023, "30", "工会经费"],
        [5, "", "T0005", "王芳", "牙科保险", 2023, "1,200.00", "上级"],
        [6, "", "T0001", "赵一", "意外伤害", "23年", 30, ""],
    ]


def fixed_rows():
    rows = messy_rows()
    rows[3][1] = "教务处"  # the department tells the two 王芳 apart
    rows[4][4] = "重大疾病"  # the plan the school has
    rows[5][5] = 2023
    return rows


def file_totals(rows, plans):
    """The file's own totals from the rows written above: per plan 参保人次 and 费用 (blank → the plan's
    premium), and the people (工号 when given, else name and department: the file's own identities)."""
    by_plan: dict[str, dict] = {}
    persons = set()
    for _seq, dept, staff_no, name, plan_text, _year, premium, _paid_by in rows:
        plan = plans["illness"] if "疾病" in plan_text else plans["accident"]
        amount = Decimal(str(premium).replace(",", "").replace("元", "")) if premium != "" else plan.premium
        entry = by_plan.setdefault(plan.name, {"enrolled": 0, "premium": Decimal("0")})
        entry["enrolled"] += 1
        entry["premium"] += amount
        persons.add(unicodedata.normalize("NFKC", staff_no) or (name.replace(" ", ""), dept))
    return by_plan, len(persons)


def test_messy_file_rows_errors_then_fix_import_reimport_and_report(world, school, chair, client):
    people, plans = world
    client.force_login(chair)
    upload = reverse("imports:upload", kwargs={"kind": "aid_enrolment"})

    # 1. The messy file: the preview lists each bad row in Chinese; nothing is written.
    response = client.post(upload, {"file": SimpleUploadedFile("参保名单.xlsx", xlsx(messy_rows()))})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    errors = {(e.row, e.column): e.message for e in preview.context["result"].errors}
    # Data start on row 4 (title, blank, header): 王芳 is row 7, the unknown plan row 8, the bad year row 9.
    assert set(errors) == {(7, "教职工姓名"), (8, "保障项目"), (9, "参保年度")}
    assert "T0004" in errors[(7, "教职工姓名")] and "T0005" in errors[(7, "教职工姓名")]
    assert "牙科保险" in errors[(8, "保障项目")]
    assert plans["illness"].name in errors[(8, "保障项目")] and plans["accident"].name in errors[(8, "保障项目")]
    confirm = reverse("imports:confirm", kwargs={"kind": "aid_enrolment", "pk": preview.context["batch"].pk})
    client.post(confirm)
    assert PlanEnrollment.objects.count() == 0

    # 2. The fixed file, confirmed in the browser.
    rows = fixed_rows()
    response = client.post(upload, {"file": SimpleUploadedFile("参保名单.xlsx", xlsx(rows))})
    preview = client.get(response["Location"])
    assert preview.context["result"].ok, preview.context["result"].errors
    batch = preview.context["batch"]
    response = client.post(reverse("imports:confirm", kwargs={"kind": "aid_enrolment", "pk": batch.pk}))
    assert response.status_code == 302 and response["Location"] == reverse("welfare:plans")
    assert PlanEnrollment.objects.count() == len(rows)
    li = PlanEnrollment.objects.get(member=people["li"])
    assert li.premium == plans["illness"].premium and li.paid_by == FundingSource.UNION_FUNDS
    assert PlanEnrollment.objects.get(member=people["qian"]).paid_by == FundingSource.SCHOOL_WELFARE
    assert PlanEnrollment.objects.get(member=people["wang_b"]).paid_by == FundingSource.HIGHER_UNION
    assert PlanEnrollment.objects.get(member=people["wang_b"]).premium == Decimal("1200.00")
    assert PlanEnrollment.objects.filter(member=people["wang_a"], plan=plans["accident"]).exists()
    assert all(provenance(e) == batch for e in PlanEnrollment.objects.all())
    audits = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT, organization=school)
    assert audits.count() == 1 and f"批次 #{batch.pk}" in audits.get().summary
    assert not mail.outbox and not Reminder.objects.exists()

    # 3. The same file again, on the command line: every row skipped, nothing new.
    path = _write(rows)
    call_command("import_aid_enrolment", str(path), "--school", school.code)
    assert PlanEnrollment.objects.count() == len(rows)
    again = ImportBatch.objects.filter(kind="aid_enrolment", status=ImportBatch.Status.DONE).latest("pk")
    assert again.summary["skipped"] == len(rows) and not any(again.summary["created"].values())

    # 4. The report's figures for the year are the file's totals, and so is an independent SQL count.
    by_plan, persons = file_totals(rows, plans)
    stats = report_stats(organization=school, start=START, end=END)
    assert stats["plans_total"]["enrolled"] == len(rows)
    assert stats["plans_total"]["enrolled_persons"] == persons
    assert {p["name"]: {"enrolled": p["enrolled"], "premium": p["premium"]} for p in stats["plans"]} == by_plan
    figures = collect(organization=school, start=START, end=END)["current"]["welfare"]
    assert figures["plans_total"]["enrolled"] == len(rows)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COUNT(DISTINCT e.member_id), SUM(e.premium) FROM welfare_planenrollment e "
            "JOIN welfare_mutualaidplan p ON p.id = e.plan_id WHERE p.organization_id = %s AND e.year = %s",
            [school.pk, YEAR],
        )
        count, distinct, premium = cursor.fetchone()
        cursor.execute(
            "SELECT COUNT(*) FROM members_importedrecord r JOIN members_importbatch b ON b.id = r.batch_id "
            "WHERE b.kind = 'aid_enrolment' AND b.school_id = %s",
            [school.pk],
        )
        marked = cursor.fetchone()[0]
    assert (count, distinct, marked) == (len(rows), persons, len(rows))
    assert Decimal(str(premium)).quantize(Decimal("0.01")) == sum(p["premium"] for p in by_plan.values())


def _write(rows):
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "参保名单.xlsx"
    path.write_bytes(xlsx(rows))
    return path


def test_export_of_the_plans_page_reimports_as_nothing_new(world, school, chair, client):
    """The page's own 导出参保名单 file (年度, 计划, 工号, 姓名, 分工会, 费用（元）, 缴费方式) reads back: all skipped."""
    people, plans = world
    run_file(importer_for("aid_enrolment"), school=school, data=xlsx(fixed_rows()), filename="a.xlsx")
    client.force_login(chair)
    exported = client.get(reverse("welfare:enrollment_export"), {"year": YEAR})
    data = b"".join(exported.streaming_content) if exported.streaming else exported.content
    result = importer_for("aid_enrolment").validate(school=school, data=data, filename="参保名单-2023.xlsx")
    assert result.ok, result.errors
    assert result.skipped == len(fixed_rows()) and not any(result.created.values())


def test_dry_run_writes_nothing_and_a_duplicate_row_is_an_error(world, school):
    rows = fixed_rows()
    result = run_file(importer_for("aid_enrolment"), school=school, data=xlsx(rows), filename="a.xlsx", dry_run=True)
    assert result.ok and result.created == {"参保记录": len(rows)} and not PlanEnrollment.objects.exists()
    assert not ImportBatch.objects.exists()
    doubled = run_file(importer_for("aid_enrolment"), school=school, data=xlsx([*rows, rows[0]]), filename="b.xlsx")
    assert not doubled.ok and not doubled.written and not PlanEnrollment.objects.exists()
    assert [(e.row, "与第 4 行重复" in e.message) for e in doubled.errors] == [(4 + len(rows), True)]
    assert not ImportBatch.objects.exists()  # a file with errors keeps no batch on the command line


def test_command_prints_row_errors_and_exits_1(world, school, capsys):
    path = _write(messy_rows())
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_aid_enrolment", str(path), "--school", school.code)
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "第 8 行 [保障项目]" in err and "未写入任何数据" in err
    assert not PlanEnrollment.objects.exists()


def test_plan_matching_is_tolerant_but_never_guesses(world, school):
    people, plans = world
    other = MutualAidPlan.objects.create(organization=school, kind="female_illness", name="女职工安康保险",
                                         premium=Decimal("50"))  # fmt: skip
    matcher = PlanMatcher(school)
    assert matcher.candidates("意外伤害互助保障") == [plans["accident"]]
    assert matcher.candidates("2023年度 意外伤害 保险") == [plans["accident"]]
    assert matcher.candidates("重大疾病") == [plans["illness"]]
    assert matcher.candidates("女职工特殊疾病") == [other]  # by the plan's kind
    assert matcher.candidates("互助保障") == []  # nothing specific: not every plan
    assert matcher.candidates("疾病") == [plans["illness"]]  # the only name containing it
    assert set(matcher.candidates("职工")) == {plans["illness"], other}  # ambiguous: an error, not a guess
    assert MutualAidPlan.objects.count() == 3  # matching never creates a plan


def test_pages_show_the_import_buttons_and_the_marks(world, school, chair, sub_union_chair, client):
    people, plans = world
    client.force_login(chair)
    page = client.get(reverse("welfare:plans"), {"year": YEAR}).content.decode()
    assert reverse("imports:upload", kwargs={"kind": "aid_enrolment"}) in page
    assert reverse("imports:upload", kwargs={"kind": "aid_claim"}) in page
    PlanEnrollment.objects.create(plan=plans["illness"], member=people["zhao"], year=2022, premium=Decimal("60"))
    run_file(importer_for("aid_enrolment"), school=school, data=xlsx(fixed_rows()), filename="a.xlsx")
    page = client.get(reverse("welfare:member_enrollments", kwargs={"pk": people["zhao"].pk})).content.decode()
    assert page.count("data-imported") == 2  # 2023's two imported rows, not 2022's entered one
    assert client.get(reverse("imports:template", kwargs={"kind": "aid_enrolment"})).status_code == 200
    client.force_login(sub_union_chair)  # sees the plans page, may not import
    page = client.get(reverse("welfare:plans"), {"year": YEAR})
    assert page.status_code == 200 and "导出参保名单" in page.content.decode()
    assert reverse("imports:upload", kwargs={"kind": "aid_enrolment"}) not in page.content.decode()
