"""Acceptance: a tournament's teams and results (比赛队伍和赛果) from a messy sheet, then counted by the report.

Expected figures come from the rows written here; they are checked against ``reports.figures.collect``,
raw SQL and the generated speech (teams, players and matches).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from activities.models import Activity, Match, Team
from activities.tests.factories import ActivityFactory, TeamFactory
from activities.tests.test_import_activity import _utc, speech
from members.models import AuditEntry, ImportBatch, ImportedRecord
from members.tests.factories import DepartmentFactory, MemberFactory
from reports.figures import collect
from union_portal.lib.record_imports import importer_for, run_file

pytestmark = pytest.mark.django_db
YEAR = 2024
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
EVENT = f"{YEAR}年教职工气排球赛"
# No 类型 column: rows are told apart by whether 主队/客队 are filled.
HEADER = [
    "比赛名称",
    "活动日期",
    "队伍",
    "分工会",
    "职工号",
    "队员姓名",
    "部门",
    "日期",
    "阶段",
    "主队",
    "客队",
    "比赛结果",
]

# Team-player rows: (team, unit cell, person key, how named) and match rows: (day cell, day, round, home, away, score).
PLAYERS = [
    ("语文队", "语文组", "zhang", "no"),
    ("语文队", "", "li", "name"),
    ("数学队", "数学组分工会", "wang", "no"),
    ("数学队", "", "liu1", "name+dept"),
    ("后勤队", "", "chen", "both"),
    ("后勤队", "", None, ""),  # the team listed once more without a person
]
MATCHES = [
    (f"{YEAR}/4/10", dt.date(YEAR, 4, 10), "小组赛", "语文队", "数学队", "3:1"),
    (f"{YEAR}年4月11日", dt.date(YEAR, 4, 11), "小组赛", "数学队", "后勤队", "2比0"),
    (f"{YEAR}0412", dt.date(YEAR, 4, 12), "决赛", "语文队", "后勤队", "3-2"),
    (dt.datetime(YEAR, 4, 12), dt.date(YEAR, 4, 12), "三四名", "数学队", "后勤队", "１：２"),
]
MISTAKES = {"players": {3: {"部门": ""}}, "matches": {1: {"比赛结果": "2比?"}, 2: {"主队": "后勤队", "客队": "后勤队"}}}


@pytest.fixture
def staff(school, sub_a, sub_b):
    teaching, general = DepartmentFactory(school=school, name="教务处"), DepartmentFactory(school=school, name="办公室")
    return {
        "zhang": MemberFactory(organization=sub_a, staff_no="T001", name="张伟"),
        "li": MemberFactory(organization=sub_a, staff_no="T002", name="李娜"),
        "wang": MemberFactory(organization=sub_b, staff_no="T003", name="王芳"),
        "liu1": MemberFactory(organization=sub_a, staff_no="T004", name="刘洋", department=teaching),
        "liu2": MemberFactory(organization=sub_b, staff_no="T005", name="刘洋", department=general),
        "chen": MemberFactory(organization=sub_b, staff_no="T006", name="陈静"),
    }


def workbook(staff: dict, *, mistakes: bool, event_day: str = f"{YEAR}-04-08", event: str = EVENT) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([f"{EVENT} 参赛队伍及赛果"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    for index, (team, unit, person, how) in enumerate(PLAYERS):
        cells = dict.fromkeys(HEADER, "")
        cells.update({"比赛名称": event, "队伍": team, "分工会": unit, "活动日期": event_day if index == 0 else ""})
        if person:
            member = staff[person]
            cells["职工号"] = member.staff_no.replace("T", "Ｔ") if how in ("no", "both") else ""
            cells["队员姓名"] = " ".join(member.name) if how != "no" else ""
            cells["部门"] = member.department.name if how == "name+dept" else ""
        if mistakes:
            cells.update(MISTAKES["players"].get(index, {}))
        ws.append([cells[h] for h in HEADER])
    ws.append([None] * len(HEADER))
    for index, (cell, _day, round_name, home, away, result) in enumerate(MATCHES):
        cells = dict.fromkeys(HEADER, "")
        cells.update(
            {"比赛名称": event, "日期": cell, "阶段": round_name, "主队": home, "客队": away, "比赛结果": result}
        )
        if mistakes:
            cells.update(MISTAKES["matches"].get(index, {}))
        ws.append([cells[h] for h in HEADER])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def file_totals() -> dict:
    return {
        "teams": len({p[0] for p in PLAYERS}),
        "players": len({p[2] for p in PLAYERS if p[2]}),
        "matches": len(MATCHES),
    }


def report_teams(school) -> dict:
    stats = collect(organization=school, start=START, end=END)["current"]["activities"]
    return {k: stats["teams"][k] for k in ("teams", "players", "matches")}


def raw_teams(school) -> dict:
    args = (school.path + "%", _utc(START), _utc(END + dt.timedelta(days=1)))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM activities_team t JOIN activities_activity a ON a.id = t.activity_id "
            "JOIN members_organization o ON o.id = a.organizer_id WHERE o.path LIKE %s AND a.status != 'cancelled' "
            "AND a.starts_at >= %s AND a.starts_at < %s",
            args,
        )
        (teams,) = cursor.fetchone()
        cursor.execute(
            "SELECT COUNT(DISTINCT p.member_id) FROM activities_team_players p JOIN activities_team t "
            "ON t.id = p.team_id JOIN activities_activity a ON a.id = t.activity_id JOIN members_organization o "
            "ON o.id = a.organizer_id WHERE o.path LIKE %s AND a.status != 'cancelled' AND a.starts_at >= %s "
            "AND a.starts_at < %s",
            args,
        )
        (players,) = cursor.fetchone()
        cursor.execute(
            "SELECT COUNT(*) FROM activities_match m JOIN activities_activity a ON a.id = m.activity_id "
            "JOIN members_organization o ON o.id = a.organizer_id WHERE o.path LIKE %s AND a.status != 'cancelled' "
            "AND a.starts_at >= %s AND a.starts_at < %s",
            args,
        )
        (matches,) = cursor.fetchone()
    return {"teams": teams, "players": players, "matches": matches}


def _upload(client, data: bytes):
    upload = io.BytesIO(data)
    upload.name = "气排球赛果.xlsx"
    response = client.post(reverse("imports:upload", kwargs={"kind": "tournament"}), {"file": upload})
    assert response.status_code == 302
    return ImportBatch.objects.filter(kind="tournament").latest("pk")


def test_messy_sheet_errors_fix_import_reimport_and_report(login, chair, school, sub_a, sub_b, staff):
    client = login(chair)
    batch = _upload(client, workbook(staff, mistakes=True))
    client.get(reverse("imports:preview", kwargs={"kind": "tournament", "pk": batch.pk}))
    errors = {(e["row"], e["column"]): e["message"] for e in ImportBatch.objects.get(pk=batch.pk).summary["errors"]}
    first_player, first_match = 3, 3 + len(PLAYERS) + 1  # title, header; a blank line before the matches
    assert "名册中有 2 位“刘洋”" in errors[(first_player + 3, "队员姓名")]
    assert "无法识别" in errors[(first_match + 1, "比赛结果")]
    assert "不能是同一队" in errors[(first_match + 2, "客队")]
    assert len(errors) == 3
    client.post(reverse("imports:confirm", kwargs={"kind": "tournament", "pk": batch.pk}))
    assert not Team.objects.exists() and not Activity.objects.exists()

    batch = _upload(client, workbook(staff, mistakes=False))
    page = client.get(reverse("imports:preview", kwargs={"kind": "tournament", "pk": batch.pk})).content.decode()
    assert "全部通过检查" in page
    assert client.post(reverse("imports:confirm", kwargs={"kind": "tournament", "pk": batch.pk})).status_code == 302
    expected = file_totals()
    assert report_teams(school) == expected == raw_teams(school)
    # The tournament did not exist: created as a finished sports activity of the school, first day to last match.
    act = Activity.objects.get(title=EVENT)
    assert act.status == Activity.Status.FINISHED and act.type == Activity.Type.SPORTS and act.organizer == school
    assert timezone.localtime(act.starts_at).date() == dt.date(YEAR, 4, 8)
    assert timezone.localtime(act.ends_at).date() == max(m[1] for m in MATCHES)
    assert (
        Team.objects.get(name="语文队").organization == sub_a and Team.objects.get(name="数学队").organization == sub_b
    )
    final = Match.objects.get(round_name="决赛")
    assert (final.home.name, final.away.name, final.home_score, final.away_score) == ("语文队", "后勤队", 3, 2)
    assert Match.objects.get(round_name="三四名").result == "1 : 2"
    batch.refresh_from_db()
    assert ImportedRecord.objects.filter(batch=batch).count() == 1 + expected["teams"] + expected["matches"]
    assert AuditEntry.objects.filter(action="import", summary__contains="比赛队伍和赛果").count() == 1
    teams_page = client.get(reverse("activities:teams", args=[act.pk])).content.decode()
    assert teams_page.count('title="历史导入"') == expected["teams"] + expected["matches"]
    assert f'data-imported="{batch.pk}"' in client.get(reverse("activities:detail", args=[act.pk])).content.decode()

    # The same file again: nothing new.
    result = importer_for("tournament").validate(school=school, data=workbook(staff, mistakes=False), filename="x")
    assert not any(result.created.values()) and result.skipped == len(PLAYERS) + len(MATCHES)
    batch = _upload(client, workbook(staff, mistakes=False))
    client.post(reverse("imports:confirm", kwargs={"kind": "tournament", "pk": batch.pk}))
    assert report_teams(school) == expected == raw_teams(school)
    assert Activity.objects.count() == 1

    # The speech states the teams, the players and the matches.
    text = speech(school, START, END, "activities.teams")
    assert f"组建参赛队伍{expected['teams']}支" in text
    assert f"参赛队员{expected['players']}人" in text and f"进行比赛{expected['matches']}场" in text
    events = speech(school, START, END, "activities.events")
    assert f"{expected['teams']}支队伍、{expected['players']}名队员参赛，进行了{expected['matches']}场比赛" in events


def test_results_attach_to_an_existing_activity_with_its_recorded_teams(school, sub_a, staff):
    """The tournament entered in the portal (one team already recorded) is found by its title alone;
    a match may name the recorded team; nothing about the activity changes."""
    act = ActivityFactory(
        organizer=sub_a,
        title="乒乓球团体赛",
        status=Activity.Status.FINISHED,
        starts_at=timezone.make_aware(dt.datetime(YEAR, 5, 20, 14)),
        ends_at=timezone.make_aware(dt.datetime(YEAR, 5, 20, 17)),
    )
    recorded = TeamFactory(activity=act, name="教务队")
    recorded.players.add(staff["zhang"])
    wb = Workbook()
    ws = wb.active
    ws.append(["赛事名称", "类型", "队名", "工号", "比赛日期", "甲队", "乙队", "比分"])
    ws.append(["乒乓球团体赛", "队员", "后勤队", "T006", "", "", "", ""])
    ws.append(["乒乓球团体赛", "队员", "教务队", "T001", "", "", "", ""])
    ws.append(["乒乓球团体赛", "比赛", "", "", f"{YEAR}-05-20", "教务队", "后勤队", "3:0"])
    buf = io.BytesIO()
    wb.save(buf)
    result = run_file(importer_for("tournament"), school=school, data=buf.getvalue(), filename="乒乓.xlsx")
    assert result.ok and result.written, result.errors
    assert result.created == {"赛事活动": 0, "参赛队": 1, "队员": 1, "比赛场次": 1} and result.skipped == 1
    assert Activity.objects.count() == 1 and act.teams.count() == 2
    assert Match.objects.get().home == recorded


def test_unknown_team_missing_dates_and_cancelled_activity(school, staff):
    ActivityFactory(
        organizer=school,
        title="篮球赛",
        status=Activity.Status.CANCELLED,
        starts_at=timezone.make_aware(dt.datetime(YEAR, 6, 1, 9)),
        ends_at=timezone.make_aware(dt.datetime(YEAR, 6, 1, 11)),
    )
    wb = Workbook()
    ws = wb.active
    ws.append(["赛事名称", "队名", "工号", "比赛日期", "甲队", "乙队", "比分"])
    ws.append(["拔河比赛", "一队", "T001", "", "", "", ""])
    ws.append(["足球赛", "红队", "T002", "", "", "", ""])
    ws.append(["足球赛", "", "", f"{YEAR}-06-02", "红队", "蓝队", ""])
    ws.append(["篮球赛", "白队", "T003", "", "", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    result = importer_for("tournament").validate(school=school, data=buf.getvalue(), filename="x.xlsx")
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "请填写赛事日期或至少一场比赛的日期" in messages[(2, "赛事日期")]
    assert "“蓝队”不在“足球赛”的参赛队中" in messages[(4, "乙队")]
    assert "已取消" in messages[(5, "赛事名称")]
    assert len(messages) == 3


def test_same_player_in_two_teams_and_unrecognisable_rows(school, staff):
    wb = Workbook()
    ws = wb.active
    ws.append(["赛事名称", "赛事日期", "队名", "姓名", "甲队", "比分"])
    ws.append(["羽毛球赛", f"{YEAR}-03-01", "一队", "张伟", "", ""])
    ws.append(["羽毛球赛", "", "二队", "张伟", "", ""])
    ws.append(["羽毛球赛", "", "", "", "", ""])
    ws.append(["羽毛球赛", "", "", "", "", "3:1"])
    buf = io.BytesIO()
    wb.save(buf)
    result = importer_for("tournament").validate(school=school, data=buf.getvalue(), filename="x.xlsx")
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "已在第 2 行的“一队”中" in messages[(3, "姓名")]
    assert "无法判断" in messages[(5, "队名")]


def test_command_line_and_buttons(tmp_path, login, chair, member, school, staff):
    path = tmp_path / "赛果.csv"
    path.write_text(
        "赛事名称,赛事日期,队名,工号,比赛日期,甲队,乙队,比分\n"
        f"跳绳比赛,{YEAR}-09-01,甲组,T001,,,,\n跳绳比赛,,乙组,T002,,,,\n跳绳比赛,,,,{YEAR}-09-01,甲组,乙组,1比0\n",
        encoding="utf-8",
    )
    call_command("import_tournament", str(path), "--school", school.code, "--dry-run")
    assert not Team.objects.exists()
    call_command("import_tournament", str(path), "--school", school.code)
    call_command("import_tournament", str(path), "--school", school.code)
    assert Team.objects.count() == 2 and Match.objects.count() == 1
    act = Activity.objects.get(title="跳绳比赛")
    url = reverse("imports:upload", kwargs={"kind": "tournament"})
    assert url in login(chair).get(reverse("activities:teams", args=[act.pk])).content.decode()
    assert url in login(chair).get(reverse("activities:detail", args=[act.pk])).content.decode()
    assert url not in login(member).get(reverse("activities:detail", args=[act.pk])).content.decode()
