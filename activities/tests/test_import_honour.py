"""Issue 18: a school's past 荣誉名单 imports once, tolerantly, and the annual report counts it.

The file is made here as schools keep them (merged title row, header aliases, full-width 工号, names with
spaces, dates as text, as Excel dates, as a bare year); its expected figures are computed from the rows written
below, and the report's figures are checked against them and against raw SQL.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Honor, Level
from activities.report import report_stats
from members.models import AuditEntry, ImportBatch, ImportedRecord
from members.tests.factories import MemberFactory
from reports import figures
from union_portal.lib.record_imports import importer_for, run_file

from .import_helpers import messy_xlsx, report_text

START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
HEADERS = [
    "序号",
    "称号",
    "个人/集体",
    "职工号",
    "教职工姓名",
    "单位",
    "级别（国家/省/市/区/校）",
    "颁发单位",
    "时间",
    "备注",
]
LEVEL_WORDS = {
    "国家级": Level.NATIONAL,
    "省级": Level.PROVINCIAL,
    "省": Level.PROVINCIAL,
    "市级": Level.MUNICIPAL,
    "区级": Level.DISTRICT,
    "校级": Level.SCHOOL,
}


@pytest.fixture
def people(school, sub_a, sub_b):
    return {
        "wang": MemberFactory(organization=sub_b, name="王芳", staff_no="T0001"),
        "li": MemberFactory(organization=sub_a, name="李娜", staff_no="T0002"),
        "zhang_a": MemberFactory(organization=sub_a, name="张伟", staff_no="T0101"),
        "zhang_b": MemberFactory(organization=sub_b, name="张伟", staff_no="T0102"),
    }


def rows_with_meaning(people, sub_a, school):
    """The file's rows, each with what it means: (cells, kind, holder, level, date). Levels left blank in the
    file are stated here from the grantor's name, as a reader would."""
    return [
        (
            ["1", "优秀教师", "个人", "Ｔ０００１", "王 芳", "", "区级", "金水区教育局", "2025.3.8", ""],
            "individual",
            people["wang"],
            Level.DISTRICT,
            dt.date(2025, 3, 8),
        ),
        (
            ["2", "师德标兵", "", "", "李 娜", "", "", "河南省教育厅", "2025年9月10日", "表彰文件 豫教〔2025〕12号"],
            "individual",
            people["li"],
            Level.PROVINCIAL,
            dt.date(2025, 9, 10),
        ),
        (
            ["3", "先进集体", "集体", "", "", "语文组", "市级", "郑州市总工会", dt.datetime(2025, 5, 1), ""],
            "collective",
            sub_a,
            Level.MUNICIPAL,
            dt.date(2025, 5, 1),
        ),
        (
            ["4", "河南省模范职工之家", "先进集体", "", "", "学校工会", "省", "河南省总工会", "2025年", ""],
            "collective",
            school,
            Level.PROVINCIAL,
            dt.date(2025, 1, 1),
        ),
        (
            ["5", "优秀班主任", "个人", "", "张伟", "", "校级", "测试中学", "2025/6/30", ""],
            "individual",
            people["zhang_a"],
            Level.SCHOOL,
            dt.date(2025, 6, 30),
        ),
        (
            ["6", "优秀工会积极分子", "个人", "T0002", "李娜", "", "国家级", "中华全国总工会", 45700, ""],
            "individual",
            people["li"],
            Level.NATIONAL,
            dt.date(1899, 12, 30) + dt.timedelta(days=45700),
        ),
        (
            ["7", "优秀教师", "个人", "T0102", "", "", "区级", "金水区教育局", "2024", ""],
            "individual",
            people["zhang_b"],
            Level.DISTRICT,
            dt.date(2024, 1, 1),
        ),
    ]


def _file(rows) -> bytes:
    return messy_xlsx("测试中学工会荣誉名单（2024—2025年）", HEADERS, rows)


def expected_figures(meaning, start, end) -> dict:
    """The file's totals for the period, from the rows' meaning."""
    inside = [m for m in meaning if start <= m[4] <= end]
    by_level = {code: {"individual": 0, "collective": 0} for code, _ in Level.choices}
    for _cells, kind, _holder, level, _day in inside:
        by_level[level][kind] += 1
    return {
        "total": len(inside),
        "individual": sum(1 for m in inside if m[1] == "individual"),
        "collective": sum(1 for m in inside if m[1] == "collective"),
        "by_level": by_level,
    }


def raw_honour_counts(school, start, end) -> dict:
    """Honours of the school's subtree in the period by level and kind, by raw SQL (not the code under test)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT h.level, h.kind, COUNT(*) FROM activities_honor h JOIN members_organization o "
            "ON o.id = h.organization_id WHERE o.path LIKE %s AND h.awarded_on BETWEEN %s AND %s "
            "GROUP BY h.level, h.kind",
            [school.path + "%", start, end],
        )
        return {(level, kind): n for level, kind, n in cur.fetchall()}


def test_messy_honours_list_imports_once_and_the_report_counts_it(school, sub_a, sub_b, people, chair, login):
    meaning = rows_with_meaning(people, sub_a, school)
    bad = [list(m[0]) for m in meaning]
    bad.append(["8", "优秀工会干部", "个人", "", "查无此人", "", "区级", "金水区教育局", "2025-13-40", ""])
    bad.append(["9", "文明单位", "集体", "", "", "后勤组", "世界级", "某协会", "2025-05-04", ""])
    importer = importer_for("honour")

    # 1. The messy file with an ambiguous name and bad rows: every problem listed, nothing written.
    result = importer.validate(school=school, data=_file(bad), filename="荣誉名单.xlsx")
    messages = {(e.row, e.column): e.message for e in result.errors}
    first = 4  # title row, blank row, header row, then the data
    ambiguous = messages[(first + 4, "教职工姓名")]
    assert "2 位“张伟”" in ambiguous and "T0101" in ambiguous and "T0102" in ambiguous
    assert "查无此人" in messages[(first + 7, "教职工姓名")]
    assert "2025-13-40" in messages[(first + 7, "时间")]
    assert "后勤组" in messages[(first + 8, "单位")] and "语文组分工会" in messages[(first + 8, "单位")]
    assert "世界级" in messages[(first + 8, "级别(国家/省/市/区/校)")]
    assert {e.row for e in result.errors} == {first + 4, first + 7, first + 8}
    failed = run_file(importer, school=school, data=_file(bad), filename="荣誉名单.xlsx", acting_user=chair)
    assert not failed.written and Honor.objects.count() == 0 and ImportBatch.objects.count() == 0

    # 2. Fixed (工号 for 张伟, bad rows removed): imported through the browser's upload → preview → confirm.
    fixed = [list(m[0]) for m in meaning]
    fixed[4][3] = "T0101"
    client = login(chair)
    page = client.get(reverse("activities:honors"))
    assert reverse("imports:upload", kwargs={"kind": "honour"}) in page.content.decode()
    upload = client.post(
        reverse("imports:upload", kwargs={"kind": "honour"}), {"file": _upload(_file(fixed), "荣誉名单.xlsx")}
    )
    batch = ImportBatch.objects.get(kind="honour")
    preview = client.get(upload.url)
    assert "新增 荣誉 7 条" in preview.content.decode()
    client.post(reverse("imports:confirm", kwargs={"kind": "honour", "pk": batch.pk}))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and batch.summary["created"] == {"荣誉": len(meaning)}

    stored = {(h.kind, h.member_id or h.organization_id, h.title, h.awarded_on): h for h in Honor.objects.all()}
    assert len(stored) == len(meaning)
    for cells, kind, holder, level, day in meaning:
        honour = stored[(kind, holder.pk, cells[1], day)]
        assert honour.level == level
        assert honour.organization_id == (holder.organization_id if kind == "individual" else holder.pk)
    assert "原表仅写年份：2025年" in stored[("collective", school.pk, "河南省模范职工之家", START)].note
    assert stored[("individual", people["li"].pk, "师德标兵", dt.date(2025, 9, 10))].note == "表彰文件 豫教〔2025〕12号"
    assert ImportedRecord.objects.filter(batch=batch).count() == len(meaning)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert "荣誉名单.xlsx" in entry.summary and f"批次 #{batch.pk}" in entry.summary

    # 3. A re-import of the same file (from the command line) creates nothing: every row is skipped.
    path = _write(tmp_file := _file(fixed))
    call_command("import_honour", str(path), "--school", school.code)
    assert Honor.objects.count() == len(meaning)
    again = run_file(importer, school=school, data=tmp_file, filename="荣誉名单.xlsx")
    assert again.written and again.created == {"荣誉": 0} and again.skipped == len(meaning)
    assert Honor.objects.count() == len(meaning)

    # 4. The report's figures for 2025 equal the file's totals for 2025, and the raw SQL counts.
    want = expected_figures(meaning, START, END)
    stats = report_stats(organization=school, start=START, end=END)["honors"]
    collected = figures.collect(organization=school, start=START, end=END)["current"]["activities"]["honors"]
    raw = raw_honour_counts(school, START, END)
    for got in (stats, collected):
        assert (got["total"], got["individual"], got["collective"]) == (
            want["total"],
            want["individual"],
            want["collective"],
        )
        assert {
            r["level"]: {"individual": r["individual"], "collective": r["collective"]} for r in got["by_level"]
        } == want["by_level"]
    assert sum(raw.values()) == want["total"]
    for level, split in want["by_level"].items():
        for kind, n in split.items():
            assert raw.get((level, kind), 0) == n

    # 5. The generated speech states the honours: the count and the named honours above school level.
    text = report_text(school, START, END)
    assert f"获得各级各类荣誉{want['total']}项" in text
    assert "学校工会被河南省总工会授予“河南省模范职工之家”称号" in text
    assert "李娜被河南省教育厅授予“师德标兵”" in text
    assert "王芳被金水区教育局授予“优秀教师”称号" in text


def _upload(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def _write(data: bytes):
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "荣誉名单.xlsx"
    path.write_bytes(data)
    return path


def test_list_marks_imported_rows_with_one_query_and_shows_the_button_to_importers(
    school, sub_a, sub_b, people, chair, sub_union_chair, login
):
    meaning = rows_with_meaning(people, sub_a, school)
    cells = [list(m[0]) for m in meaning]
    cells[4][3] = "T0101"
    run_file(importer_for("honour"), school=school, data=_file(cells[:2]), filename="a.xlsx", acting_user=chair)
    Honor.objects.create(
        kind="individual",
        member=people["wang"],
        organization=sub_b,
        title="portal",
        level="school",
        grantor="学校",
        awarded_on=dt.date(2025, 2, 1),
    )
    client = login(chair)
    url = reverse("activities:honors")
    client.get(url)  # warm the per-process caches (content types, the form's choices)
    with CaptureQueriesContext(connection) as few:
        body = client.get(url).content.decode()
    assert body.count("data-imported-row") == 2
    run_file(importer_for("honour"), school=school, data=_file(cells), filename="b.xlsx", acting_user=chair)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert body.count("data-imported-row") == len(meaning)
    assert len(many.captured_queries) == len(few.captured_queries)
    # A sub-union chair sees the list but may not import: no button.
    other = login(sub_union_chair).get(url).content.decode()
    assert reverse("imports:upload", kwargs={"kind": "honour"}) not in other


def test_template_and_a_file_without_recipient_columns(school, chair, login):
    client = login(chair)
    response = client.get(reverse("imports:template", kwargs={"kind": "honour"}))
    assert response.status_code == 200 and "honour-template.xlsx" in response["Content-Disposition"]
    data = messy_xlsx("名单", ["荣誉称号", "授予日期"], [["优秀教师", "2025-01-02"]])
    result = importer_for("honour").validate(school=school, data=data, filename="x.xlsx")
    assert "工号、姓名、集体名称 或 获得者" in result.file_error
