"""Importing a past 提案汇总表 (congress/importers/proposal.py): a messy summary made here, its row errors,
the fixed file through the browser flow, a re-import without duplicates, and the annual report's congress
figures for the year equal to the file's totals (and to raw SQL), with the speech saying them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from congress.importers.proposal import IMPORTER, parse_session, proposal_validate
from congress.models import (
    Congress,
    CoSignature,
    Feedback,
    Proposal,
    ProposalCategory,
    ProposalReply,
    ProposalStatus,
    ProposalTransition,
    Representative,
)
from congress.tasks import remind_proposal_deadlines
from congress.tests.factories import CategoryFactory, CongressFactory, RepresentativeFactory, SessionFactory
from members.models import ImportBatch, ImportedRecord, Reminder
from members.tests.factories import DepartmentFactory, MemberFactory
from reports import document, periods, services

pytestmark = pytest.mark.django_db
START, END = dt.date(2023, 1, 1), dt.date(2023, 12, 31)

TITLE = "第三届教代会第二次会议提案汇总表"
HEADERS = ["序号", "会议", "提案编号", "提案名称", "第一提案人", "工号", "附议人", "提案类别", "审查结果",
           "并入", "主办部门", "办理情况", "答复时间", "满意度", "办理状态"]  # fmt: skip
# 会议 blank: the title's session (第三届第二次, held 2023-03-18); one row names 第三届第一次 (2022).
ROWS = [
    [1, "", "２０２３－００１", "关于改善教职工食堂就餐环境的建议", "张 伟", "", "李娜、王 强、路人甲", "后勤", "立案",
     "", "总务处", "已更换餐桌椅，延长供餐时间", "2023/5/10", "满意", "办结"],
    [2, "", "2023-002", "关于增加青年教师培训经费的建议", "李娜", "", "张伟 陈静", "教学管理", "同意立案",
     "", "教务处", "已列入年度预算", "2023年6月1日", "基本满意", ""],
    [3, "", "2023-003", "关于改造教学楼卫生间的建议", "", "Ｔ００３", "", "后勤保障", "立案",
     "", "总务处", "暑期安排改造", dt.datetime(2023, 6, 20), "不满意", "已办结"],
    [4, "", "", "关于在校内增设教职工停车位的建议", "陈静", "", "", "", "不予立案", "", "", "", "", "", ""],
    [5, "", "", "关于延长图书馆开放时间的建议", "刘洋", "", "", "", "转为意见建议", "", "", "", "", "", ""],
    [6, "", "2023-004", "关于更新办公电脑的建议", "张伟", "", "", "后勤保障", "立案",
     "", "总务处", "分批更新中", "2023.7.3", "", "已答复"],
    [7, "", "2023-005", "关于完善教职工体检项目的建议", "李娜", "", "", "", "立案", "", "教务处", "", "", "", "已交办"],
    [8, "", "", "关于食堂增加早餐品种的建议", "赵无名", "", "", "", "并案", "2023-001", "", "", "2023-13-45", "", ""],
    [9, "第三届第一次", "2022-001", "关于设立教职工活动室的建议", "王强", "", "", "", "立案",
     "", "总务处", "已设立", "2022-06-15", "满意", "办结"],
]  # fmt: skip
BAD_ROW, AMBIGUOUS_ROW = 8, 5  # positions in ROWS (1-based, as 序号)


def xlsx(rows, title=TITLE, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def fixed_rows() -> list[list]:
    rows = [list(r) for r in ROWS]
    rows[AMBIGUOUS_ROW - 1][5] = "T005"  # the 刘洋 meant, by 工号
    bad = rows[BAD_ROW - 1]
    bad[4], bad[12] = "陈静", ""  # a proposer on the roll; a 并案 has no reply date
    return rows


def in_period(rows, session_col=1) -> list[list]:
    """The rows of sessions held in 2023: blank 会议 is the title's 第三届第二次 (2023-03-18)."""
    return [r for r in rows if not r[session_col]]


def file_totals(rows) -> dict:
    """The summary's own totals, read from the cells as a person would."""
    accepted = [r for r in rows if r[8] in ("立案", "同意立案")]
    return {
        "collected": len(rows),
        "accepted": len(accepted),
        "replied": sum(1 for r in accepted if r[12]),
        "satisfied": sum(1 for r in accepted if r[13] == "满意"),
        "basically_satisfied": sum(1 for r in accepted if r[13] == "基本满意"),
        "dissatisfied": sum(1 for r in accepted if r[13] == "不满意"),
    }


def raw_counts(school_id: int) -> dict:
    """The same figures straight from the tables (no ORM, no code under test)."""
    sql = """
        SELECT COUNT(*),
               SUM(CASE WHEN p.status IN ('accepted','assigned','replied','closed') THEN 1 ELSE 0 END),
               SUM(CASE WHEN p.status IN ('accepted','assigned','replied','closed')
                         AND p.first_reply_on IS NOT NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN p.status IN ('accepted','assigned','replied','closed') AND p.rating = 'satisfied'
                        THEN 1 ELSE 0 END),
               SUM(CASE WHEN p.status IN ('accepted','assigned','replied','closed') AND p.rating = 'basic'
                        THEN 1 ELSE 0 END),
               SUM(CASE WHEN p.status IN ('accepted','assigned','replied','closed') AND p.rating = 'dissatisfied'
                        THEN 1 ELSE 0 END)
        FROM congress_proposal p
        JOIN congress_congresssession s ON s.id = p.session_id
        JOIN congress_congress c ON c.id = s.congress_id
        WHERE c.school_id = %s AND s.date BETWEEN %s AND %s
          AND p.status IN ('submitted','accepted','assigned','replied','closed','rejected','merged','to_suggestion')
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [school_id, START, END])
        row = cursor.fetchone()
    keys = ("collected", "accepted", "replied", "satisfied", "basically_satisfied", "dissatisfied")
    return dict(zip(keys, (v or 0 for v in row), strict=True))


@pytest.fixture
def world(school, sub_a, sub_b):
    congress = CongressFactory(school=school, number=3, kind=Congress.Kind.STAFF)
    first = SessionFactory(congress=congress, number=1, date=dt.date(2022, 3, 19))
    second = SessionFactory(congress=congress, number=2, date=dt.date(2023, 3, 18))
    for name in ("总务处", "教务处"):
        DepartmentFactory(school=school, name=name)
    CategoryFactory(school=school, name="后勤保障")
    people = {
        "张伟": MemberFactory(organization=sub_a, name="张伟", staff_no="T001"),
        "李娜": MemberFactory(organization=sub_a, name="李娜", staff_no="T002"),
        "王强": MemberFactory(organization=sub_b, name="王强", staff_no="T003"),
        "陈静": MemberFactory(organization=sub_b, name="陈静", staff_no="T004"),
        "刘洋": MemberFactory(organization=sub_a, name="刘洋", staff_no="T005"),
        "刘洋2": MemberFactory(organization=sub_b, name="刘洋", staff_no="T006"),
    }
    # 张伟 and 李娜 already sit in the third term; the others get a seat from the import.
    for key in ("张伟", "李娜"):
        RepresentativeFactory(congress=congress, member=people[key])
    return {"congress": congress, "first": first, "second": second, "people": people}


def test_messy_summary_errors_then_import_reimport_and_report(world, school, chair):
    # 1. The messy file: every problem listed, in Chinese, by row; nothing written.
    messy = proposal_validate(school=school, data=xlsx(ROWS), filename="提案汇总表.xlsx")
    assert not messy.ok and not messy.file_error
    by_row = {}
    for e in messy.errors:
        by_row.setdefault(e.row, []).append(e)
    header_rows = 2  # the title row and the header
    ambiguous = by_row[AMBIGUOUS_ROW + header_rows]
    assert ambiguous[0].column == "第一提案人" and "2 位“刘洋”" in ambiguous[0].message
    assert "T005" in ambiguous[0].message and "T006" in ambiguous[0].message
    bad = {e.column: e.message for e in by_row[BAD_ROW + header_rows]}
    assert bad["第一提案人"] == "名册中没有“赵无名”"
    assert "2023-13-45" in bad["答复时间"]
    assert set(by_row) == {AMBIGUOUS_ROW + header_rows, BAD_ROW + header_rows}
    assert any("路人甲" in w for w in messy.warnings)  # a co-signer not on the roll is only a warning
    client = Client()
    client.force_login(chair)
    upload = reverse("imports:upload", kwargs={"kind": "proposal"})
    response = client.post(upload, {"file": _file(xlsx(ROWS))})
    batch = ImportBatch.objects.get(kind="proposal")
    page = client.get(response["Location"]).content.decode()
    assert "名册中没有“赵无名”" in page and batch.pk
    client.post(reverse("imports:confirm", kwargs={"kind": "proposal", "pk": batch.pk}))
    assert Proposal.objects.count() == 0 and ProposalTransition.objects.count() == 0

    # 2. Fixed: preview, confirm through the browser.
    rows = fixed_rows()
    response = client.post(upload, {"file": _file(xlsx(rows))})
    preview = client.get(response["Location"])
    assert preview.status_code == 200 and "路人甲" in preview.content.decode()
    batch = ImportBatch.objects.filter(kind="proposal").latest("pk")
    done = client.post(reverse("imports:confirm", kwargs={"kind": "proposal", "pk": batch.pk}))
    assert done.status_code == 302 and done["Location"] == reverse("congress:proposal_list")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert Proposal.objects.count() == len(rows)
    assert batch.summary["created"]["提案"] == len(rows)
    assert batch.summary["created"]["代表席位"] == 3  # 王强, 陈静, 刘洋 (T005) had no seat in the term
    assert ImportedRecord.objects.filter(batch=batch).count() == len(rows) + 3

    # What was written: outcome, reply, rating, co-signers, history, and no live workflow.
    first = Proposal.objects.get(number="2023-001")
    assert first.session == world["second"] and first.status == ProposalStatus.CLOSED and first.closed_at
    assert first.category.name == "后勤保障" and first.lead_department.name == "总务处"
    assert first.first_reply_on == dt.date(2023, 5, 10) and first.rating == "satisfied"
    assert first.replies.get().text == ROWS[0][11]  # prose keeps its full-width punctuation
    assert first.proposer.member == world["people"]["张伟"]
    cosigners = set(CoSignature.objects.filter(proposal=first).values_list("representative__member__name", "status"))
    assert cosigners == {("李娜", "confirmed"), ("王强", "confirmed")}
    second = Proposal.objects.get(number="2023-002")
    assert second.status == ProposalStatus.CLOSED  # rated → 办结
    assert {c.representative.member.name for c in second.cosignatures.all()} == {"张伟", "陈静"}
    assert ProposalCategory.objects.get(name="教学管理").is_active is False
    merged = Proposal.objects.get(title="关于食堂增加早餐品种的建议")
    assert merged.status == ProposalStatus.MERGED and merged.merged_into == first
    assert Proposal.objects.get(number="2022-001").session == world["first"]
    assigned = Proposal.objects.get(number="2023-005")
    assert assigned.status == ProposalStatus.ASSIGNED and assigned.deadline is None
    assert all(t.note.startswith("历史导入") for t in ProposalTransition.objects.all())
    assert [t.action for t in first.transitions.order_by("at", "pk")] == ["accept", "assign", "reply", "rate"]
    assert ProposalReply.objects.count() == Feedback.objects.count() + 1  # 2023-004 replied, not rated
    assert mail.outbox == [] and Reminder.objects.count() == 0
    assert remind_proposal_deadlines("2023-12-31") == 0

    # The pages: 导入 on the list for the chair; provenance on the proposal.
    listing = client.get(reverse("congress:proposal_list") + "?view=all").content.decode()
    assert upload in listing
    detail = client.get(reverse("congress:proposal_detail", args=[first.pk])).content.decode()
    assert f'data-imported="{batch.pk}"' in detail and "历史导入" in detail

    # 3. The same file again (from the command line): nothing new.
    counts = (Proposal.objects.count(), Representative.objects.count(), CoSignature.objects.count(),
              ProposalTransition.objects.count(), ProposalCategory.objects.count())  # fmt: skip
    again = IMPORTER.validate(school=school, data=xlsx(rows), filename="again.xlsx")
    assert again.ok and again.skipped == len(rows) and not any(again.created.values())
    _command(xlsx(rows), school.code)
    assert counts == (Proposal.objects.count(), Representative.objects.count(), CoSignature.objects.count(),
                      ProposalTransition.objects.count(), ProposalCategory.objects.count())  # fmt: skip

    # 4. The report's figures for 2023 are the file's totals for 2023, and raw SQL agrees.
    expected = file_totals(in_period(rows))
    report = services.report_create(organization=school, start=START, end=END,
                                    period_kind=periods.guess_kind(START, END), acting_user=None)  # fmt: skip
    snapshot = services.report_snapshot(report)
    figures = snapshot["figures"]["current"]["congress"]
    assert {k: figures[k] for k in expected} == expected
    assert raw_counts(school.pk) == expected
    assert figures["sessions"] == 1
    assert figures["first_round"]["satisfied"] == expected["satisfied"]
    # The speech says how many were accepted and how they were rated.
    text = _speech(document.build(snapshot))
    assert f"立案{expected['accepted']}项" in text
    assert f"首轮评价满意{expected['satisfied']}项" in text
    assert f"基本满意{expected['basically_satisfied']}项" in text and f"不满意{expected['dissatisfied']}项" in text
    # A summary records neither deadlines missed nor re-handling: the speech claims neither.
    assert "未能在答复期限内答复" not in text and "重新交办" not in text and "经重新办理" not in text


def _file(data: bytes, name: str = "提案汇总表.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def _command(data: bytes, code: str) -> str:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "提案汇总表.xlsx"
        path.write_bytes(data)
        out = io.StringIO()
        call_command("import_proposal", str(path), "--school", code, stdout=out)
    return out.getvalue()


def _speech(doc) -> str:
    parts = [p.text for p in doc.opening]
    for section in doc.sections:
        parts.append(section.heading)
        parts.extend(getattr(item, "text", "") for item in section.items)
    return "\n".join(p for p in parts if p)


def test_session_from_dates_when_neither_row_nor_title_names_it(world, school):
    headers = ["案由", "提案人", "处理意见", "承办部门", "答复日期", "评价"]
    rows = [["关于A的建议", "张伟", "立案", "总务处", "2023-05-02", "满意"],
            ["关于B的建议", "李娜", "不立案", "", "", ""]]  # fmt: skip
    result = proposal_validate(school=school, data=xlsx(rows, title="", headers=headers), filename="a.xlsx")
    assert result.ok, result.errors
    # The latest session held on or before the earliest 答复日期 (2023-05-02): 第三届第二次.
    assert {r["session"] for r in result.rows} == {world["second"]}
    # No dates, no session column, no title: each row says it cannot tell.
    result = proposal_validate(school=school, data=xlsx([rows[1]], title="", headers=headers), filename="b.xlsx")
    assert [e.column for e in result.errors] == ["会议"] and "无法确定所属会议" in result.errors[0].message
    # A title naming a session the school does not have is a file error.
    result = proposal_validate(school=school, data=xlsx(rows, title="第五届教代会第一次会议提案汇总表",
                                                        headers=headers), filename="c.xlsx")  # fmt: skip
    assert "第五届" in result.file_error


@pytest.mark.parametrize(
    ("text", "term", "meeting"),
    [
        ("第三届第二次", 3, 2),
        ("三届二次", 3, 2),
        ("第3届教代会第2次会议", 3, 2),
        ("3-2", 3, 2),
        ("第十二届第一次", 12, 1),
    ],
)
def test_parse_session(text, term, meeting):
    ref = parse_session(text)
    assert (ref.term, ref.meeting) == (term, meeting)


def test_inconsistent_outcomes_are_row_errors(world, school):
    headers = ["会议", "案由", "提案人", "处理意见", "承办部门", "答复日期", "评价", "状态"]
    rows = [
        ["第三届第二次", "关于C的建议", "张伟", "不立案", "总务处", "2023-05-02", "", ""],  # rejected but handled
        ["第三届第二次", "关于D的建议", "张伟", "立案", "总务处", "", "", "办结"],  # closed without a reply date
        ["第三届第二次", "关于E的建议", "张伟", "立案", "", "2023-05-02", "满意", ""],  # replied without a department
        ["第九届第一次", "关于F的建议", "张伟", "立案", "", "", "", ""],  # no such session
        ["第三届第二次", "关于G的建议", "张伟", "立案", "后勤处", "", "", ""],  # no such department
        ["第三届第二次", "关于H的建议", "李娜", "立案", "", "", "", ""],
        ["第三届第二次", "关于H的建议", "王强", "立案", "", "", "", ""],  # same session and 案由 as the row above
    ]
    result = proposal_validate(school=school, data=xlsx(rows, title="", headers=headers), filename="d.xlsx")
    rows_with_errors = sorted({e.row for e in result.errors})
    assert rows_with_errors == [2, 3, 4, 5, 6, 8], result.errors
    messages = " ".join(e.message for e in result.errors)
    for words in ("不应有承办部门", "须填写答复日期", "须填写承办部门", "本校没有“第九届第一次”", "没有“后勤处”这个部门",
                  "与第 7 行重复"):  # fmt: skip
        assert words in messages, words
