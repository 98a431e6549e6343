"""Acceptance: a school's messy 活动参加名单 imported through the shared flow, then counted by the report.

The file is built here (title row in a merged cell, header aliases, mixed date styles, full-width 工号, a
name match, an ambiguous name, bad rows). Expected figures are computed from the rows written below,
never from the code under test, and checked against ``reports.figures.collect`` and raw SQL.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from activities.models import Activity, Registration
from activities.tests.factories import ActivityFactory, RegistrationFactory
from members.models import AuditEntry, FamilyMember, ImportBatch, ImportedRecord
from members.tests.factories import DepartmentFactory, FamilyMemberFactory, MemberFactory
from reports import document
from reports.figures import collect
from union_portal.lib.record_imports import importer_for, run_file

pytestmark = pytest.mark.django_db
YEAR = 2024
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)

HEADER = ["活动", "活动时间", "活动类型", "活动地点", "组织单位", "工 号", "教职工姓名", "部门", "家属", "与本人关系",
          "是否参加", "到场人数", "人数备注", "支出(元)"]  # fmt: skip


@pytest.fixture
def staff(school, sub_a, sub_b):
    teaching, general = DepartmentFactory(school=school, name="教务处"), DepartmentFactory(school=school, name="办公室")
    people = {
        "zhang": MemberFactory(organization=sub_a, staff_no="T001", name="张伟"),
        "li": MemberFactory(organization=sub_a, staff_no="T002", name="李娜"),
        "wang": MemberFactory(organization=sub_b, staff_no="T003", name="王芳"),
        "liu1": MemberFactory(organization=sub_a, staff_no="T004", name="刘洋", department=teaching),
        "liu2": MemberFactory(organization=sub_b, staff_no="T005", name="刘洋", department=general),
        "chen": MemberFactory(organization=sub_b, staff_no="T006", name="陈静"),
    }
    FamilyMemberFactory(member=people["wang"], name="王小明", relation=FamilyMember.Relation.CHILD)
    return people


# The file's rows as facts: (activity, date, person key, family name, attended, headcount) and how each is
# written in the sheet (the messy cells). "who" is how the person is named: 工号, 姓名 or both.
ROWS = [
    # title, day, person, who, family, relation, attended, headcount, cells overriding the defaults
    ("教职工气排球赛", dt.date(YEAR, 4, 12), "zhang", "no", "", "", "是", None,
     {"活动时间": f"{YEAR}年4月12日 下午3:00", "活动类型": "体育", "活动地点": "体育馆"}),
    ("教职工气排球赛", dt.date(YEAR, 4, 12), "li", "no", "", "", "", None, {"活动时间": f"{YEAR}/4/12"}),
    ("教职工气排球赛", dt.date(YEAR, 4, 12), "chen", "name", "", "", "√", None, {"活动时间": f"{YEAR}0412"}),
    ("三八节插花", dt.date(YEAR, 3, 8), "li", "both", "", "", "", None,
     {"活动时间": f"{YEAR}.3.8", "活动类型": "节日", "组织单位": "语文组", "活动地点": "会议室"}),
    ("三八节插花", dt.date(YEAR, 3, 8), "liu1", "name", "", "", "", None,
     {"活动时间": dt.datetime(YEAR, 3, 8), "部门": "教务处"}),
    ("六一亲子游园", dt.date(YEAR, 6, 1), "wang", "both", "王小明", "", "", None,
     {"活动时间": f"{YEAR}-06-01", "活动类型": "节日活动"}),
    ("六一亲子游园", dt.date(YEAR, 6, 1), "zhang", "no", "张小宝", "女儿", "", None, {"活动时间": f"{YEAR}-6-1"}),
    ("六一亲子游园", dt.date(YEAR, 6, 1), "chen", "no", "", "", "请假", None, {"活动时间": f"{YEAR}-6-1"}),
    ("元旦文艺汇演", dt.date(YEAR, 12, 30), None, "", "", "", "", 520,
     {"活动时间": f"{YEAR}年12月30日", "活动类型": "文艺", "人数备注": "教师、家长、学生，按入场券统计", "支出(元)": "3,200元"}),
    ("元旦文艺汇演", dt.date(YEAR, 12, 30), "wang", "no", "", "", "", None, {"活动时间": f"{YEAR}年12月30日"}),
    ("迎新春联欢", dt.date(YEAR, 1, 20), "liu2", "no", "", "", "出席", None,
     {"活动时间": f"{YEAR}-01-20 14:30-16:30", "组织单位": "数学组分工会"}),
    # Outside the report's period: imported, not counted for YEAR.
    ("秋季教工运动会", dt.date(YEAR - 1, 10, 20), "zhang", "no", "", "", "", None, {"活动时间": f"{YEAR - 1}/10/20"}),
]  # fmt: skip
# The mistakes of the first version of the file, by row index: cells that are wrong, then fixed.
MISTAKES = {
    4: {"部门": ""},  # 刘洋 without 部门: two staff of that name
    10: {"活动时间": f"{YEAR}-13-45"},  # no such date
    9: {"工 号": "T999"},  # not on the roll
    6: {"与本人关系": ""},  # a family member not on record, without the relation
}


def _cells(index: int, row: tuple, staff: dict, mistakes: bool) -> list:
    title, day, person, who, family, relation, attended, headcount, extra = row
    values = {h: "" for h in HEADER}
    values.update(
        {"活动": title, "活动时间": day.isoformat(), "是否参加": attended, "家属": family, "与本人关系": relation}
    )
    if person:
        member = staff[person]
        no = member.staff_no.replace("T", "Ｔ").replace("0", "０") if index % 2 else member.staff_no
        values["工 号"] = no if who in ("no", "both") else ""
        values["教职工姓名"] = " ".join(member.name) if who in ("name", "both") else ""
    if headcount:
        values["到场人数"] = f"约{headcount}人"
    values.update(extra)
    if mistakes:
        values.update(MISTAKES.get(index, {}))
    return [values[h] for h in HEADER]


def workbook(staff: dict, *, mistakes: bool) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([f"{YEAR}年学校工会活动参加名单"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(["制表：学校工会"])
    ws.append(HEADER)
    for index, row in enumerate(ROWS):
        ws.append(_cells(index, row, staff, mistakes))
        if index == 5:
            ws.append([None] * len(HEADER))  # a blank line in the middle
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def file_totals(start: dt.date, end: dt.date) -> dict:
    """The figures the report should state for [start, end], from ROWS alone."""
    rows = [r for r in ROWS if start <= r[1] <= end]
    activities = {(r[0], r[1]) for r in rows}
    came = [r for r in rows if r[2] and r[6] not in ("请假", "否", "缺席")]
    staff_times = {(r[0], r[1], r[2]) for r in came}
    family_times = {(r[0], r[1], r[4]) for r in came if r[4]}
    guests = 0
    for title, day in activities:
        head = sum(r[7] or 0 for r in rows if (r[0], r[1]) == (title, day))
        regs = sum(1 for k in staff_times | family_times if k[:2] == (title, day))
        guests += max(head - regs, 0) if head else 0
    return {
        "activities": len(activities),
        "staff_person_times": len(staff_times),
        "staff_persons": len({r[2] for r in came}),
        "family_person_times": len(family_times),
        "headcount": sum(r[7] or 0 for r in rows),
        "guests": guests,
    }


def _utc(day: dt.date) -> str:
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def raw_counts(school, start: dt.date, end: dt.date) -> dict:
    """The same figures by raw SQL on the tables (live activities starting in the period, local dates)."""
    args = (school.path + "%", _utc(start), _utc(end + dt.timedelta(days=1)))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COALESCE(SUM(a.headcount), 0), COALESCE(SUM(CASE WHEN a.headcount > "
            "(SELECT COUNT(*) FROM activities_registration r WHERE r.activity_id = a.id AND r.status = 'registered') "
            "THEN a.headcount - (SELECT COUNT(*) FROM activities_registration r WHERE r.activity_id = a.id "
            "AND r.status = 'registered') ELSE 0 END), 0) FROM activities_activity a JOIN members_organization o "
            "ON o.id = a.organizer_id WHERE o.path LIKE %s AND a.status != 'cancelled' AND a.starts_at >= %s "
            "AND a.starts_at < %s",
            args,
        )
        activities, headcount, guests = cursor.fetchone()
        cursor.execute(
            "SELECT COUNT(*), COUNT(DISTINCT r.member_id) FROM activities_registration r JOIN activities_activity a "
            "ON a.id = r.activity_id JOIN members_organization o ON o.id = a.organizer_id WHERE r.status = 'registered' "
            "AND r.family_member_id IS NULL AND o.path LIKE %s AND a.status != 'cancelled' AND a.starts_at >= %s "
            "AND a.starts_at < %s",
            args,
        )
        staff_times, staff_persons = cursor.fetchone()
        cursor.execute(
            "SELECT COUNT(*) FROM activities_registration r JOIN activities_activity a ON a.id = r.activity_id "
            "JOIN members_organization o ON o.id = a.organizer_id WHERE r.status = 'registered' "
            "AND r.family_member_id IS NOT NULL AND o.path LIKE %s AND a.status != 'cancelled' AND a.starts_at >= %s "
            "AND a.starts_at < %s",
            args,
        )
        (family_times,) = cursor.fetchone()
    return {
        "activities": activities,
        "staff_person_times": staff_times,
        "staff_persons": staff_persons,
        "family_person_times": family_times,
        "headcount": headcount,
        "guests": guests,
    }


def report_figures(school, start: dt.date, end: dt.date) -> dict:
    stats = collect(organization=school, start=start, end=end)["current"]["activities"]
    p = stats["participants"]
    return {
        "activities": stats["activities"]["total"],
        "staff_person_times": p["staff_person_times"],
        "staff_persons": p["staff_persons"],
        "family_person_times": p["family_person_times"],
        "headcount": p["headcount_person_times"],
        "guests": p["guest_head_count"],
    }


def speech(school, start: dt.date, end: dt.date, source: str) -> str:
    snapshot = {
        "organization": {"pk": school.pk, "code": school.code, "name": school.name, "kind": school.kind},
        "period_kind": "calendar_year",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "opening": "",
        "sections": [],
        "figures": collect(organization=school, start=start, end=end),
    }
    ctx = document._Ctx(snapshot, links=False)
    return "".join(p.text for p in ctx.paragraphs(ctx.generated({"kind": "sentence", "text": "", "source": source})))


def _upload(client, data: bytes, name: str = "2024年活动名单.xlsx"):
    upload = io.BytesIO(data)
    upload.name = name
    response = client.post(reverse("imports:upload", kwargs={"kind": "activity"}), {"file": upload})
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportBatch.objects.filter(kind="activity").latest("pk")


def test_messy_file_errors_fix_import_reimport_and_report(login, chair, school, sub_a, sub_b, staff):
    client = login(chair)
    # 1. The first version: every mistake is a row error naming row and column; nothing is written.
    batch = _upload(client, workbook(staff, mistakes=True))
    page = client.get(reverse("imports:preview", kwargs={"kind": "activity", "pk": batch.pk})).content.decode()
    errors = {(e["row"], e["column"]): e["message"] for e in ImportBatch.objects.get(pk=batch.pk).summary["errors"]}
    first_data_row = 4  # title, 制表 line, header
    row_of = {i: first_data_row + i + (1 if i > 5 else 0) for i in range(len(ROWS))}
    assert "名册中有 2 位“刘洋”" in errors[(row_of[4], "教职工姓名")]
    assert "T004" in errors[(row_of[4], "教职工姓名")] and "T005" in errors[(row_of[4], "教职工姓名")]
    assert "不存在" in errors[(row_of[10], "活动时间")]
    assert "T999 不在本校名册中" in errors[(row_of[9], "工 号")]
    assert "家属关系" in errors[(row_of[6], "与本人关系")]
    assert len(errors) == len(MISTAKES)
    assert "名册中有 2 位" in page
    client.post(reverse("imports:confirm", kwargs={"kind": "activity", "pk": batch.pk}))
    assert Activity.objects.count() == 0 and Registration.objects.count() == 0

    # 2. The fixed file: preview, confirm; the report's figures for the year equal the file's totals.
    batch = _upload(client, workbook(staff, mistakes=False))
    page = client.get(reverse("imports:preview", kwargs={"kind": "activity", "pk": batch.pk})).content.decode()
    assert "全部通过检查" in page, page[:3000]
    response = client.post(reverse("imports:confirm", kwargs={"kind": "activity", "pk": batch.pk}))
    assert response.status_code == 302
    expected = file_totals(START, END)
    assert report_figures(school, START, END) == expected
    assert raw_counts(school, START, END) == expected
    # The year before holds only the autumn sports day.
    assert report_figures(school, dt.date(YEAR - 1, 1, 1), dt.date(YEAR - 1, 12, 31)) == file_totals(
        dt.date(YEAR - 1, 1, 1), dt.date(YEAR - 1, 12, 31)
    )

    # What was written: finished activities, checked-in registrations on the activity's day, no notices.
    volley = Activity.objects.get(title="教职工气排球赛")
    assert volley.status == Activity.Status.FINISHED and volley.type == Activity.Type.SPORTS
    assert timezone.localtime(volley.starts_at).time() == dt.time(15, 0) and volley.place == "体育馆"
    flowers = Activity.objects.get(title="三八节插花")
    assert flowers.organizer == sub_a and flowers.type == Activity.Type.FESTIVAL
    assert Activity.objects.get(title="迎新春联欢").organizer == sub_b
    gala = Activity.objects.get(title="元旦文艺汇演")
    assert gala.headcount == 520 and gala.spent == Decimal("3200.00") and gala.organizer == school
    assert gala.headcount_note == "教师、家长、学生，按入场券统计"  # written as in the file, punctuation kept
    kids = Activity.objects.get(title="六一亲子游园")
    assert kids.admits_families and kids.audience == Activity.Audience.FAMILIES
    for reg in Registration.objects.select_related("activity"):
        assert reg.status == "registered" and reg.checked_in_at == reg.registered_at == reg.activity.starts_at
    assert FamilyMember.objects.get(name="张小宝").member == staff["zhang"]
    assert not Registration.objects.filter(activity=kids, member=staff["chen"]).exists()  # 请假: not imported
    from members.models import Notice, Reminder

    assert not Notice.objects.exists() and not Reminder.objects.exists()
    # Provenance on the records and in the audit log.
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert ImportedRecord.objects.filter(batch=batch).count() == (
        Activity.objects.count() + Registration.objects.count() + 1
    )  # + the new family member
    detail = client.get(reverse("activities:detail", args=[volley.pk])).content.decode()
    assert f'data-imported="{batch.pk}"' in detail and batch.original_name in detail
    assert AuditEntry.objects.filter(action="import", summary__contains=batch.original_name).count() == 1

    # 3. The same file again: nothing new, every row skipped.
    counts = (Activity.objects.count(), Registration.objects.count(), FamilyMember.objects.count())
    batch = _upload(client, workbook(staff, mistakes=False))
    result = importer_for("activity").validate(school=school, data=workbook(staff, mistakes=False), filename="x.xlsx")
    assert not any(result.created.values())
    assert result.skipped == sum(1 for r in ROWS if r[6] != "请假")
    client.post(reverse("imports:confirm", kwargs={"kind": "activity", "pk": batch.pk}))
    assert (Activity.objects.count(), Registration.objects.count(), FamilyMember.objects.count()) == counts
    assert report_figures(school, START, END) == expected

    # 4. The speech states the staff 人次 and 人, family 人次 and the guests, as the file has them.
    text = speech(school, START, END, "activities.activities")
    assert f"组织各类活动{expected['activities']}项" in text
    assert f"教职工参加{expected['staff_person_times']}人次（{expected['staff_persons']}人）" in text
    assert f"家属参加{expected['family_person_times']}人次" in text
    assert f"另有家长、学生等{expected['guests']}人次到场" in text


def test_existing_activity_is_reused_and_existing_registrations_skipped(school, staff):
    """An activity entered in the portal with the same organiser, title and date takes the file's people;
    a person already registered is skipped; the activity itself is left as it was."""
    day = dt.date(YEAR, 5, 4)
    act = ActivityFactory(
        organizer=school,
        title="青年教师座谈",
        status=Activity.Status.OPEN,
        starts_at=timezone.make_aware(dt.datetime(YEAR, 5, 4, 9)),
        ends_at=timezone.make_aware(dt.datetime(YEAR, 5, 4, 11)),
    )
    RegistrationFactory(activity=act, member=staff["zhang"])
    wb = Workbook()
    ws = wb.active
    ws.append(["活动名称", "活动日期", "工号", "姓名"])
    ws.append(["青年教师座谈", day.isoformat(), "T001", ""])
    ws.append(["青年教师座谈", day.isoformat(), "T002", "李娜"])
    buf = io.BytesIO()
    wb.save(buf)
    result = run_file(importer_for("activity"), school=school, data=buf.getvalue(), filename="座谈.xlsx")
    assert result.written and result.created == {"活动": 0, "教职工参加": 1, "家属参加": 0, "家属登记": 0}
    assert result.skipped == 1
    act.refresh_from_db()
    assert act.status == Activity.Status.OPEN and act.registrations.count() == 2


def test_conflicting_facts_future_dates_and_unknown_units_are_row_errors(school, staff):
    later = timezone.localdate() + dt.timedelta(days=3)
    wb = Workbook()
    ws = wb.active
    ws.append(["活动名称", "活动日期", "地点", "主办单位", "工号", "家属姓名", "参加人数"])
    ws.append(["读书会", f"{YEAR}-09-10", "图书馆", "", "T001", "", ""])
    ws.append(["读书会", f"{YEAR}-09-10", "会议室", "", "T002", "", ""])
    ws.append(["新年音乐会", later.isoformat(), "", "", "T001", "", ""])
    ws.append(["茶话会", f"{YEAR}-09-10", "", "物理组", "", "", "abc"])
    ws.append(["茶话会", f"{YEAR}-09-10", "", "", "", "小明", ""])
    buf = io.BytesIO()
    wb.save(buf)
    result = importer_for("activity").validate(school=school, data=buf.getvalue(), filename="x.xlsx")
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "第 2 行写的是“图书馆”" in messages[(3, "地点")]
    assert "晚于今天" in messages[(4, "活动日期")]
    assert "不是本校工会或分工会" in messages[(5, "主办单位")] and "无法识别" in messages[(5, "参加人数")]
    assert "没有填写教职工" in messages[(6, "家属姓名")]
    assert not result.ok and Activity.objects.count() == 0


def test_command_line_dry_run_then_import(tmp_path, school, staff, capsys):
    path = tmp_path / "活动.csv"
    path.write_text(
        "活动名称,活动日期,工号,参加人数\n趣味运动会,2024-10-18,T001,\n趣味运动会,2024-10-18,T003,\n", encoding="utf-8"
    )
    call_command("import_activity", str(path), "--school", school.code, "--dry-run")
    assert Activity.objects.count() == 0
    call_command("import_activity", str(path), "--school", school.code)
    assert Registration.objects.filter(activity__title="趣味运动会").count() == 2
    batch = ImportBatch.objects.get(kind="activity")
    assert batch.uploaded_by is None and ImportedRecord.objects.filter(batch=batch).count() == 3
    call_command("import_activity", str(path), "--school", school.code)
    assert Registration.objects.count() == 2 and "跳过 2 行" in capsys.readouterr().out


def test_list_shows_import_buttons_to_importers_only(login, chair, member, school):
    page = login(chair).get(reverse("activities:index")).content.decode()
    assert reverse("imports:upload", kwargs={"kind": "activity"}) in page
    assert reverse("imports:upload", kwargs={"kind": "tournament"}) in page
    page = login(member).get(reverse("activities:index")).content.decode()
    assert reverse("imports:upload", kwargs={"kind": "activity"}) not in page


def test_template_download_reads_back_clean(login, chair, school):
    response = login(chair).get(reverse("imports:template", kwargs={"kind": "activity"}))
    assert response.status_code == 200
    from activities.importers.activity import COLUMNS

    table = COLUMNS.read(response.content, "t.xlsx")
    assert len(table.headers) == len(importer_for("activity").template_headers) and len(table.rows) == 1
