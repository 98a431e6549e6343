"""The default report reads like a speech (issue 14): length, number density, named records, no table
before the appendix (附件：主要数据), for a calendar year and a school year of the demo."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from reports import document, periods, services
from reports.output import render_html
from scripts.demo.members import load_demo

TODAY = dt.date(2026, 11, 28)  # the demo's last full calendar year is 2025
CJK = re.compile(r"[\u4e00-\u9fff]")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def speech_text(doc: document.Document) -> str:
    """The speech as read aloud: opening, section headings and paragraphs (not the appendix)."""
    parts = [p.text for p in doc.opening]
    for section in doc.sections:
        parts.append(section.heading)
        parts.extend(item.text for item in section.items)
    return "\n".join(p for p in parts if p)


def density(text: str) -> tuple[int, float]:
    chars = len(CJK.findall(text))
    return chars, len(NUMBER.findall(text)) * 1000 / chars


def build(school, start, end):
    report = services.report_create(organization=school, start=start, end=end,
                                    period_kind=periods.guess_kind(start, end), acting_user=None)
    snapshot = services.report_snapshot(report)
    return snapshot, document.build(snapshot)


@pytest.mark.django_db
def test_demo_speech_for_a_calendar_year_and_a_school_year():
    (ctx,) = load_demo(scale=1, today=TODAY)
    for start, end, this in ((dt.date(2025, 1, 1), dt.date(2025, 12, 31), "全年"),
                             (dt.date(2025, 9, 1), dt.date(2026, 8, 31), "本学年")):
        snapshot, doc = build(ctx.school, start, end)
        text = speech_text(doc)
        chars, per_thousand = density(text)
        assert 2500 <= chars <= 6000, (start, chars)
        assert 4 <= per_thousand <= 15, (start, per_thousand)
        # The speech has no table or chart; they are all in the appendix.
        assert all(isinstance(item, document.Paragraph) for s in doc.sections for item in s.items)
        assert doc.appendix and all(isinstance(i, (document.Table, document.Chart)) for i in doc.appendix)
        # Named records: an event with its participants, an honour with its level, the session with the
        # document it passed, a mutual-aid plan.
        assert re.search(r"元旦联欢会”?，[^。；]*\d+人次现场参与", text), start
        assert re.search(r"气排球比赛”，\d+支队伍、\d+名队员参赛，进行了\d+场比赛", text), start
        assert re.search(r"(国家级|省级|市级)荣誉中，[^。；]*被[^。；]*授予“", text), start
        assert re.search(r"召开第[一二三四五六七八九十]+届教代会第[一二三四五六七八九十]+次会议[^。]*表决通过了《", text), start
        assert "互助保障计划》" in text
        # Structure: 总述 after 请予审议, （一） sub-headings, drafted 不足 and 思路, thanks before 谢谢大家.
        assert doc.sections[0].heading == "" and "现将" in doc.sections[0].items[0].text
        assert any(item.level == 2 and item.text.startswith("（二）") for s in doc.sections for item in s.items)
        headings = [s.heading for s in doc.sections]
        assert any(h.endswith("存在的不足") for h in headings) and any(h.endswith("今后工作思路") for h in headings)
        assert "一是" in text and "表示衷心的感谢" in text and text.rstrip().endswith("谢谢大家！")
        assert this in text and ("全年" not in text if this != "全年" else True)
        assert not re.search(r"(?<![\d.])0(次|项|人|件|万?元)", text)
        for bad in ("（暂无数据）", "None", "【请撰写】", "（）"):
            assert bad not in text, bad
        # HTML: the appendix comes after the closing.
        html = render_html(snapshot)
        assert html.index("谢谢大家") < html.index(document.Document.APPENDIX_TITLE) < html.index("<table")


def test_chair_note_shows_in_the_editor_preview_only(db):
    snap = {"organization": {"kind": "school", "name": "测试中学工会"}, "period_kind": "calendar_year",
            "start": "2021-01-01", "end": "2021-12-31", "opening": "",
            "sections": [{"title": "存在的不足", "blocks": [{"kind": "sentence", "text": "",
                                                           "source": "reports.shortcomings"}]}],
            "figures": {"current": {}, "previous": {}}}
    printed = document.build(snap)
    assert printed.sections == []  # nothing to print: no heading, no number, no placeholder
    preview = document.build(snap, notes=True)
    (note,) = preview.sections[0].items
    assert note.note and "请主席" in note.text and "【" not in note.text
    assert 'class="chair-note"' in document.paragraph_html(note)


def test_subheadings_are_numbered_per_section_and_a_lone_one_dropped(db):
    from reports.sentences import SUBHEAD

    ctx = document._Ctx({"sections": [], "figures": {}}, links=False)
    items = document.number_subheads(ctx.paragraphs(f"{SUBHEAD}甲\n正文一\n{SUBHEAD}乙\n正文二"))
    assert [p.text for p in items] == ["（一）甲", "正文一", "（二）乙", "正文二"]
    items = document.number_subheads(ctx.paragraphs(f"{SUBHEAD}甲\n正文一"))
    assert [p.text for p in items] == ["正文一"]
