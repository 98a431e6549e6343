"""Issue 18: a school's past 获奖名单 imports once, tolerantly, and the annual report counts it.

The file is made here (merged title row, header aliases, full-width 工号, loose prize words such as 金奖 and
冠军, dates in several styles); its expected figures are computed from the rows written below and the
report's figures are checked against them and against raw SQL.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Award, Level
from activities.report import report_stats
from activities.tests.factories import ActivityFactory, TeamFactory
from members.models import AuditEntry, ImportBatch, ImportedRecord
from members.tests.factories import MemberFactory
from reports import figures
from union_portal.lib.record_imports import importer_for, run_file

from .import_helpers import messy_xlsx, report_text

START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
HEADERS = [
    "序号",
    "赛事名称",
    "类别",
    "职工号",
    "获奖人",
    "队名",
    "参赛单位",
    "名次",
    "比赛级别",
    "主办单位",
    "获奖时间",
]
P = Award.Prize


@pytest.fixture
def people(school, sub_a, sub_b):
    return {
        "wang": MemberFactory(organization=sub_b, name="王芳", staff_no="T0001"),
        "li": MemberFactory(organization=sub_a, name="李娜", staff_no="T0002"),
        "zhang_a": MemberFactory(organization=sub_a, name="张伟", staff_no="T0101"),
        "zhang_b": MemberFactory(organization=sub_b, name="张伟", staff_no="T0102"),
    }


@pytest.fixture
def volleyball(school, sub_b):
    """The school's own volleyball tournament of 2025, with the team that won it."""
    start = timezone.make_aware(dt.datetime(2025, 10, 20, 9))
    act = ActivityFactory(
        organizer=school,
        title="教职工气排球比赛",
        starts_at=start,
        ends_at=start + dt.timedelta(days=3),
        status=Activity.Status.FINISHED,
    )
    return act, TeamFactory(activity=act, name="数学组队", organization=sub_b)


def rows_with_meaning(people, sub_a, school):
    """The file's rows, each with what it means: (cells, kind, winner, unit, level, prize, detail, date)."""
    return [
        (
            [
                "1",
                "青年教师教学技能竞赛",
                "个人",
                "Ｔ０００１",
                "王 芳",
                "",
                "",
                "一等奖",
                "市级",
                "郑州市教育局",
                "2025.11.20",
            ],
            "individual",
            people["wang"],
            None,
            Level.MUNICIPAL,
            P.FIRST,
            "",
            dt.date(2025, 11, 20),
        ),
        (
            ["2", "河南省中小学优质课大赛", "", "", "李娜", "", "", "金奖", "", "河南省教育厅", "2025年6月3日"],
            "individual",
            people["li"],
            None,
            Level.PROVINCIAL,
            P.FIRST,
            "金奖",
            dt.date(2025, 6, 3),
        ),
        (
            [
                "3",
                "教职工气排球比赛",
                "团体",
                "",
                "",
                "数学组队",
                "数学组",
                "冠军",
                "校级",
                "学校工会",
                dt.datetime(2025, 10, 23),
            ],
            "team",
            "数学组队",
            "sub_b",
            Level.SCHOOL,
            P.FIRST,
            "冠军",
            dt.date(2025, 10, 23),
        ),
        (
            [
                "4",
                "全国教职工广播操比赛",
                "团体",
                "",
                "",
                "学校代表队",
                "",
                "最佳组织奖",
                "国家级",
                "中华全国总工会",
                45800,
            ],
            "team",
            "学校代表队",
            "school",
            Level.NATIONAL,
            P.OTHER,
            "最佳组织奖",
            dt.date(1899, 12, 30) + dt.timedelta(days=45800),
        ),
        (
            ["5", "金水区教职工书法比赛", "个人", "", "张伟", "", "", "优秀奖", "区级", "金水区教育局", "2025/4/8"],
            "individual",
            people["zhang_a"],
            None,
            Level.DISTRICT,
            P.EXCELLENCE,
            "",
            dt.date(2025, 4, 8),
        ),
        (
            ["6", "郑州市教职工演讲比赛", "个人", "T0002", "", "", "", "第二名", "市级", "郑州市总工会", "2025年"],
            "individual",
            people["li"],
            None,
            Level.MUNICIPAL,
            P.SECOND,
            "第二名",
            dt.date(2025, 1, 1),
        ),
        (
            [
                "7",
                "金水区教职工书法比赛",
                "个人",
                "T0102",
                "张伟",
                "",
                "",
                "三等奖",
                "区级",
                "金水区教育局",
                "2024-04-09",
            ],
            "individual",
            people["zhang_b"],
            None,
            Level.DISTRICT,
            P.THIRD,
            "",
            dt.date(2024, 4, 9),
        ),
    ]


def _file(rows) -> bytes:
    return messy_xlsx("测试中学教职工获奖名单", HEADERS, rows)


def expected_figures(meaning, start, end) -> dict:
    """The file's totals for the period, from the rows' meaning."""
    inside = [m for m in meaning if start <= m[7] <= end]
    by_level = {code: sum(1 for m in inside if m[4] == code) for code, _ in Level.choices}
    by_prize = {}
    for m in inside:
        by_prize[m[5]] = by_prize.get(m[5], 0) + 1
    return {
        "total": len(inside),
        "individual": sum(1 for m in inside if m[1] == "individual"),
        "team": sum(1 for m in inside if m[1] == "team"),
        "by_level": by_level,
        "by_prize": by_prize,
    }


def raw_award_counts(school, start, end) -> dict:
    """Awards of the school's subtree in the period by level, kind and prize, by raw SQL."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT a.level, a.kind, a.prize, COUNT(*) FROM activities_award a JOIN members_organization o "
            "ON o.id = a.organization_id WHERE o.path LIKE %s AND a.awarded_on BETWEEN %s AND %s "
            "GROUP BY a.level, a.kind, a.prize",
            [school.path + "%", start, end],
        )
        return {(level, kind, prize): n for level, kind, prize, n in cur.fetchall()}


def test_messy_award_list_imports_once_and_the_report_counts_it(
        school, sub_a, sub_b, people, volleyball, chair, login):  # fmt: skip
    meaning = rows_with_meaning(people, sub_a, school)
    bad = [list(m[0]) for m in meaning]
    bad.append(["8", "区运动会", "团体", "", "", "", "", "一等奖", "区级", "金水区教育局", "2025-05-05"])
    bad.append(["9", "世界杯", "个人", "T0001", "王芳", "", "", "冠军", "世界级", "国际足联", "2025-02-30"])
    importer = importer_for("award")

    # 1. The messy file with an ambiguous name and bad rows: every problem listed, nothing written.
    result = importer.validate(school=school, data=_file(bad), filename="获奖名单.xlsx")
    messages = {(e.row, e.column): e.message for e in result.errors}
    first = 4  # title row, blank row, header row, then the data
    ambiguous = messages[(first + 4, "获奖人")]
    assert "2 位“张伟”" in ambiguous and "T0101" in ambiguous and "T0102" in ambiguous
    assert messages[(first + 7, "队名")] == "团体奖项请填写团体名称"
    assert "世界级" in messages[(first + 8, "比赛级别")]
    assert "2025-02-30" in messages[(first + 8, "获奖时间")] or "不存在" in messages[(first + 8, "获奖时间")]
    assert {e.row for e in result.errors} == {first + 4, first + 7, first + 8}
    failed = run_file(importer, school=school, data=_file(bad), filename="获奖名单.xlsx", acting_user=chair)
    assert not failed.written and Award.objects.count() == 0 and ImportBatch.objects.count() == 0

    # 2. Fixed: imported through the browser's upload → preview → confirm.
    fixed = [list(m[0]) for m in meaning]
    fixed[4][3] = "T0101"
    client = login(chair)
    assert (
        reverse("imports:upload", kwargs={"kind": "award"}) in client.get(reverse("activities:awards")).content.decode()
    )
    upload = client.post(reverse("imports:upload", kwargs={"kind": "award"}),
                         {"file": SimpleUploadedFile("获奖名单.xlsx", _file(fixed))})  # fmt: skip
    batch = ImportBatch.objects.get(kind="award")
    assert f"新增 获奖 {len(meaning)} 条" in client.get(upload.url).content.decode()
    client.post(reverse("imports:confirm", kwargs={"kind": "award", "pk": batch.pk}))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE

    units = {"sub_b": sub_b, "school": school}
    stored = list(Award.objects.all())
    assert len(stored) == len(meaning)
    for cells, kind, winner, unit, level, prize, detail, day in meaning:
        if kind == "individual":
            award = next(a for a in stored if a.member_id == winner.pk and a.competition == cells[1])
            assert award.organization_id == winner.organization_id
        else:
            award = next(a for a in stored if a.team_name == winner)
            assert award.organization == units[unit]
        assert (award.kind, award.level, award.prize, award.prize_detail, award.awarded_on) == (
            kind,
            level,
            prize,
            detail,
            day,
        )
    act, team = volleyball
    linked = Award.objects.get(competition=act.title)
    assert (linked.activity, linked.team) == (act, team)
    assert Award.objects.filter(activity__isnull=False).count() == 1
    detail = client.get(reverse("activities:detail", args=[act.pk])).content.decode()
    assert detail.count("data-imported-row") == 1 and "冠军" in detail
    assert ImportedRecord.objects.filter(batch=batch).count() == len(meaning)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert "获奖名单.xlsx" in entry.summary and f"批次 #{batch.pk}" in entry.summary
    assert client.get(reverse("activities:awards")).content.decode().count("data-imported-row") == len(meaning)

    # 3. Re-imports (command line, then the runner) create nothing.
    path = Path(tempfile.mkdtemp()) / "获奖名单.xlsx"
    path.write_bytes(_file(fixed))
    call_command("import_award", str(path), "--school", school.code)
    again = run_file(importer, school=school, data=_file(fixed), filename="获奖名单.xlsx")
    assert again.written and again.created == {"获奖": 0} and again.skipped == len(meaning)
    assert Award.objects.count() == len(meaning)

    # 4. The report's figures for 2025 equal the file's totals for 2025, and the raw SQL counts.
    want = expected_figures(meaning, START, END)
    stats = report_stats(organization=school, start=START, end=END)["awards"]
    collected = figures.collect(organization=school, start=START, end=END)["current"]["activities"]["awards"]
    raw = raw_award_counts(school, START, END)
    for got in (stats, collected):
        assert (got["total"], got["individual"], got["team"]) == (want["total"], want["individual"], want["team"])
        assert {r["level"]: r["count"] for r in got["by_level"]} == want["by_level"]
        assert {r["prize"]: r["count"] for r in got["by_prize"]} == want["by_prize"]
    assert sum(raw.values()) == want["total"]
    for code, n in want["by_level"].items():
        assert sum(v for (level, _k, _p), v in raw.items() if level == code) == n
    for code, n in want["by_prize"].items():
        assert sum(v for (_l, _k, prize), v in raw.items() if prize == code) == n
    assert sum(v for (_l, kind, _p), v in raw.items() if kind == "team") == want["team"]

    # 5. The generated speech states the awards: the count, and the winners above school level by name.
    text = report_text(school, START, END)
    assert f"在各级竞赛中获奖{want['total']}项" in text
    assert "在河南省中小学优质课大赛中，李娜获金奖" in text
    assert "在青年教师教学技能竞赛中，王芳获一等奖" in text
    assert "在全国教职工广播操比赛中，学校代表队获最佳组织奖" in text


def test_prize_words_map_loosely_and_keep_their_words():
    from activities.importers.award import read_prize

    assert read_prize("一等奖") == (P.FIRST, "")
    assert read_prize(" 冠 军 ") == (P.FIRST, "冠军")
    assert read_prize("第1名") == (P.FIRST, "第1名")
    assert read_prize("第11名") == (P.OTHER, "第11名")
    assert read_prize("银奖") == (P.SECOND, "银奖")
    assert read_prize("季军") == (P.THIRD, "季军")
    assert read_prize("特等奖") == (P.SPECIAL, "")
    assert read_prize("鼓励奖") == (P.EXCELLENCE, "鼓励奖")
    assert read_prize("") is None


def test_level_from_grantor_and_bare_years():
    from activities.importers.recognition import award_date, level_from_grantor

    assert level_from_grantor("郑州市金水区教育局") == Level.DISTRICT
    assert level_from_grantor("河南省总工会") == Level.PROVINCIAL
    assert level_from_grantor("中华全国总工会") == Level.NATIONAL
    assert level_from_grantor("郑州市第一中学") == Level.SCHOOL
    assert level_from_grantor("广西壮族自治区教育厅") == Level.PROVINCIAL
    assert level_from_grantor("某某协会") is None
    assert award_date("2023年") == award_date(2023) == award_date("２０２３年度") == dt.date(2023, 1, 1)
    assert award_date("2023.5") == dt.date(2023, 5, 1)
    with pytest.raises(ValueError):
        award_date(str(timezone.localdate().year + 1))
