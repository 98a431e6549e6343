"""From a report snapshot to a document: paragraphs with bound figures, tables, SVG charts; HTML and DOCX.

A *snapshot* (``services.report_snapshot``) is plain JSON: header fields, sections with blocks, and
the figures. ``build(snapshot, links=True)`` turns it into a ``Document`` that the HTML templates,
the PDF (same HTML through ``rendering.html_to_pdf``) and the DOCX writer all read, so the three
formats carry the same structure. User text is never trusted as markup: every piece is escaped
here, and only this module's own tags (and links to this site's list pages) reach the page.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from . import figures as F
from . import providers
from .sentences import SentenceContext, drop_empty_clauses

# {key}: the figure with its unit; {key:num}: the bare number; {key:prev}: the previous period's;
# {key:cmp} (and the older {key:yoy}): the change against the previous period, named by the period
# kind, printed only when both periods are covered by records (reports.sentences).
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.]*)(?::(yoy|num|prev|cmp))?\}")
LEVEL_PATTERNS = (
    (1, re.compile(r"^[一二三四五六七八九十百]+、")),
    (2, re.compile(r"^（[一二三四五六七八九十百]+）")),
    (3, re.compile(r"^\d+[.．、]")),
    (4, re.compile(r"^（\d+）")),
)
CN_NUMERALS = "一二三四五六七八九十"

@dataclass
class Run:
    text: str
    key: str = ""
    url: str = ""


@dataclass
class Paragraph:
    level: int
    runs: list[Run]

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Chart:
    caption: str
    svg: str
    rows: list[tuple[str, str]]


@dataclass
class Section:
    heading: str
    anchor: str
    items: list = field(default_factory=list)


@dataclass
class Document:
    title: str
    subtitle: str
    speaker: str
    date: str
    salutation: str
    organization: str
    period: str
    opening: list[Paragraph]
    sections: list[Section]
    show_cover: bool
    show_toc: bool


def text_level(line: str) -> int:
    for level, pattern in LEVEL_PATTERNS:
        if pattern.match(line):
            return level
    return 0


def placeholders(text: str) -> list[str]:
    return [m.group(1) for m in PLACEHOLDER.finditer(text or "")]


def unknown_placeholders(text: str, figures: dict) -> list[str]:
    current = figures.get("current", {})
    return [key for key in placeholders(text) if F.lookup(current, key) is None and not F.is_declared(key)]


class _Ctx:
    def __init__(self, snapshot: dict, links: bool):
        self.figures = snapshot.get("figures") or {}
        self.current = self.figures.get("current", {})
        self.previous = self.figures.get("previous", {})
        self.links = links
        self.org = snapshot.get("organization", {})
        self.start = snapshot.get("start", "")
        self.end = snapshot.get("end", "")
        self.sentences = SentenceContext(snapshot)

    def runs(self, line: str) -> list[Run]:
        runs: list[Run] = []
        pos = 0
        for match in PLACEHOLDER.finditer(line):
            if match.start() > pos:
                runs.append(Run(line[pos : match.start()]))
            key, mode = match.group(1), match.group(2)
            value = F.lookup(self.current, key)
            if mode in ("yoy", "cmp"):
                text = self.sentences.change(key)
            elif mode == "prev":
                text = F.format_value(key, F.lookup(self.previous, key))
            elif mode == "num":
                text = F.format_number(value)
            else:
                text = F.format_value(key, value) if value is not None else ""
            url = F.figure_url(key, org=self.org, start=self.start, end=self.end) if self.links else ""
            runs.append(Run(text, key, url))
            pos = match.end()
        if pos < len(line):
            runs.append(Run(line[pos:]))
        return runs

    def paragraphs(self, text: str) -> list[Paragraph]:
        out = []
        for raw in (text or "").splitlines():
            line = drop_empty_clauses(raw.strip(), self.sentences)
            if line:
                out.append(Paragraph(text_level(line), self.runs(line)))
        return out

    def generated(self, block: dict) -> str:
        """A SENTENCE block's text: what the chair wrote, else its generator's (``source``) output."""
        text = block.get("text", "")
        if block.get("kind") != "sentence":
            return text
        # A text that is only a generator's name is a source written where the text goes (older callers).
        generate = providers.sentence(text.strip()) if text.strip() else providers.sentence(block.get("source", ""))
        if text.strip() and generate is None:
            return text
        return generate(self.sentences) if generate else ""

    def by_school(self) -> Table | None:
        """A district's appendix table "各校主要数据", from the figures' by-school rows when present."""
        if self.org.get("kind") != "district":
            return None
        rows = F.lookup(self.current, "members.by_school") or F.lookup(self.current, "by_school")
        if not isinstance(rows, list) or not rows or not isinstance(rows[0], dict):
            return None
        columns = [(name, header, unit) for name, header, unit in BY_SCHOOL_COLUMNS if name in rows[0]]
        return Table(
            "各校主要数据",
            [header + (f"（{unit}）" if unit else "") for _, header, unit in columns],
            [[self.cell(row.get(name), unit) for name, _, unit in columns] for row in rows],
        )

    def cell(self, value, unit: str) -> str:
        if unit == "元":
            return F.format_money(value)
        if unit:
            return F.format_number(value)
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return F.format_date(value)
        return "" if value is None else str(value)

    def table(self, key: str) -> Table | None:
        """The provider's table over the list at ``key``; None when undeclared or the list is empty."""
        spec = providers.table(key)
        if spec is None:
            return None
        rows = F.lookup(self.current, key) or []
        if not isinstance(rows, list) or not rows:
            return None
        return Table(
            spec.caption,
            [c.header + (f"（{c.unit}）" if c.unit else "") for c in spec.columns],
            [[self.cell(_field(row, c.field), c.unit) for c in spec.columns] for row in rows],
        )

    def chart(self, key: str) -> Chart | None:
        """The provider's bar chart over the list at ``key``; None when undeclared, empty or all zero."""
        spec = providers.chart(key)
        if spec is None:
            return None
        label_field, value_field, unit = spec.label_field, spec.value_field, spec.unit
        rows = F.lookup(self.current, key) or []
        if not isinstance(rows, list) or not rows:
            return None
        data = []
        for row in rows:
            label = _field(row, label_field)
            if label_field == "month" and isinstance(label, str):
                label = f"{int(label[5:7])}月"
            data.append((str(label or "—"), F.to_decimal(_field(row, value_field)) or 0))
        if not any(v for _, v in data):
            return None
        return Chart(spec.caption, bar_chart_svg(data, unit=unit), [(lbl, self.cell(v, unit)) for lbl, v in data])


BY_SCHOOL_COLUMNS = (
    ("school", "学校", ""),
    ("union_members", "在职会员", "人"),
    ("visits", "走访慰问", "人次"),
    ("visit_total", "慰问金额", "元"),
    ("proposals_accepted", "立案提案", "项"),
    ("activities", "组织活动", "项"),
    ("honours", "荣誉", "项"),
)


def _field(row, name: str):
    if isinstance(row, dict):
        return row.get(name)
    if isinstance(row, (list, tuple)) and name.isdigit() and int(name) < len(row):
        return row[int(name)]
    return None


def bar_chart_svg(data: list[tuple[str, object]], *, unit: str) -> str:
    """A horizontal bar chart as inline SVG (labels escaped; no script, no external references)."""
    width, label_w, bar_h, gap = 560, 150, 16, 6
    height = len(data) * (bar_h + gap) + 10
    top = max((float(v) for _, v in data), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'role="img" font-size="12" font-family="Noto Sans CJK SC, sans-serif">'
    ]
    for i, (label, value) in enumerate(data):
        y = 5 + i * (bar_h + gap)
        w = (width - label_w - 90) * float(value) / top
        shown = F.format_money(value) if unit == "元" else f"{F.format_number(value)}{unit}"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 3}" text-anchor="end">{escape(label[:14])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#8b1a1a"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def build(snapshot: dict, *, links: bool = False) -> Document:
    ctx = _Ctx(snapshot, links)
    sections = []
    number = 0
    for index, sec in enumerate(snapshot.get("sections", [])):
        heading = ""
        if sec.get("show_heading", True) and sec.get("title"):
            number += 1
            numeral = CN_NUMERALS[number - 1] if number <= 10 else str(number)
            heading = f"{numeral}、{sec['title']}"
        section = Section(heading=heading, anchor=f"sec-{index + 1}")
        for block in sec.get("blocks", []):
            kind = block.get("kind")
            if kind in ("narrative", "sentence"):
                section.items.extend(ctx.paragraphs(ctx.generated(block)))
            elif kind == "table":
                table = ctx.table(block.get("source", ""))
                if table:
                    section.items.append(table)
            elif kind == "chart":
                chart = ctx.chart(block.get("source", ""))
                if chart:
                    section.items.append(chart)
        sections.append(section)
    appendix = ctx.by_school()
    if appendix is not None:
        sections.append(Section(heading="附表", anchor=f"sec-{len(sections) + 1}", items=[appendix]))
    return Document(
        title=snapshot.get("title", ""),
        subtitle=snapshot.get("subtitle", ""),
        speaker=snapshot.get("speaker", ""),
        date=F.format_date(snapshot.get("report_date")),
        salutation=snapshot.get("salutation", ""),
        organization=ctx.org.get("name", ""),
        period=F.format_period(snapshot.get("start"), snapshot.get("end")),
        opening=ctx.paragraphs(snapshot.get("opening", "")),
        sections=sections,
        show_cover=bool(snapshot.get("show_cover")),
        show_toc=bool(snapshot.get("show_toc")),
    )


# --- HTML -----------------------------------------------------------------------------------------


def paragraph_html(p: Paragraph) -> SafeString:
    inner = mark_safe("".join(  # noqa: S308 (every piece escaped here)
        format_html('<a class="fig" href="{}" title="查看明细记录">{}</a>', r.url, r.text)
        if r.url
        else (format_html('<span class="fig">{}</span>', r.text) if r.key else escape(r.text))
        for r in p.runs
    ))
    tag = {1: "h2", 2: "h3"}.get(p.level, "p")
    css = {3: ' class="l3"', 4: ' class="l4"'}.get(p.level, "")
    return mark_safe(f"<{tag}{css}>{inner}</{tag}>")  # noqa: S308


def item_html(item) -> SafeString:
    if isinstance(item, Paragraph):
        return paragraph_html(item)
    if isinstance(item, Table):
        head = "".join(format_html("<th>{}</th>", h) for h in item.headers)
        body = "".join(
            "<tr>" + "".join(format_html('<td class="{}">{}</td>', "text" if i == 0 else "num", c)
                             for i, c in enumerate(row)) + "</tr>"
            for row in item.rows
        )
        return mark_safe(  # noqa: S308
            f'<table class="data"><caption>{escape(item.caption)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>"
        )
    if isinstance(item, Chart):
        return mark_safe(  # noqa: S308 (svg built by bar_chart_svg with escaped labels)
            f'<figure class="chart">{item.svg}<figcaption>{escape(item.caption)}</figcaption></figure>'
        )
    return mark_safe("")


# --- DOCX -------------------------------------------------------------------------------------------

FONT_BODY = "仿宋_GB2312"
FONT_BODY_FALLBACK = "Noto Serif CJK SC"


def _set_font(run, east_asian: str, size_pt: float, bold: bool = False):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.size = Pt(size_pt)
    run.font.bold = bold
    run.font.name = east_asian
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), east_asian)


def _page_number_footer(section):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run("— ")
    _set_font(run, "宋体", 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        r = paragraph.add_run()
        _set_font(r, "宋体", 14)
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        r._element.append(el)
    run = paragraph.add_run(" —")
    _set_font(run, "宋体", 14)


def to_docx(doc: Document) -> bytes:
    """The same structure as the PDF, in Word: GB/T margins and fonts, page numbers in the footer."""
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Mm, Pt

    out = Docx()
    sec = out.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    _page_number_footer(sec)

    def para(text_runs, *, font=FONT_BODY, size=16, align=None, indent=True, bold=False):
        p = out.add_paragraph()
        fmt = p.paragraph_format
        fmt.line_spacing = Pt(28.9)
        fmt.space_after = Pt(0)
        if indent:
            fmt.first_line_indent = Pt(size * 2)
        if align is not None:
            p.alignment = align
        for text in text_runs:
            _set_font(p.add_run(text), font, size, bold)
        return p

    if doc.show_cover:
        para([doc.title], font="方正小标宋简体", size=26, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        para([doc.organization, "  ", doc.date], align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        out.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    para([doc.title], font="方正小标宋简体", size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    for line in (doc.subtitle, doc.speaker, doc.date):
        if line:
            para([line], font="楷体_GB2312", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para([doc.salutation], indent=False)
    fonts = {1: "黑体", 2: "楷体_GB2312"}

    def write(item):
        if isinstance(item, Paragraph):
            para([r.text for r in item.runs], font=fonts.get(item.level, FONT_BODY))
        elif isinstance(item, (Table, Chart)):
            caption = item.caption
            headers = item.headers if isinstance(item, Table) else ["项目", "数值"]
            rows = item.rows if isinstance(item, Table) else [list(r) for r in item.rows]
            para([caption], font="黑体", size=12, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
            table = out.add_table(rows=1, cols=len(headers))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, headers, strict=False):
                cell.text = ""
                _set_font(cell.paragraphs[0].add_run(text), "黑体", 12)
            for row in rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=False):
                    cell.text = ""
                    _set_font(cell.paragraphs[0].add_run(str(text)), FONT_BODY, 12)

    for item in doc.opening:
        write(item)
    for section in doc.sections:
        if section.heading:
            para([section.heading], font="黑体")
        for item in section.items:
            write(item)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
