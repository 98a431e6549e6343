import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from members.models import AuditEntry, ImportBatch
from members.tests.factories import DepartmentFactory, MemberFactory
from welfare.importer import welfare_import, welfare_validate
from welfare.models import WelfareVisit

pytestmark = pytest.mark.django_db


def xlsx(rows, title="2019年慰问台账"):
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HEADER = ["慰问日期", "工 号", "姓名", "部门", "慰问事由", "慰问金（元）", "慰问品", "经费来源", "备注"]


@pytest.fixture
def staff(school, sub_a):
    d1, d2 = DepartmentFactory(school=school, name="教务处"), DepartmentFactory(school=school, name="总务处")
    return {
        "a": MemberFactory(organization=sub_a, staff_no="T001", name="王芳", department=d1),
        "b": MemberFactory(organization=sub_a, staff_no="T002", name="李伟", department=d1),
        "c": MemberFactory(organization=sub_a, staff_no="T003", name="李伟", department=d2),
    }


def test_tolerates_real_ledger_quirks(school, staff):
    data = xlsx(
        [
            HEADER,
            ["2019年3月5日", "Ｔ００１", "王 芳", "", "住院", "￥1,000元", "水果", "工会", ""],
            ["2019/4/1", "", "李伟", "总务处", "生孩子", "500", "", "福利费", "喜得千金"],
            [None, None, None, None, None, None, None, None, None],
            ["20190601", "T002", "", "", "直系亲属去世", 800, "", "", ""],
        ]
    )
    result = welfare_import(school=school, data=data, filename="台账.xlsx")
    assert result.ok, result.errors
    assert WelfareVisit.objects.count() == 3 and result.total == Decimal("2300")
    v = WelfareVisit.objects.get(member=staff["c"])
    assert v.occasion.code == "childbirth" and v.funding_source == "school_welfare"
    assert AuditEntry.objects.filter(action="import").exists()


def test_any_bad_row_writes_nothing_and_names_row_and_column(school, staff):
    data = xlsx(
        [
            HEADER,
            ["2019-03-05", "T001", "", "", "住院", "500", "", "", ""],
            ["2019-13-05", "T001", "", "", "住院", "500", "", "", ""],
            ["2019-03-06", "T999", "", "", "住院", "500", "", "", ""],
            ["2019-03-07", "", "李伟", "", "住院", "500", "", "", ""],
            ["2019-03-08", "T001", "", "", "看电影", "abc", "", "外星", ""],
        ]
    )
    result = welfare_import(school=school, data=data, filename="台账.xlsx")
    assert not result.written and WelfareVisit.objects.count() == 0
    found = {(e.row, e.column) for e in result.errors}
    assert (4, "慰问日期") in found and (5, "工 号") in found and (6, "姓名") in found
    assert {(7, "慰问事由"), (7, "慰问金(元)"), (7, "经费来源")} <= found
    assert any("请填写工号或部门" in e.message for e in result.errors)


def test_file_level_problems_are_reported(school):
    assert (
        "缺少必需的列"
        in welfare_validate(school=school, data="姓名,金额\n王芳,5\n".encode(), filename="a.csv").file_error
    )
    assert welfare_validate(school=school, data=b"\x00\x01", filename="a.xls").file_error


def test_browser_flow_upload_preview_confirm(login, chair, staff, school):
    client = login(chair)
    upload = io.BytesIO(xlsx([HEADER, ["2019-03-05", "T001", "", "", "生病住院", "500", "", "", ""]]))
    upload.name = "台账.xlsx"
    r = client.post(reverse("welfare:import"), {"file": upload})
    batch = ImportBatch.objects.get(kind="welfare")
    assert r.status_code == 302 and batch.school == school
    assert "全部通过检查" in client.get(reverse("welfare:import_preview", args=[batch.pk])).content.decode()
    assert WelfareVisit.objects.count() == 0
    client.post(reverse("welfare:import_confirm", args=[batch.pk]))
    assert WelfareVisit.objects.count() == 1


def test_import_is_for_school_managers_only(login, sub_union_chair, outsider, staff):
    assert login(sub_union_chair).get(reverse("welfare:import")).status_code == 403


def test_command_dry_run_then_import(tmp_path, school, staff, capsys):
    path = tmp_path / "ledger.csv"
    path.write_text("日期,工号,事由,金额\n2019-05-01,T001,结婚,600\n", encoding="utf-8")
    call_command("import_welfare", str(path), "--school", "SCH", "--dry-run")
    assert WelfareVisit.objects.count() == 0
    call_command("import_welfare", str(path), "--school", "SCH")
    assert WelfareVisit.objects.get().cash_amount == Decimal("600")


def test_command_exits_1_on_row_errors(tmp_path, school, staff):
    path = tmp_path / "bad.csv"
    path.write_text("日期,工号,事由,金额\n2019-05-01,X,结婚,600\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        call_command("import_welfare", str(path), "--school", "SCH")
    assert exc.value.code == 1 and WelfareVisit.objects.count() == 0


def test_ambiguous_name_lists_the_candidates(school, staff):
    result = welfare_validate(
        school=school, data=xlsx([HEADER, ["2019-03-07", "", "李 伟", "", "住院", "500", "", "", ""]]), filename="a.xlsx"
    )
    (error,) = result.errors
    assert error.row == 3 and "T002" in error.message and "T003" in error.message and "总务处" in error.message


def test_reimport_skips_visits_already_in_the_ledger(school, staff, tmp_path, login, chair):
    rows = [
        HEADER,
        ["2019-03-05", "T001", "", "", "住院", "500", "", "", ""],
        ["2019-04-01", "T003", "", "", "结婚", "800", "", "", ""],
    ]
    first = welfare_import(school=school, data=xlsx(rows[:2]), filename="a.xlsx")
    assert first.written and first.skipped == 0
    # The same visit again plus one new row: only the new one is written.
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(xlsx(rows))
    call_command("import_welfare", str(path), "--school", "SCH")
    assert WelfareVisit.objects.count() == 2
    call_command("import_welfare", str(path), "--school", "SCH")
    assert WelfareVisit.objects.count() == 2
    batch = ImportBatch.objects.filter(kind="welfare", status="done").order_by("pk").last()
    assert batch.uploaded_by is None and batch.summary["skipped"] == 2 and batch.imported_at is not None
    # The command's visit says where it came from, on its page.
    visit = WelfareVisit.objects.get(member=staff["c"])
    html = login(chair).get(reverse("welfare:visit_detail", args=[visit.pk])).content.decode()
    assert f'data-imported="{batch.pk - 1}"' in html and "ledger.xlsx" in html
    hand = WelfareVisit.objects.get(member=staff["a"])  # imported by the service call, without a batch
    assert "data-imported" not in login(chair).get(reverse("welfare:visit_detail", args=[hand.pk])).content.decode()
