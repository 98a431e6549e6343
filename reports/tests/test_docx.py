"""The DOCX as a secretary expects it: Word heading styles, odd/even page numbers, tables, charts as pictures."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.management import call_command
from docx import Document as Docx
from docx.enum.text import WD_ALIGN_PARAGRAPH

from reports import document as D
from scripts.demo.members import load_demo

TODAY = dt.date(2026, 11, 28)  # the demo's anchor date


def _doc(**kwargs):
    table = D.Table("走访慰问情况（按事由）", ["事由", "人次（人次）", "金额（元）"],
                    [["生病住院", "90", "5.41万元"], ["生育", "22", "1.38万元"]] * 30)  # fmt: skip
    chart = D.Chart("慰问支出（按月）", D.bar_chart_svg([("1月", 10900), ("2月", 14200)], unit="元"), [])
    sections = [
        D.Section("一、坚持民主管理", "sec-1", [D.Paragraph(2, [D.Run("（一）教代会")]), D.Paragraph(0, [D.Run("正文。")])]),
        D.Section("二、履行维权职能", "sec-2", [table, chart]),
    ]
    fields = dict(title="工作报告", subtitle="——滨江实验中学工会2021年工作报告", speaker="工会主席",
                  date="2022年1月14日", salutation="各位代表：", organization="滨江实验中学工会",
                  period="", opening=[], sections=sections, show_cover=False, show_toc=False)  # fmt: skip
    fields.update(kwargs)
    return Docx(io.BytesIO(D.to_docx(D.Document(**fields))))


def _footer_text(footer) -> str:
    return "".join(p._p.xml for p in footer.paragraphs)


def test_section_titles_and_sub_headings_use_word_heading_styles():
    docx = _doc()
    styled = {p.text: p.style.name for p in docx.paragraphs if p.text.strip()}
    assert styled["一、坚持民主管理"] == styled["二、履行维权职能"] == "Heading 1"
    assert styled["（一）教代会"] == "Heading 2"
    assert styled["正文。"] == "Normal"
    h1 = docx.styles["Heading 1"].element.rPr.rFonts
    h2 = docx.styles["Heading 2"].element.rPr.rFonts
    assert h1.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "黑体"
    assert h2.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "楷体_GB2312"
    assert "（2022年1月14日）" in styled  # the date written as in the PDF


def test_odd_pages_number_right_even_pages_left():
    docx = _doc()
    assert docx.settings.odd_and_even_pages_header_footer
    section = docx.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT and even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    for footer in (section.footer, section.even_page_footer):
        xml = _footer_text(footer)
        assert "— " in xml and "PAGE" in xml and " —" in xml
    assert not section.different_first_page_header_footer
    covered = _doc(show_cover=True).sections[0]
    assert covered.different_first_page_header_footer and "PAGE" not in _footer_text(covered.first_page_footer)


def test_tables_repeat_their_header_and_right_align_numbers_and_charts_are_pictures():
    docx = _doc()
    (table,) = docx.tables
    header = table.rows[0]._tr.trPr.xml
    assert "tblHeader" in header and "cantSplit" in header
    row = table.rows[1].cells
    assert row[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert {c.paragraphs[0].alignment for c in row[1:]} == {WD_ALIGN_PARAGRAPH.RIGHT}
    captions = [p for p in docx.paragraphs if p.text == "走访慰问情况（按事由）"]
    assert captions[0].paragraph_format.keep_with_next  # the caption stays with its table
    (picture,) = docx.inline_shapes
    assert picture.width.mm <= 156  # within the text block
    with zipfile.ZipFile(io.BytesIO(D.to_docx(D.Document(
        title="t", subtitle="", speaker="", date="", salutation="", organization="", period="", opening=[],
        sections=[D.Section("一、x", "s", [D.Chart("c", D.bar_chart_svg([("1月", 1)], unit="项"), [])])],
        show_cover=False, show_toc=False,
    )))) as z:  # fmt: skip
        (media,) = [n for n in z.namelist() if n.startswith("word/media/")]
        assert z.read(media)[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.django_db
def test_demo_report_docx_has_headings_odd_even_footers_and_chart_pictures(tmp_path):
    (ctx,) = load_demo(scale=1, today=TODAY)
    out = tmp_path / "report.docx"
    call_command("build_report", org=ctx.school.code, start="2025-01-01", end="2025-12-31", format="docx",
                 out=str(out), stdout=io.StringIO())  # fmt: skip  (the last full calendar year)
    docx = Docx(str(out))
    titles = [p for p in docx.paragraphs if D.text_level(p.text.strip()) == 1]
    assert len(titles) >= 5
    assert {p.style.name for p in titles} == {"Heading 1"}
    section = docx.sections[0]
    assert docx.settings.odd_and_even_pages_header_footer
    assert section.footer.paragraphs[0].alignment != section.even_page_footer.paragraphs[0].alignment
    assert len(docx.inline_shapes) >= 1
    assert all(t.rows[0]._tr.trPr is not None and "tblHeader" in t.rows[0]._tr.trPr.xml for t in docx.tables)


def test_long_periods_group_months_into_quarters_then_years():
    months = [(f"{y}-{m:02d}-01", 1) for y in (2021, 2022) for m in range(1, 13)]
    assert D.month_series(months[:12]) == ([(f"{m}月", 1) for m in range(1, 13)], "月")
    assert D.month_series(months[8:20])[0][0] == ("2021年9月", 1)
    quarters, grain = D.month_series(months)
    assert quarters[0] == ("2021年第1季度", 3) and len(quarters) == 8 and grain == "季度"
    five_years = [(f"{y}-{m:02d}-01", 1) for y in range(2021, 2026) for m in range(1, 13)]
    assert D.month_series(five_years) == ([(f"{y}年", 12) for y in range(2021, 2026)], "年")


def test_a_five_year_chart_is_captioned_by_year():
    snapshot = {"figures": {"current": {"welfare": {"visits_by_month": [
        {"month": f"{y}-{m:02d}-01", "total": "100.00"} for y in range(2021, 2026) for m in range(1, 13)
    ]}}}}  # fmt: skip
    chart = D._Ctx(snapshot, links=False).chart("welfare.visits_by_month")
    assert chart.caption == "慰问支出（按年）" and [r[0] for r in chart.rows] == [f"{y}年" for y in range(2021, 2026)]


def test_chart_is_drawn_within_the_text_block_and_shorter_than_a_page():
    svg = D.bar_chart_svg([(f"很长很长的类别名称第{i}项", i + 1) for i in range(60)], unit="元")
    assert 'width="560"' in svg  # 560 px = 148 mm < 156 mm
    height = int(svg.split('height="')[1].split('"')[0])
    assert height * 25.4 / 96 < 225  # mm, the text block's height
