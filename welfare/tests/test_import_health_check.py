"""Acceptance of the 体检名单 importer (``welfare.importers.health_check``): a messy list made here, its row
errors, the fixed file imported in the browser, a re-import on the command line without duplicates, and the
report's figures for the period equal to the file's totals (and to an independent SQL count)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook

from members.models import AuditEntry, EmploymentType, ImportBatch, ImportedRecord
from members.tests.factories import DepartmentFactory, MemberFactory
from reports import figures
from welfare.models import HealthCheckCampaign, HealthCheckParticipant

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    "工 号",
    "姓名",
    "所在部门",
    "性别",
    "体检名称",
    "体检时间",
    "体检医院",
    "妇科",
    "已体检",
    "体检费(元)",
]
START, END = dt.date(2023, 1, 1), dt.date(2023, 12, 31)


def xlsx(rows, title="2023年教职工健康体检名单"):
    """A sheet with a merged title row, then ``rows`` (the header first)."""
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def staff(school, sub_a, sub_b):
    jw, zw = DepartmentFactory(school=school, name="教务处"), DepartmentFactory(school=school, name="总务处")
    return {
        "wang": MemberFactory(organization=sub_a, staff_no="T001", name="王芳", gender="female", department=jw),
        "li1": MemberFactory(organization=sub_a, staff_no="T002", name="李伟", gender="male", department=jw),
        "li2": MemberFactory(organization=sub_b, staff_no="T003", name="李伟", gender="male", department=zw),
        "zhao": MemberFactory(
            organization=sub_b, staff_no="T004", name="赵敏", gender="female", employment_type=EmploymentType.CONTRACT
        ),
        "chen": MemberFactory(organization=sub_a, staff_no="T005", name="陈静", gender="female"),
        "sun": MemberFactory(
            organization=sub_b, staff_no="T006", name="孙强", gender="male", employment_type=EmploymentType.AGENCY
        ),
    }


def messy_rows(staff, *, fixed: bool):
    """(who, womens_check, attended, campaign name or "", sheet row). ``fixed=False`` leaves an ambiguous
    name (李伟 without 部门) and a bad row (a man with the women's check, an impossible date)."""
    li_dept = "总务处" if fixed else ""
    rows = [
        (
            "wang",
            True,
            True,
            "",
            [1, "Ｔ００１", "王 芳", "", "女", "", "2023年5月20日", "区人民医院", "是", "是", "600元"],
        ),
        ("li2", False, True, "", [2, "", "李伟", li_dept, "男", "", "2023/5/21", "区人民医院", "否", "", "450"]),
        ("zhao", True, False, "", [3, "T004", "赵敏", "", "", "", 45068, "区人民医院", "√", "未参检", "1,200.00"]),
        (
            "chen",
            True,
            True,
            "2023年退休教职工体检",
            [
                4,
                "",
                " 陈  静 ",
                "",
                "女",
                "2023年退休教职工体检",
                dt.datetime(2023, 10, 9),
                "中医院",
                "是",
                "是",
                "300",
            ],
        ),
        (
            "sun",
            False,
            True,
            "",
            [5, "T006", "孙强", "", "男", "", "20230522", "区人民医院", "否" if fixed else "是", "是", "450"],
        ),
    ]
    if not fixed:
        rows.append((None, False, True, "", [6, "T001", "王芳", "", "", "", "2023-13-45", "", "", "", ""]))
    return rows


def file_totals(staff, rows):
    """The report's health-check figures, computed from the rows written in the test: a campaign with any
    row marked 已参检 counts only those rows; one without any attendance counts its whole list."""
    recorded = {name or "2023年教职工健康体检" for _, _, att, name, _ in rows if att}
    rows = [r for r in rows if r[2] or (r[3] or "2023年教职工健康体检") not in recorded]
    members = [staff[who] for who, *_ in rows]
    return {
        "campaigns": len({name or "2023年教职工健康体检" for _, _, _, name, _ in rows}),
        "participants": len(rows),
        "persons": len({m.pk for m in members}),
        "womens_checks": sum(1 for _, womens, *_ in rows if womens),
        "contract_staff": sum(1 for m in members if m.employment_type != EmploymentType.ESTABLISHED),
    }


def sql_counts(school):
    """Independent count of those checked in the school's campaigns held in 2023 (raw SQL; a campaign
    without any attendance record counts its list)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COUNT(DISTINCT p.member_id), SUM(CASE WHEN p.womens_check THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN p.attended THEN 1 ELSE 0 END), COUNT(DISTINCT c.id)"
            " FROM welfare_healthcheckparticipant p JOIN welfare_healthcheckcampaign c ON c.id = p.campaign_id"
            " WHERE c.organization_id = %s AND c.held_on BETWEEN %s AND %s AND (p.attended OR NOT EXISTS ("
            "  SELECT 1 FROM welfare_healthcheckparticipant q WHERE q.campaign_id = p.campaign_id AND q.attended))",
            [school.pk, START.isoformat(), END.isoformat()],
        )
        return cursor.fetchone()


def test_messy_list_errors_fix_import_reimport_and_report(school, staff, chair, login, tmp_path):
    client = login(chair)
    page = client.get(reverse("welfare:healthchecks")).content.decode()
    assert reverse("imports:upload", kwargs={"kind": "health_check"}) in page

    bad = messy_rows(staff, fixed=False)
    upload = reverse("imports:upload", kwargs={"kind": "health_check"})
    response = client.post(upload, {"file": _upload(xlsx([HEADER] + [r[-1] for r in bad]), "体检名单.xlsx")})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    errors = preview.context["result"].errors
    by_row = {(e.row, e.column): e.message for e in errors}
    # The title row is row 1, the header row 2: file row n is sheet row n + 2.
    assert "T002" in by_row[(4, "姓名")] and "T003" in by_row[(4, "姓名")]  # the ambiguous name lists both
    assert "男职工" in by_row[(7, "妇科")]
    assert "2023-13-45" in by_row[(8, "体检时间")]
    assert len(errors) == 3 and HealthCheckParticipant.objects.count() == 0

    good = messy_rows(staff, fixed=True)
    data = xlsx([HEADER] + [r[-1] for r in good])
    response = client.post(upload, {"file": _upload(data, "体检名单.xlsx")})
    preview = client.get(response["Location"])
    result = preview.context["result"]
    assert result.ok, result.errors
    assert result.created == {"体检": 2, "参检名单": len(good)}
    batch = preview.context["batch"]
    confirm = reverse("imports:confirm", kwargs={"kind": "health_check", "pk": batch.pk})
    assert client.post(confirm).status_code == 302

    campaign = HealthCheckCampaign.objects.get(name="2023年教职工健康体检")
    assert campaign.held_on == dt.date(2023, 5, 20) and campaign.provider == "区人民医院"
    assert campaign.cost_per_person == Decimal("675.00")  # mean of 600, 450, 1200, 450
    zhao = HealthCheckParticipant.objects.get(member=staff["zhao"])
    assert zhao.womens_check and not zhao.attended
    assert HealthCheckCampaign.objects.get(name="2023年退休教职工体检").held_on == dt.date(2023, 10, 9)

    # Re-import of the same file (command line): nothing new, every row skipped by natural key.
    path = tmp_path / "体检名单.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_health_check", str(path), "--school", school.code, stdout=out)
    assert f"跳过 {len(good)} 行" in out.getvalue()
    assert HealthCheckParticipant.objects.count() == len(good) and HealthCheckCampaign.objects.count() == 2

    # The report counts the imported rows as the portal's own: figures equal the file's totals.
    expected = file_totals(staff, good)
    stats = figures.collect(organization=school, start=START, end=END)["current"]["welfare"]["health_checks"]
    assert stats == expected
    n, persons, womens, attended, campaigns = sql_counts(school)
    assert (n, persons, womens, campaigns) == (
        expected["participants"],
        expected["persons"],
        expected["womens_checks"],
        expected["campaigns"],
    )
    assert attended == sum(1 for _, _, att, *_ in good if att)
    before = figures.collect(organization=school, start=dt.date(2022, 1, 1), end=dt.date(2022, 12, 31))
    assert before["current"]["welfare"]["health_checks"]["participants"] == 0

    # Provenance: the campaign's page says it was imported; the import is audited (counts only).
    detail = client.get(reverse("welfare:healthcheck_detail", args=[campaign.pk])).content.decode()
    assert "data-imported=" in detail and "体检名单.xlsx" in detail
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert ImportedRecord.objects.filter(batch=batch).count() == 2 + len(good)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).order_by("pk").first()
    assert "体检名单" in entry.summary and f"名单人次 {len(good)}" in entry.summary


def _upload(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_result_columns_refuse_the_file(school, staff):
    from welfare.importers.health_check import IMPORTER

    data = xlsx(
        [["工号", "姓名", "体检日期", "体检结果", "医生建议"], ["T001", "王芳", "2023-05-20", "甲状腺结节", "复查"]]
    )
    result = IMPORTER.apply(school=school, data=data, filename="x.xlsx")
    assert not result.written and "体检结果" in result.file_error and "医生建议" in result.file_error
    assert "甲状腺" not in result.file_error and str(result.as_summary()).find("甲状腺") == -1
    assert HealthCheckParticipant.objects.count() == 0 and HealthCheckCampaign.objects.count() == 0


def test_existing_campaign_is_reused_and_year_column_names_it(school, staff):
    from welfare.importers.health_check import IMPORTER

    camp = HealthCheckCampaign.objects.create(
        organization=school, year=2022, name="2022年教职工健康体检", held_on=dt.date(2022, 6, 1), provider="原机构"
    )
    HealthCheckParticipant.objects.create(campaign=camp, member=staff["wang"], attended=True)
    data = xlsx([["年度", "工号", "姓名", "是否参检"], ["2022年", "T001", "王芳", "是"], ["2022", "T004", "赵敏", ""]])
    result = IMPORTER.apply(school=school, data=data, filename="x.xlsx")
    assert result.written and result.created == {"参检名单": 1} and result.skipped == 1
    camp.refresh_from_db()
    assert camp.provider == "原机构" and camp.participants.count() == 2
    assert HealthCheckParticipant.objects.get(member=staff["zhao"]).attended


def test_new_campaign_without_any_date_and_repeated_person_are_row_errors(school, staff):
    from welfare.importers.health_check import IMPORTER

    data = xlsx([["年度", "工号", "姓名"], ["2021", "T001", "王芳"], ["2021", "T001", "王芳"]])
    result = IMPORTER.apply(school=school, data=data, filename="x.xlsx")
    messages = [e.message for e in result.errors]
    assert any("至少要有一行填写体检日期" in m for m in messages) and any("同一人" in m for m in messages)
    assert not result.written and HealthCheckCampaign.objects.count() == 0


def test_list_page_import_button_only_for_importers(staff, chair, sub_union_chair, login):
    url = reverse("welfare:healthchecks")
    link = reverse("imports:upload", kwargs={"kind": "health_check"})
    assert link in login(chair).get(url).content.decode()
    assert link not in login(sub_union_chair).get(url).content.decode()
