"""The report states only what the records establish (DOMAIN.md, "Truth in the report").

Small hand-made schools (factories); the document is built, every number in every generated
sentence is read back by its figure key and checked against an independent raw-SQL count written
here (not through the selectors). Clauses whose figures the FIGURES helper adds (rounds of ratings,
staff 人次, coverage) are checked on snapshot figures built by hand when the records cannot give them.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from congress.models import ProposalStatus
from congress.tests.factories import CongressFactory, ProposalFactory, SessionFactory
from members.models import Organization
from members.tests.factories import MemberFactory, OrganizationFactory
from reports import document, periods, providers, services
from reports.sentences import SentenceContext, drop_empty_clauses
from welfare.tests.factories import WelfareVisitFactory

FORBIDDEN = ("0次", "0项", "（暂无数据）", "0人次", "None")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _scalar(sql: str, params) -> Decimal:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        value = cursor.fetchone()[0]
    return Decimal(str(value or 0))


def raw_counts(org: Organization, start: dt.date, end: dt.date) -> dict[str, Decimal]:
    """Independent counts, in SQL over the tables, for the figure keys the sentences print."""
    path = org.path + "%"
    visits = ("FROM welfare_welfarevisit v JOIN members_member m ON m.id = v.member_id "
              "JOIN members_organization o ON o.id = m.organization_id WHERE o.path LIKE %s AND v.visited_on BETWEEN %s AND %s")
    proposals = ("FROM congress_proposal p JOIN congress_congresssession s ON s.id = p.session_id "
                 "JOIN congress_congress c ON c.id = s.congress_id JOIN members_organization o ON o.id = c.school_id "
                 "WHERE o.path LIKE %s AND s.date BETWEEN %s AND %s")
    accepted = "('accepted','assigned','replied','closed')"
    members = ("FROM members_member m JOIN members_organization o ON o.id = m.organization_id "
               "WHERE o.path LIKE %s")
    p3 = (path, start, end)
    return {
        "welfare.visits.count": _scalar(f"SELECT COUNT(*) {visits}", p3),
        "welfare.visits.persons": _scalar(f"SELECT COUNT(DISTINCT v.member_id) {visits}", p3),
        "welfare.visits.cash": _scalar(f"SELECT SUM(v.cash_amount) {visits}", p3),
        "congress.sessions": _scalar(
            "SELECT COUNT(*) FROM congress_congresssession s JOIN congress_congress c ON c.id = s.congress_id "
            "JOIN members_organization o ON o.id = c.school_id WHERE o.path LIKE %s AND s.date BETWEEN %s AND %s", p3),
        "congress.collected": _scalar(f"SELECT COUNT(*) {proposals} AND p.status NOT IN ('draft','collecting')", p3),
        "congress.accepted": _scalar(f"SELECT COUNT(*) {proposals} AND p.status IN {accepted}", p3),
        "congress.assigned": _scalar(
            f"SELECT COUNT(*) {proposals} AND p.status IN {accepted} AND p.assigned_at IS NOT NULL", p3),
        "congress.unassigned": _scalar(
            f"SELECT COUNT(*) {proposals} AND p.status IN {accepted} AND p.assigned_at IS NULL", p3),
        "congress.rejected": _scalar(f"SELECT COUNT(*) {proposals} AND p.status = 'rejected'", p3),
        "congress.merged": _scalar(f"SELECT COUNT(*) {proposals} AND p.status = 'merged'", p3),
        "congress.to_suggestion": _scalar(f"SELECT COUNT(*) {proposals} AND p.status = 'to_suggestion'", p3),
        "members.union_members": _scalar(
            f"SELECT COUNT(*) {members} AND m.is_union_member AND (m.joined_union_on IS NULL OR m.joined_union_on <= %s) "
            "AND (m.left_union_on IS NULL OR m.left_union_on > %s) AND m.status = 'active'", (path, end, end)),
        "members.women_members": _scalar(
            f"SELECT COUNT(*) {members} AND m.is_union_member AND (m.joined_union_on IS NULL OR m.joined_union_on <= %s) "
            "AND (m.left_union_on IS NULL OR m.left_union_on > %s) AND m.status = 'active' AND m.gender = 'female'",
            (path, end, end)),
        "members.joined": _scalar(f"SELECT COUNT(*) {members} AND m.joined_union_on BETWEEN %s AND %s", p3),
        "members.sub_unions": _scalar(
            "SELECT COUNT(*) FROM members_organization o WHERE o.path LIKE %s AND o.kind = 'sub_union'", (path,)),
        "members.groups": _scalar(
            "SELECT COUNT(*) FROM members_organization o WHERE o.path LIKE %s AND o.kind = 'group'", (path,)),
    }


def generated_paragraphs(snapshot: dict) -> list[document.Paragraph]:
    """The paragraphs of the generated SENTENCE blocks only (not the fixed narrative)."""
    ctx = document._Ctx(snapshot, links=False)
    out = []
    for section in snapshot["sections"]:
        for block in section["blocks"]:
            if block["kind"] == "sentence" and providers.sentence(block["source"]):
                out.extend(ctx.paragraphs(ctx.generated(block)))
    return out


def check_numbers(snapshot: dict, raw: dict[str, Decimal]) -> list[str]:
    """Every figure run of every generated sentence equals the raw count of its key; returns the texts."""
    texts = []
    for paragraph in generated_paragraphs(snapshot):
        texts.append(paragraph.text)
        for run in paragraph.runs:
            if not run.key or run.key.endswith("_rate"):
                continue
            assert run.key in raw, f"no independent count for {run.key} in {paragraph.text!r}"
            number = Decimal(NUMBER.search(run.text).group())
            expected = raw[run.key]
            if run.text.endswith("万元"):
                expected = (expected / 10000).quantize(Decimal("0.01"))
            assert number == expected, (run.key, run.text, expected, paragraph.text)
    return texts


def build(org, start, end, kind):
    report = services.report_create(organization=org, start=start, end=end, period_kind=kind, acting_user=None)
    snapshot = services.report_snapshot(report)
    return snapshot, document.build(snapshot)


def full_text(doc: document.Document) -> str:
    parts = [doc.title, doc.subtitle, *(p.text for p in doc.opening)]
    for section in doc.sections:
        parts.append(section.heading)
        parts.extend(item.text for item in section.items if isinstance(item, document.Paragraph))
    return "\n".join(parts)


@pytest.fixture
def small_school(db):
    school = OrganizationFactory(kind=Organization.Kind.SCHOOL, code="TS1", name="小溪小学工会")
    sub = OrganizationFactory(kind=Organization.Kind.SUB_UNION, code="TS1-A", name="语文分工会", parent=school)
    people = [MemberFactory(organization=sub, school=school, is_union_member=True, gender="female",
                            joined_union_on=dt.date(2021, 3, 1)) for _ in range(3)]
    return school, sub, people


def test_no_congress_in_the_period_prints_no_congress_clause(small_school):
    school, _, people = small_school
    WelfareVisitFactory(member=people[0], school=school, visited_on=dt.date(2021, 4, 2), cash_amount=Decimal("800"))
    WelfareVisitFactory(member=people[0], school=school, visited_on=dt.date(2021, 6, 2), cash_amount=Decimal("500"))
    start, end = dt.date(2021, 1, 1), dt.date(2021, 12, 31)
    snapshot, doc = build(school, start, end, periods.CALENDAR_YEAR)
    texts = check_numbers(snapshot, raw_counts(school, start, end))
    text = full_text(doc)
    assert "教职工代表大会1次" not in text and "召开教职工代表大会" not in text
    assert "全年走访慰问教职工及直系亲属2人次（涉及1人）" in text
    assert any("发放慰问金1300元" in t for t in texts)
    for bad in FORBIDDEN:
        assert bad not in text, bad
    assert doc.subtitle == "——小溪小学工会2021年工作报告"


def test_partial_assignment_says_how_many_are_being_assigned(small_school):
    school, _, _ = small_school
    session = SessionFactory(congress=CongressFactory(school=school), date=dt.date(2021, 4, 10),
                             collection_opens=dt.date(2021, 3, 1), collection_closes=dt.date(2021, 3, 31))
    now = timezone.now()
    for i in range(3):
        ProposalFactory(session=session, status=ProposalStatus.ASSIGNED, assigned_at=now, number=f"A{i}")
    ProposalFactory(session=session, status=ProposalStatus.ACCEPTED, number="A9")
    ProposalFactory(session=session, status=ProposalStatus.REJECTED)
    start, end = dt.date(2021, 1, 1), dt.date(2021, 12, 31)
    snapshot, doc = build(school, start, end, periods.CALENDAR_YEAR)
    raw = raw_counts(school, start, end)
    texts = check_numbers(snapshot, raw)
    joined = "".join(texts)
    assert "已全部交办" not in joined
    assert "已交办3项" in joined
    assert "全年召开教职工代表大会1次，共征集提案5项，经提案工作委员会审查，立案4项、不立案1项。" in joined
    # With the FIGURES helper's unassigned figure in the snapshot, the rest is named.
    snapshot["figures"]["current"]["congress"]["unassigned"] = int(raw["congress.unassigned"])
    texts = check_numbers(snapshot, raw)
    assert "已交办3项，1项正在交办。" in "".join(texts)
    snapshot["figures"]["current"]["congress"].update(unassigned=0, assigned=4)
    assert "立案提案已全部交办" in "".join(p.text for p in generated_paragraphs(snapshot))


def _snapshot(current: dict, previous: dict | None = None, *, kind="calendar_year", start="2021-01-01",
              end="2021-12-31", org_kind="school") -> dict:
    return {
        "organization": {"pk": 1, "code": "X", "name": "测试中学工会", "kind": org_kind},
        "period_kind": kind, "start": start, "end": end, "opening": "", "sections": [],
        "figures": {"current": current, "previous": previous or {}},
    }


def _say(source: str, snapshot: dict) -> str:
    ctx = document._Ctx(snapshot, links=False)
    return "".join(p.text for p in ctx.paragraphs(ctx.generated({"kind": "sentence", "text": "", "source": source})))


def test_first_round_dissatisfied_then_rehandled(db):
    congress = {"accepted": 21, "assigned": 21, "unassigned": 0, "replied": 21, "reply_rate": "100.0",
                "satisfied": 17, "basically_satisfied": 4, "dissatisfied": 0,
                "first_round": {"satisfied": 12, "basically_satisfied": 2, "dissatisfied": 7},
                "rehandled": 7, "rehandled_then": {"satisfied": 5, "basically_satisfied": 0, "dissatisfied": 0,
                                                   "pending": 2}}
    text = _say("congress.ratings", _snapshot({"congress": congress}))
    assert text == "首轮评价满意12项、基本满意2项、不满意7项，不满意的已重新交办，其中再次评价满意5项，2项正在重新办理。"
    assert "不满意0项" not in text
    # Without the round figures (an older snapshot) only the latest ratings, named as such.
    old = {k: v for k, v in congress.items() if k not in ("first_round", "rehandled", "rehandled_then")}
    assert _say("congress.ratings", _snapshot({"congress": old})) == "目前已评价的提案中，满意17项、基本满意4项。"


def test_family_and_guests_are_not_staff(db):
    participants = {"staff_person_times": 1650, "staff_persons": 304, "family_person_times": 68,
                    "guest_head_count": 523, "registered_person_times": 1718, "registered_persons": 304,
                    "headcount_person_times": 823, "total_person_times": 2541}
    activities = {"activities": {"total": 35}, "participants": participants,
                  "sub_unions": {"organizing": 7, "taking_part": 15}}
    text = _say("activities.activities", _snapshot({"activities": activities}))
    assert text == ("全年组织各类活动35项，教职工参加1650人次（304人），家属参加68人次，另有家长、学生等523人次到场；"
                    "7个分工会组织开展活动，15个分工会参与。")
    assert "2541" not in text and "2348" not in text


def test_women_among_members_not_staff(db):
    members = {"union_members": 279, "women_members": 171, "women": 177, "sub_unions": 15, "groups": 0, "joined": 0}
    text = _say("members.membership", _snapshot({"members": members}))
    assert text == "学校工会现有在职会员279人，其中女会员171人，设分工会15个。"
    del members["women_members"]
    assert "女" not in _say("members.membership", _snapshot({"members": members}))


def test_school_year_wording(small_school):
    school, _, people = small_school
    WelfareVisitFactory(member=people[1], school=school, visited_on=dt.date(2021, 10, 2))
    start, end = dt.date(2021, 9, 1), dt.date(2022, 8, 31)
    snapshot, doc = build(school, start, end, periods.SCHOOL_YEAR)
    check_numbers(snapshot, raw_counts(school, start, end))
    text = full_text(doc)
    assert doc.subtitle == "——小溪小学工会2021—2022学年工作报告"
    assert "本学年走访慰问" in text and "新学年" in text
    for bad in (*FORBIDDEN, "全年", "回顾一年来", "新的一年", "2021年工作报告"):
        assert bad not in text, bad
    assert services.export_filename(school.name, "school_year", start, end, "草稿") == "小溪小学工会2021—2022学年工作报告（草稿）"


def test_comparison_needs_coverage_of_both_periods(db):
    def welfare(count, months, period_months):
        return {"visits": {"count": count, "persons": count, "cash": "0"},
                "coverage": {"months": months, "period_months": period_months}}

    # A five-year term with records only in its last years, against a nearly empty previous term.
    term = _snapshot({"welfare": welfare(1188, 30, 60)}, {"welfare": welfare(56, 10, 60)}, kind="congress_term",
                     start="2021-09-01", end="2026-08-31")
    text = _say("welfare.visits", term)
    assert "%" not in text and "增长" not in text and "本届走访慰问" in text
    covered = _snapshot({"welfare": welfare(110, 12, 12)}, {"welfare": welfare(100, 11, 12)},
                        kind="school_year", start="2021-09-01", end="2022-08-31")
    assert "（涉及110人），与上一学年相比增长10.0%" in _say("welfare.visits", covered)
    # No coverage figures at all (an older snapshot): no comparison.
    bare = _snapshot({"welfare": {"visits": {"count": 3, "persons": 2}}}, {"welfare": {"visits": {"count": 1}}})
    assert "同比" not in _say("welfare.visits", bare)


def test_placeholders_with_zero_or_missing_values_drop_their_clause(db):
    snap = _snapshot({"congress": {"sessions": 0, "collected": 12, "reply_rate": None}})
    ctx = SentenceContext(snap)
    line = "全年召开教职工代表大会{congress.sessions}，共征集提案{congress.collected}，答复率{congress.reply_rate}。"
    assert drop_empty_clauses(line, ctx) == "共征集提案{congress.collected}。"
    assert drop_empty_clauses("荣誉{activities.honors.total}。", ctx) == ""
    assert drop_empty_clauses("没有数据的句子。", ctx) == "没有数据的句子。"
    doc = document.build({**snap, "sections": [{"title": "x", "blocks": [{"kind": "narrative", "text": line}]}]})
    assert [p.text for p in doc.sections[0].items] == ["共征集提案12项。"]


def test_tiny_sub_union_with_one_sensitive_visit(db):
    school = OrganizationFactory(kind=Organization.Kind.SCHOOL, code="TS2", name="大河中学工会")
    sub = OrganizationFactory(kind=Organization.Kind.SUB_UNION, code="TS2-A", name="后勤分工会", parent=school)
    people = [MemberFactory(organization=sub, school=school, is_union_member=True) for _ in range(19)]
    from welfare.tests.factories import occasion

    WelfareVisitFactory(member=people[0], school=school, occasion=occasion("serious_illness"),
                        visited_on=dt.date(2021, 3, 5), cash_amount=Decimal("1300"))
    start, end = dt.date(2021, 1, 1), dt.date(2021, 12, 31)
    snapshot, doc = build(sub, start, end, periods.CALENDAR_YEAR)
    check_numbers(snapshot, raw_counts(sub, start, end))
    text = full_text(doc)
    assert "分工会现有在职会员19人" in text
    assert "大病" not in text  # totals only in sentences; tables and charts fold small counts (FIGURES helper)
    for bad in FORBIDDEN:
        assert bad not in text, bad


def test_district_wording_and_by_school_table(db):
    rows = [{"school": "一中", "union_members": 100, "visits": 20, "visit_total": "5000", "proposals_accepted": 10,
             "activities": 5, "honours": 3},
            {"school": "二中", "union_members": 80, "visits": 10, "visit_total": "3000", "proposals_accepted": 8,
             "activities": 4, "honours": 1}]
    snap = _snapshot({"members": {"union_members": 180, "by_school": rows}}, org_kind="district")
    assert _say("members.membership", snap) == "全区2所学校工会共有在职会员180人。"
    doc = document.build(snap)
    table = doc.appendix[-1]  # the by-school table is in the appendix (附件：主要数据), after the speech
    assert table.caption == "各校主要数据" and table.rows[0][:2] == ["一中", "100"]
    layout = services.default_layout(services.voice("district"), periods.words("calendar_year", dt.date(2021, 1, 1),
                                                                               dt.date(2021, 12, 31)))
    fixed = "".join(text for _, _, blocks in layout for kind, text in blocks if kind == "narrative")
    assert "在校党委的领导下" not in fixed and "区教育工会" in fixed


def test_build_report_without_users(small_school, tmp_path):
    from django.contrib.auth import get_user_model

    school, _, _ = small_school
    get_user_model().objects.all().delete()
    call_command("build_report", org="TS1", start="2021-09-01", end="2022-08-31", format="html", out=str(tmp_path))
    (out,) = tmp_path.iterdir()
    assert out.name == "小溪小学工会2021—2022学年工作报告.html"
    html = out.read_text()
    assert "2021—2022学年工作报告" in html and "全年" not in html


# --- the speech's named lists, against raw SQL on the demo ---------------------------------------

def _rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@pytest.mark.django_db
def test_named_lists_of_the_speech_equal_raw_sql_counts():
    from scripts.demo.members import load_demo

    (ctx,) = load_demo(scale=1, today=dt.date(2026, 11, 28))
    school = ctx.school
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    snapshot, doc = build(school, start, end, periods.CALENDAR_YEAR)
    cur = snapshot["figures"]["current"]
    path = (school.path + "%",)

    # Events: staff / family registrations, head count, teams, players, matches per title.
    for row in cur["activities"]["highlights"]:
        ((staff, family, headcount, teams, players, matches),) = _rows(
            "SELECT (SELECT COUNT(*) FROM activities_registration r WHERE r.activity_id = a.id "
            "        AND r.status = 'registered' AND r.family_member_id IS NULL),"
            " (SELECT COUNT(*) FROM activities_registration r WHERE r.activity_id = a.id "
            "        AND r.status = 'registered' AND r.family_member_id IS NOT NULL),"
            " a.headcount, (SELECT COUNT(*) FROM activities_team t WHERE t.activity_id = a.id),"
            " (SELECT COUNT(DISTINCT p.member_id) FROM activities_team_players p JOIN activities_team t "
            "        ON t.id = p.team_id WHERE t.activity_id = a.id),"
            " (SELECT COUNT(*) FROM activities_match m WHERE m.activity_id = a.id) "
            "FROM activities_activity a JOIN members_organization o ON o.id = a.organizer_id "
            "WHERE o.path LIKE %s AND a.title = %s AND a.status != 'cancelled' AND DATE(a.starts_at) = %s",
            (*path, row["title"], row["date"]))
        assert (row["staff"], row["family"], row["headcount"], row["teams"], row["players"], row["matches"]) == (
            staff, family, headcount, teams, players, matches), row["title"]
    # Sub-unions that organised nothing.
    ((idle,),) = _rows(
        "SELECT COUNT(*) FROM members_organization s WHERE s.kind = 'sub_union' AND s.path LIKE %s AND NOT EXISTS "
        "(SELECT 1 FROM activities_activity a WHERE a.organizer_id = s.id AND a.status != 'cancelled' "
        " AND DATE(a.starts_at) BETWEEN %s AND %s)", (*path, start, end))
    assert cur["activities"]["sub_unions"]["idle"] == idle
    # Honours above school level, by level.
    honours = _rows("SELECT h.level, COUNT(*) FROM activities_honor h JOIN members_organization o ON o.id = "
                    "h.organization_id WHERE o.path LIKE %s AND h.awarded_on BETWEEN %s AND %s AND h.level != 'school' "
                    "GROUP BY h.level", (*path, start, end))
    listed = [h for h in cur["activities"]["honors"]["list"] if h["level_label"] != "校级"]
    assert len(listed) == sum(n for _, n in honours)
    # Sessions: each motion's clauses and lowest approval rate.
    for session in cur["congress"]["session_list"]:
        for motion in session["motions"]:
            ((clauses, lowest),) = _rows(
                "SELECT COUNT(DISTINCT c.id), MIN(t.approval_rate) FROM congress_motion m JOIN congress_motionclause c "
                "ON c.motion_id = m.id LEFT JOIN congress_votetally t ON t.clause_id = c.id WHERE m.title = %s",
                (motion["title"],))
            assert motion["clauses"] == clauses
            assert Decimal(motion["min_approval_rate"]) == Decimal(str(lowest)).quantize(Decimal("0.1"))
    # Proposals answered late: first reply after the deadline (as of the period's end).
    proposals = ("FROM congress_proposal p JOIN congress_congresssession s ON s.id = p.session_id "
                 "JOIN congress_congress c ON c.id = s.congress_id JOIN members_organization o ON o.id = c.school_id "
                 "WHERE o.path LIKE %s AND s.date BETWEEN %s AND %s AND p.status IN ('accepted','assigned','replied','closed')")
    ((late,),) = _rows(f"SELECT COUNT(*) {proposals} AND p.first_reply_on > p.deadline", (*path, start, end))
    assert cur["congress"]["late_replies"] == late
    # Mutual-aid plans by name: enrolments in the year.
    for plan in cur["welfare"]["plans"]:
        if plan["kind"] == "folded":
            continue
        ((enrolled,),) = _rows("SELECT COUNT(*) FROM welfare_planenrollment e JOIN welfare_mutualaidplan p ON "
                               "p.id = e.plan_id WHERE p.name = %s AND e.year = 2025", (plan["name"],))
        assert plan["enrolled"] == enrolled
    # Visits over the cap of the rule set in force at the end (the school's own, else the shipped one).
    ((rule_set,),) = _rows(
        "SELECT id FROM welfare_spendingcapruleset WHERE effective_from <= %s AND (organization_id = %s OR "
        "organization_id IS NULL) ORDER BY organization_id IS NULL, effective_from DESC LIMIT 1", (end, school.pk))
    ((over,),) = _rows(
        "SELECT COUNT(*) FROM welfare_welfarevisit v JOIN welfare_visitoccasion oc ON oc.id = v.occasion_id "
        "JOIN welfare_spendingcap c ON c.occasion_code = oc.code AND c.rule_set_id = %s "
        "WHERE v.school_id = %s AND v.visited_on BETWEEN %s AND %s AND v.cash_amount + v.gift_value > c.amount",
        (rule_set, school.pk, start, end))
    assert cur["welfare"]["duties"]["over_cap"] == over
    # And the speech prints them as counted.
    text = full_text(doc)
    tournament = next(r for r in cur["activities"]["highlights"] if r["matches"])
    assert f"{tournament['teams']}支队伍、{tournament['players']}名队员参赛，进行了{tournament['matches']}场比赛" in text
    if over:
        assert f"有{over}人次慰问超出了慰问标准" in text
    if late:
        assert f"有{late}项提案未能在答复期限内答复" in text


def test_donations_name_the_donors(db):
    """Issue 18: the speech states how many staff gave (persons, not the 人次 of two drives) and how much."""
    welfare = {"donations": {"drives": 2, "donations": 130, "donors": 86, "total": "17200.00", "by_kind": []}}
    text = _say("welfare.hardship", _snapshot({"welfare": welfare}))
    assert text == "组织爱心捐款，86名教职工捐款1.72万元。"  # persons: one who gave twice is one donor
    welfare["donations"].update(donations=86)
    assert _say("welfare.hardship", _snapshot({"welfare": welfare})) == "组织爱心捐款，86名教职工捐款1.72万元。"
    welfare["donations"]["by_kind"] = [{"code": "one_day", "label": "一日捐", "donations": 86}]
    assert "组织一日捐等爱心捐款活动，86名教职工捐款1.72万元" in _say(
        "welfare.services_work", _snapshot({"welfare": welfare}))


def test_hardship_figures_need_enough_colleagues(db, settings):
    """Issue 18: a hardship list of two colleagues must not put their aid in figures (DOMAIN.md privacy)."""
    settings.REPORT_SMALL_COUNT_MIN = 3
    welfare = {"hardship": {"aid_persons": 2, "aid_total": "4500.00"}, "donations": {}}
    assert _say("welfare.hardship", _snapshot({"welfare": welfare})) == ""
    welfare["hardship"]["aid_persons"] = 3
    assert _say("welfare.hardship", _snapshot({"welfare": welfare})) == "帮扶困难教职工3人，发放帮扶金4500元。"
