"""Sanitising in all three formats, and the PDF's fonts, text, page numbers and section order."""

import io
import re
import zipfile

from pypdf import PdfReader

from reports.models import ReportBlock
from reports.output import render_docx, render_html, render_pdf
from reports.services import report_snapshot
from reports.tests.factories import make_report
from reports.tests.test_rendering import _fonts

HOSTILE = "教职工反映<script>alert('x')</script>食堂问题<img src=file:///etc/passwd>"


def _hostile_report(school, chair):
    report = make_report(school, chair)
    section = report.sections.get(kind="shortcomings")
    ReportBlock.objects.filter(section=section).update(text=HOSTILE)
    return report


def test_script_and_file_image_are_inert_in_html_pdf_and_docx(school, chair):
    snapshot = report_snapshot(_hostile_report(school, chair))

    html = render_html(snapshot, links=True)
    assert "<script>alert" not in html and "<img src=file" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=file:///etc/passwd&gt;" in html

    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(snapshot))).pages)
    flat = re.sub(r"\s+", "", pdf_text)
    assert "<script>alert('x')</script>" in flat and "<imgsrc=file:///etc/passwd>" in flat  # text, not markup
    assert "root:x:0" not in pdf_text

    with zipfile.ZipFile(io.BytesIO(render_docx(snapshot))) as docx:
        body = docx.read("word/document.xml").decode()
        assert "&lt;script&gt;" in body and "<script>" not in body
        assert not [n for n in docx.namelist() if n.startswith("word/media/")]
        rels = docx.read("word/_rels/document.xml.rels").decode()
        assert "file:///etc/passwd" not in rels


def test_pdf_embeds_cjk_fonts_with_page_numbers_and_sections_in_order(school, chair):
    report = make_report(school, chair)
    reader = PdfReader(io.BytesIO(render_pdf(report_snapshot(report))))
    text = "".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", "", text)
    titles = [f"{n}、{s.title}" for n, s in zip("一二三四五六七", report.sections.filter(show_heading=True), strict=False)]
    positions = [flat.find(t.replace(" ", "")) for t in titles]
    assert all(p >= 0 for p in positions), list(zip(titles, positions, strict=True))
    assert positions == sorted(positions)
    assert "各位代表、同志们：" in flat and "谢谢大家" in flat
    for n in range(1, len(reader.pages) + 1):
        assert f"— {n} —" in text
    fonts = _fonts(reader)
    assert any("Serif-CJK" in f for f in fonts) and any("Sans-CJK" in f for f in fonts)
    assert "\ufffd" not in text  # no replacement characters: nothing printed as empty boxes
