"""Issue 18, acceptance: from an empty install, a school brings in its roster and a year of files of every kind
from the command line, the annual report for that year is built, and its speech states the files' totals.

The files are written here with openpyxl the way a school keeps them (a title row, the standard headers); the
expected totals are computed from the rows written here and checked twice: against an independent raw-SQL
count over the tables, and in the speech's text (the generated sentences of the built document).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from openpyxl import Workbook

from congress.services import congress_create, session_create
from members.models import Organization
from members.tests.onboarding import ledger_file, roster_file
from reports import document, services
from union_portal.lib.record_imports import importers
from welfare.services import plan_create

YEAR = 2025
STAFF = ["N001", "N002", "N003", "N004", "N005"]  # the onboarding roster (members/tests/onboarding.py)


def xlsx(title: str, headers: list, rows: list) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sql(query: str, *params):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]


# --- A year of files ---------------------------------------------------------------------------------------

FESTIVAL = [  # (节日, 发放日期, 物品, 金额) × every member
    ("春节", f"{YEAR}-01-20", "年货礼包", 300),
    ("中秋", f"{YEAR}年9月10日", "月饼", 200),
]
DONATION = [("N001", 200), ("N002", 100), ("N003", 100), ("N004", 50), ("N005", 300)]


def festival_file() -> bytes:
    rows = [[f, d, no, "", item, f"{v}元"] for f, d, item, v in FESTIVAL for no in STAFF]
    return xlsx(f"{YEAR}年节日慰问品发放签领表", ["节日", "发放日期", "工号", "姓名", "物品", "金额"], rows)


def donation_file() -> bytes:
    rows = [["一日捐", f"{YEAR}/5/20", f"{YEAR}年慈善一日捐", no, "", amount] for no, amount in DONATION]
    return xlsx(f"{YEAR}年“慈善一日捐”捐款名单", ["类别", "日期", "名称", "工号", "姓名", "金额"], rows)


ENROLLED = ["N001", "N002", "N003", "N004", "N005"]
CLAIMS = [("N002", f"{YEAR}-04-02", 3000, 2400, f"{YEAR}-05-10"), ("N004", f"{YEAR}-10-08", 1000, 800, f"{YEAR}-11-01")]


def aid_enrolment_file() -> bytes:
    rows = [["住院医疗互助", f"{YEAR}年", no, "", 60, "工会经费"] for no in ENROLLED]
    return xlsx(f"{YEAR}年住院医疗互助参保名单", ["计划", "年度", "工号", "姓名", "费用", "缴费方"], rows)


def aid_claim_file() -> bytes:
    rows = [["住院医疗互助", no, on, claimed, paid, paid_on] for no, on, claimed, paid, paid_on in CLAIMS]
    return xlsx(f"{YEAR}年理赔名单", ["计划", "工号", "申请日期", "申请金额", "赔付金额", "赔付日期"], rows)


ACTIVITY = [  # (活动名称, 活动日期, 类型, participants)
    ("迎新春教职工趣味运动会", f"{YEAR}-01-10", "体育", ["N001", "N002", "N003", "N004"]),
    ("教师节文艺汇演", f"{YEAR}年9月9日", "文艺", ["N002", "N005"]),
]


def activity_file() -> bytes:
    rows = [[title, day, kind, no, "", "是"] for title, day, kind, people in ACTIVITY for no in people]
    return xlsx(f"{YEAR}年工会活动参加名单", ["活动名称", "活动日期", "类型", "工号", "姓名", "签到"], rows)


TEAMS = {"行政队": ["N001", "N004"], "语文队": ["N002", "N003"], "数学队": ["N005"]}
MATCHES = [("行政队", "语文队", "3:1"), ("语文队", "数学队", "2:2"), ("行政队", "数学队", "0:1")]


def tournament_file() -> bytes:
    tournament = "教职工气排球比赛"
    rows = [[tournament, team, no, "", "", "", "", ""] for team, people in TEAMS.items() for no in people]
    rows += [[tournament, "", "", f"{YEAR}-11-{10 + i}", "小组赛", home, away, score]
             for i, (home, away, score) in enumerate(MATCHES)]  # fmt: skip
    headers = ["赛事名称", "队名", "工号", "比赛日期", "轮次", "甲队", "乙队", "比分"]
    return xlsx(f"{YEAR}年{tournament}队伍和赛果", headers, rows)


CHECKED = [("N001", "否", "是"), ("N002", "是", "是"), ("N003", "否", "是"), ("N004", "是", "是"), ("N005", "否", "否")]


def health_check_file() -> bytes:
    rows = [[f"{YEAR}年5月20日", "区人民医院", no, "", womens, went] for no, womens, went in CHECKED]
    headers = ["体检日期", "体检机构", "工号", "姓名", "女职工专项", "是否参检"]
    return xlsx(f"{YEAR}年教职工健康体检名单", headers, rows)


AID = [("N003", f"{YEAR}-02-01", 2000), ("N003", f"{YEAR}-09-01", 1000), ("N005", f"{YEAR}-06-01", 1500)]


def hardship_file() -> bytes:
    rows = [[no, "", f"{YEAR}-01-15", "家庭成员重病", "一般困难", day, amount] for no, day, amount in AID]
    headers = ["工号", "姓名", "建档日期", "致困原因", "困难程度", "帮扶日期", "帮扶金额"]
    return xlsx(f"{YEAR}年困难职工帮扶名单", headers, rows)


# (立案号, 案由, 提案人, 处理意见, 承办部门, 答复日期, 评价)
PROPOSALS = [
    ("2025-01", "关于改善教职工午餐质量的建议", "N002", "立案", "总务处", f"{YEAR}-04-20", "满意"),
    ("2025-02", "关于增设教师休息室的建议", "N003", "立案", "总务处", f"{YEAR}-05-08", "满意"),
    ("2025-03", "关于完善青年教师培养机制的建议", "N004", "立案", "教务处", f"{YEAR}-04-30", "基本满意"),
    ("", "关于调整作息时间的建议", "N005", "转为意见建议", "", "", ""),
]


def proposal_file() -> bytes:
    rows = [["第一届第一次", no, title, who, verdict, dept, f"答复：{title[2:6]}已落实" if day else "", day, rating]
            for no, title, who, verdict, dept, day, rating in PROPOSALS]  # fmt: skip
    headers = ["会议", "立案号", "案由", "工号", "处理意见", "承办部门", "答复内容", "答复日期", "评价"]
    return xlsx("第一届教职工代表大会第一次会议提案汇总表", headers, rows)


HONOURS = [  # (荣誉称号, 类别, 工号, 集体名称, 级别, 授予单位, 授予日期)
    ("优秀教师", "个人", "N002", "", "区级", "区教育局", f"{YEAR}-09-10"),
    ("师德标兵", "个人", "N003", "", "校级", "新苗中学", f"{YEAR}年6月30日"),
    ("模范职工之家", "集体", "", "学校工会", "市级", "市总工会", f"{YEAR}-04-28"),
]
AWARDS = [("区教职工气排球比赛", "N001", "二等奖", "区级", "区教育工会", f"{YEAR}-11-20"),
          ("区青年教师基本功大赛", "N005", "一等奖", "区级", "区教育局", f"{YEAR}-12-05")]


def honour_file() -> bytes:
    headers = ["荣誉称号", "类别", "工号", "集体名称", "级别", "授予单位", "授予日期"]
    return xlsx(f"{YEAR}年度荣誉名单", headers, [list(h) for h in HONOURS])


def award_file() -> bytes:
    headers = ["比赛名称", "工号", "奖项", "级别", "授予单位", "获奖日期"]
    return xlsx(f"{YEAR}年度获奖名单", headers, [list(a) for a in AWARDS])


FILES = {
    "festival": festival_file,
    "donation": donation_file,
    "aid_enrolment": aid_enrolment_file,
    "aid_claim": aid_claim_file,
    "activity": activity_file,
    "tournament": tournament_file,
    "health_check": health_check_file,
    "hardship": hardship_file,
    "proposal": proposal_file,
    "honour": honour_file,
    "award": award_file,
}


@pytest.mark.django_db
def test_a_year_of_files_from_an_empty_install_makes_a_true_report(tmp_path, capsys):
    from django.contrib.auth import get_user_model

    assert not Organization.objects.exists() and not get_user_model().objects.exists()
    assert set(FILES) <= set(importers()), "every kind of file has an importer"

    # 1. The school, from its roster, then a year of files of every kind, each from the command line.
    roster = tmp_path / "名册.xlsx"
    roster.write_bytes(roster_file())
    call_command("setup_school", "--code", "NS01", "--name", "新苗中学工会")
    call_command("import_members", str(roster), "--school", "NS01", "--create-units")
    school = Organization.objects.get(code="NS01")
    # The chair sets up the school's mutual-aid plan first (a file never creates one: whether its claims are
    # health data cannot be read from a spreadsheet).
    plan_create(organization=school, kind="hospital", name="住院医疗互助", premium=Decimal("60"), is_health=True)
    # …and records the congress term and its session, which the proposal summary names (as the site's admin).
    admin = get_user_model().objects.create_superuser("admin", password="Admin-pass-2026")
    term = congress_create(acting_user=admin, school=school, number=1, kind="staff", start_date=dt.date(YEAR, 1, 1),
                           end_date=dt.date(YEAR + 4, 12, 31), min_cosigners=2, pass_base="all",
                           reply_deadline_days=30)  # fmt: skip
    session_create(acting_user=admin, congress=term, number=1, date=dt.date(YEAR, 3, 20),
                   collection_opens=dt.date(YEAR, 2, 20), collection_closes=dt.date(YEAR, 3, 10))  # fmt: skip
    ledger = tmp_path / "慰问台账.xlsx"
    ledger.write_bytes(ledger_file(YEAR))
    call_command("import_welfare", str(ledger), "--school", "NS01")
    for kind, make in FILES.items():
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(make())
        call_command(f"import_{kind}", str(path), "--school", "NS01")
        assert "导入完成" in capsys.readouterr().out, kind
    for kind in FILES:  # a second run of the same files writes nothing new
        call_command(f"import_{kind}", str(tmp_path / f"{kind}.xlsx"), "--school", "NS01")
        assert "无新增记录" in capsys.readouterr().out, kind

    # 2. The annual report for that year, built with nobody logged in.
    report = services.report_create(organization=school, start=dt.date(YEAR, 1, 1), end=dt.date(YEAR, 12, 31),
                                    period_kind="calendar_year", acting_user=None)  # fmt: skip
    doc = document.build(services.report_snapshot(report))
    speech = "".join(p.text for s in doc.sections for p in s.items if isinstance(p, document.Paragraph))

    # 3. Its speech states the files' totals, which the tables hold too.
    recipients = len(FESTIVAL) * len(STAFF)
    assert sql("SELECT COUNT(*) FROM welfare_distributionrecipient") == recipients
    assert f"为教职工发放慰问品{recipients}人次" in speech

    donors, given = len(DONATION), sum(amount for _, amount in DONATION)
    assert sql("SELECT COUNT(DISTINCT member_id) FROM welfare_donation") == donors
    assert Decimal(sql("SELECT SUM(amount) FROM welfare_donation")) == given
    assert f"{donors}名教职工捐款{given}元" in speech

    enrolled = len(ENROLLED)
    assert sql("SELECT COUNT(*) FROM welfare_planenrollment WHERE year = %s", YEAR) == enrolled
    assert f"《住院医疗互助》，参保{enrolled}人" in speech
    paid = sum(c[3] for c in CLAIMS)
    assert Decimal(sql("SELECT SUM(paid_amount) FROM welfare_aidclaim")) == paid
    # Two claimants are fewer than REPORT_SMALL_COUNT_MIN (3): the speech must not state their claims.
    assert str(paid) not in speech and "理赔" not in speech

    times = sum(len(people) for *_, people in ACTIVITY)
    persons = len({no for *_, people in ACTIVITY for no in people})
    assert sql("SELECT COUNT(*) FROM activities_registration WHERE checked_in_at IS NOT NULL") == times
    assert f"教职工参加{times}人次（{persons}人）" in speech

    teams, players = len(TEAMS), sum(len(p) for p in TEAMS.values())
    assert sql("SELECT COUNT(*) FROM activities_team") == teams
    assert sql("SELECT COUNT(*) FROM activities_team_players") == players
    assert sql("SELECT COUNT(*) FROM activities_match") == len(MATCHES)
    assert f"举办“教职工气排球比赛”，{teams}支队伍、{players}名队员参赛，进行了{len(MATCHES)}场比赛" in speech

    # Health checks: the list's 未参检 row is not stated as checked.
    checked = sum(went == "是" for *_, went in CHECKED)
    assert sql("SELECT COUNT(*) FROM welfare_healthcheckparticipant WHERE attended") == checked
    assert f"组织{checked}名教职工参加健康体检" in speech

    aided, aid_total = len({no for no, *_ in AID}), sum(amount for *_, amount in AID)
    assert Decimal(sql("SELECT SUM(amount) FROM welfare_hardshipaid")) == aid_total
    assert aided < 3 and "对困难教职工建档帮扶" in speech  # two colleagues: the work is said, not their figures
    assert f"{aid_total}元" not in speech and f"帮扶困难教职工{aided}" not in speech

    accepted = sum(p[3] == "立案" for p in PROPOSALS)
    satisfied = sum(p[6] == "满意" for p in PROPOSALS)
    assert sql("SELECT COUNT(*) FROM congress_proposal WHERE status IN ('accepted','assigned','replied','closed')") \
        == accepted
    assert f"共征集提案{len(PROPOSALS)}项" in speech and f"立案{accepted}项" in speech
    assert f"首轮评价满意{satisfied}项" in speech

    assert sql("SELECT COUNT(*) FROM activities_honor") == len(HONOURS)
    assert sql("SELECT COUNT(*) FROM activities_award") == len(AWARDS)
    assert f"获得各级各类荣誉{len(HONOURS)}项" in speech and f"在各级竞赛中获奖{len(AWARDS)}项" in speech
