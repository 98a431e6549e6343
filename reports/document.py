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

from union_portal.lib import charts

from . import figures as F
from . import providers
from . import sentences as S
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
    """One printed line: ``level`` 1–4 for headings (一、/（一）/1./（1）), 0 for body text.

    ``note``: a note to the chair (``sentences.CHAIR_NOTE``), in the document only when built with
    ``notes=True`` (the editor's preview), never printed. ``subhead``: a generated （一） sub-heading,
    numbered per section by :func:`build`.
    """

    level: int
    runs: list[Run]
    note: bool = False
    subhead: bool = False

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
    appendix: list = field(default_factory=list)
    """Tables and charts (``Table``/``Chart``) of the 附件：主要数据 after the speech, in the order the
    sections name them, then a district's by-school table. The speech itself has no tables."""

    APPENDIX_TITLE = "附件：主要数据"


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
    def __init__(self, snapshot: dict, links: bool, notes: bool = False):
        self.notes = notes
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
        """One paragraph per non-empty line; generated sub-headings (``sentences.SUBHEAD``) marked for
        numbering; chair's notes (``sentences.CHAIR_NOTE``) kept only when building with ``notes``."""
        out = []
        for raw in (text or "").splitlines():
            stripped = raw.strip()
            if stripped.startswith(S.CHAIR_NOTE):
                if self.notes:
                    out.append(Paragraph(0, [Run(stripped.removeprefix(S.CHAIR_NOTE))], note=True))
                continue
            if stripped.startswith(S.SUBHEAD):
                out.append(Paragraph(2, [Run(stripped.removeprefix(S.SUBHEAD))], subhead=True))
                continue
            line = drop_empty_clauses(stripped, self.sentences)
            if line:
                out.append(Paragraph(text_level(line), self.runs(line)))
        return out

    def generated(self, block: dict) -> str:
        """A SENTENCE block's text: what the chair wrote, else its generator's (``source``) output."""
        text = block.get("text", "")
        if block.get("kind") != "sentence":
            return text
        # A text that is only a generator's name is a source written where the text goes (older callers).
        generate = generator(text.strip()) if text.strip() else generator(block.get("source", ""))
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
        data = [(_field(row, label_field), F.to_decimal(_field(row, value_field)) or 0) for row in rows]
        caption = spec.caption
        if label_field == "month":
            data, grain = month_series(data)
            caption = caption.replace("按月", f"按{grain}")
        # A bar of 0 would print "0项" beside the others (DOMAIN: "0次" never appears); months keep
        # their place in a time series, categories with nothing are left out.
        data = [(str(label or "—"), value) for label, value in data if value or label_field == "month"]
        if not any(v for _, v in data):
            return None
        svg = bar_chart_svg(data, unit=unit, title=caption)
        return Chart(caption, svg, [(lbl, self.cell(v, unit)) for lbl, v in data])


BY_SCHOOL_COLUMNS = (
    ("school", "学校", ""),
    ("union_members", "在职会员", "人"),
    ("visits", "走访慰问", "人次"),
    ("visit_total", "慰问金额", "元"),
    ("proposals_accepted", "立案提案", "项"),
    ("activities", "组织活动", "项"),
    ("honours", "荣誉", "项"),
)


def generator(source: str):
    """The sentence generator of a SENTENCE block's source: a provider's, or a composite of all."""
    return providers.sentence(source) or S.composite(source)


def number_subheads(items: list) -> list:
    """Generated sub-headings numbered （一）（二）… in order; a lone one is dropped (one topic needs none)."""
    heads = [item for item in items if isinstance(item, Paragraph) and item.subhead]
    if len(heads) == 1:
        return [item for item in items if item is not heads[0]]
    for i, head in enumerate(heads):
        numeral = CN_NUMERALS[i] if i < len(CN_NUMERALS) else str(i + 1)
        head.runs = [Run(f"（{numeral}）{head.text.lstrip('（）一二三四五六七八九十0123456789')}")]
    return items


def _field(row, name: str):
    if isinstance(row, dict):
        return row.get(name)
    if isinstance(row, (list, tuple)) and name.isdigit() and int(name) < len(row):
        return row[int(name)]
    return None


#: Most bars a chart draws per period kind before grouping into the next coarser one: 12 months,
#: then 12 quarters (three years), then years. 12 bars are 274 px (73 mm) high, so a chart with its
#: caption always fits the 225 mm text block and never runs into the page number.
MAX_BARS = 12


def month_series(data: list[tuple[object, object]]) -> tuple[list[tuple[str, object]], str]:
    """Monthly values (``(first day of month as date or "YYYY-MM-DD", value)``) labelled for a chart.

    Returns ``(rows, grain)``, grain "月", "季度" or "年" (the caption's 按月 becomes 按<grain>).
    Up to 12 months stay months ("3月", or "2021年9月" when the period crosses a year); a longer
    period is summed into quarters ("2021年第3季度"), and more than 12 quarters into years ("2021年"),
    so a five-year term's chart has five bars, not sixty. Values are summed as given (yuan or counts).
    Labels that are not months are returned as they are.
    """
    months = []
    for label, value in data:
        text = str(label or "")
        if not re.match(r"\d{4}-\d{2}", text):
            return [(str(lbl or "—"), v) for lbl, v in data], "月"
        months.append((int(text[:4]), int(text[5:7]), value))
    if len(months) <= MAX_BARS:
        if len({y for y, _, _ in months}) <= 1:
            return [(f"{m}月", v) for _, m, v in months], "月"
        return [(f"{y}年{m}月", v) for y, m, v in months], "月"
    quarters: dict[tuple[int, int], object] = {}
    for y, m, v in months:
        quarters[(y, (m - 1) // 3 + 1)] = quarters.get((y, (m - 1) // 3 + 1), 0) + v
    if len(quarters) <= MAX_BARS:
        return [(f"{y}年第{q}季度", v) for (y, q), v in sorted(quarters.items())], "季度"
    totals: dict[int, object] = {}
    for y, _, v in months:
        totals[y] = totals.get(y, 0) + v
    return [(f"{y}年", v) for y, v in sorted(totals.items())], "年"


# The renderer is shared with the dashboards (``union_portal.lib.charts``); the report draws at the
# fixed GB/T width with its own value format (万元 above 10,000 元).
CHART_WIDTH = charts.CHART_WIDTH
MAX_DRAWN = charts.MAX_DRAWN


def bar_chart_svg(data: list[tuple[str, object]], *, unit: str, title: str = "") -> str:
    """A horizontal bar chart as inline SVG (``union_portal.lib.charts.bar_chart_svg``) at ``CHART_WIDTH`` px.

    ``data``: ``(label, value)`` pairs, value a number in ``unit`` (元 prints as money, ``F.format_money``).
    More than ``MAX_DRAWN`` bars are cut (30 bars are 670 px, 177 mm), so the drawing and its caption
    stay shorter than the 225 mm text block.

    Its text alternative (``aria-label`` and ``<title>``, for screen readers; WCAG 1.1.1) is ``title``
    followed by every drawn bar as "label value", e.g. "慰问支出（按月）：1月 10,900.00元；2月 …".
    """
    fmt = F.format_money if unit == "元" else (lambda v: f"{F.format_number(v)}{unit}")
    data = list(data)[:MAX_DRAWN]
    bars = "；".join(f"{str(label)[:14]} {fmt(v)}" for label, v in data)
    return charts.bar_chart_svg(data, unit=unit, fmt=fmt, title=f"{title}：{bars}" if title else bars)


def _section_items(ctx: _Ctx, sec: dict, appendix: list) -> list:
    """A section's paragraphs; its tables and charts go to ``appendix`` (the speech has none)."""
    items: list = []
    for block in sec.get("blocks", []):
        kind = block.get("kind")
        if kind in ("narrative", "sentence"):
            items.extend(ctx.paragraphs(ctx.generated(block)))
        elif kind == "table":
            table = ctx.table(block.get("source", ""))
            if table:
                appendix.append(table)
        elif kind == "chart":
            chart = ctx.chart(block.get("source", ""))
            if chart:
                appendix.append(chart)
    return number_subheads(items)


def build(snapshot: dict, *, links: bool = False, notes: bool = False) -> Document:
    """The document of a snapshot: the speech (opening, numbered sections) and its appendix.

    ``links``: figures link to the list pages of their records (the screen view). ``notes``: keep the
    chair's notes (``sentences.CHAIR_NOTE`` lines, for the editor's preview); never in print. A
    section left with nothing to print (no paragraph) prints no heading and takes no number.
    """
    ctx = _Ctx(snapshot, links, notes)
    sections = []
    appendix: list = []
    number = 0
    for index, sec in enumerate(snapshot.get("sections", [])):
        items = _section_items(ctx, sec, appendix)
        if not items:
            continue
        heading = ""
        if sec.get("show_heading", True) and sec.get("title"):
            number += 1
            numeral = CN_NUMERALS[number - 1] if number <= 10 else str(number)
            heading = f"{numeral}、{sec['title']}"
        sections.append(Section(heading=heading, anchor=f"sec-{index + 1}", items=items))
    by_school = ctx.by_school()
    if by_school is not None:
        appendix.append(by_school)
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
        appendix=appendix,
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
    css = ' class="chair-note"' if p.note else {3: ' class="l3"', 4: ' class="l4"'}.get(p.level, "")
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
#: Heading levels as Word styles, so Word's navigation pane lists them: (style, 东亚 font) —
#: 一、 in 黑体, （一） in 楷体, both 16 pt regular like the PDF (GB/T 9704).
HEADING_STYLES = {1: ("Heading 1", "黑体"), 2: ("Heading 2", "楷体_GB2312")}
LINE_PT = 28.9  # 22 lines in the 225 mm text block
PAGE_NUMBER_FONT = "宋体"
CHART_DPI = 200


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


def _style_headings(out) -> None:
    """Restyle Word's built-in Heading 1/2 as GB/T headings: 16 pt, black, regular, 黑体/楷体, indented 2 chars."""
    from docx.shared import Pt, RGBColor

    for style_name, font in HEADING_STYLES.values():
        style = out.styles[style_name]
        _set_font(style, font, 16)
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        fmt = style.paragraph_format
        fmt.line_spacing = Pt(LINE_PT)
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.first_line_indent = Pt(32)
        fmt.keep_with_next = True


def _page_number(paragraph) -> None:
    """Append "— PAGE —" (a PAGE field) in 4号 宋体 to ``paragraph``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    _set_font(paragraph.add_run("— "), PAGE_NUMBER_FONT, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        r = paragraph.add_run()
        _set_font(r, PAGE_NUMBER_FONT, 14)
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        r._element.append(el)
    _set_font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, 14)


def _page_number_footers(out, section, *, cover: bool) -> None:
    """GB/T page numbers: odd pages right, even pages left, inset one character; none on a cover page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    out.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = Pt(14)
        else:
            paragraph.paragraph_format.left_indent = Pt(14)
        _page_number(paragraph)
    if cover:
        section.different_first_page_header_footer = True
        section.first_page_footer.is_linked_to_previous = False


def chart_png(svg: str, *, dpi: int = CHART_DPI) -> bytes:
    """The chart's SVG (``bar_chart_svg``) as PNG bytes at ``dpi`` (CairoSVG; the SVG has no external refs)."""
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), dpi=dpi, scale=dpi / 96, unsafe=False)


def _row_props(row, *, header: bool = False) -> None:
    """Keep a table row whole on one page; a header row is also repeated at the top of every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        tr_pr.append(el)


class _DocxWriter:
    """Writes a ``Document`` into a python-docx document with the GB/T layout of the PDF."""

    def __init__(self, out):
        self.out = out

    def para(self, text_runs, *, font=FONT_BODY, size=16, align=None, indent=True, bold=False, style=None):
        from docx.shared import Pt

        p = self.out.add_paragraph(style=style)
        fmt = p.paragraph_format
        fmt.line_spacing = Pt(LINE_PT)
        fmt.space_after = Pt(0)
        if indent:
            fmt.first_line_indent = Pt(size * 2)
        if align is not None:
            p.alignment = align
        for text in text_runs:
            _set_font(p.add_run(text), font, size, bold)
        return p

    def heading(self, text_runs, level: int):
        style, font = HEADING_STYLES[level]
        return self.para(text_runs, font=font, style=style)

    def caption(self, text: str, *, before_table: bool):
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        p = self.para([text], font="黑体", size=12, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        p.paragraph_format.line_spacing = Pt(18)
        p.paragraph_format.keep_with_next = before_table  # a table's caption stays with the table
        p.paragraph_format.space_after = Pt(4 if before_table else 10)
        return p

    def table(self, item: Table) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        self.caption(item.caption, before_table=True)
        table = self.out.add_table(rows=1, cols=len(item.headers))
        table.style = "Table Grid"
        header = table.rows[0]
        _row_props(header, header=True)
        for cell, text in zip(header.cells, item.headers, strict=False):
            cell.text = ""
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_font(cell.paragraphs[0].add_run(text), "黑体", 12)
        for row in item.rows:
            new = table.add_row()
            _row_props(new)
            for i, (cell, text) in enumerate(zip(new.cells, row, strict=False)):
                cell.text = ""
                # as in the PDF: the first column is text, the others are numbers, right-aligned
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT if i == 0 else WD_ALIGN_PARAGRAPH.RIGHT
                _set_font(cell.paragraphs[0].add_run(str(text)), FONT_BODY, 12)

    def chart(self, item: Chart) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm, Pt

        p = self.out.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.space_before = Pt(6)
        width = int(re.search(r'width="(\d+)"', item.svg).group(1))
        p.add_run().add_picture(io.BytesIO(chart_png(item.svg)), width=Mm(min(width * 25.4 / 96, 156)))
        self.caption(item.caption, before_table=False)

    def item(self, item) -> None:
        if isinstance(item, Paragraph):
            runs = [r.text for r in item.runs]
            if item.level in HEADING_STYLES:
                self.heading(runs, item.level)
            else:
                self.para(runs)
        elif isinstance(item, Table):
            self.table(item)
        elif isinstance(item, Chart):
            self.chart(item)


def to_docx(doc: Document) -> bytes:
    """The same structure as the PDF, in Word (bytes of a .docx).

    GB/T 9704 page (A4, margins 37/35/28/26 mm) and fonts; section titles and 一、/（一） lines use
    Word's Heading 1/2 styles (黑体/楷体), so the navigation pane lists them; page numbers "— N —"
    right on odd pages and left on even pages (none on the cover); tables with a repeated header row
    and right-aligned numbers; charts as PNG pictures (CairoSVG) with their caption; the date in
    parentheses under the title, as in the PDF.
    """
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Mm

    out = Docx()
    sec = out.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    _style_headings(out)
    _page_number_footers(out, sec, cover=doc.show_cover)
    w = _DocxWriter(out)
    center = WD_ALIGN_PARAGRAPH.CENTER

    if doc.show_cover:
        w.para([doc.title], font="方正小标宋简体", size=26, align=center, indent=False)
        w.para([doc.organization], align=center, indent=False)
        w.para([doc.date], align=center, indent=False)
        out.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    w.para([doc.title], font="方正小标宋简体", size=22, align=center, indent=False)
    for line in (doc.subtitle, doc.speaker, f"（{doc.date}）" if doc.date else ""):
        if line:
            w.para([line], font="楷体_GB2312", align=center, indent=False)
    w.para([doc.salutation], indent=False)
    for item in doc.opening:
        w.item(item)
    for section in doc.sections:
        if section.heading:
            w.heading([section.heading], 1)
        for item in section.items:
            w.item(item)
    if doc.appendix:  # 附件：主要数据, on a page of its own after the speech
        out.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        w.para([doc.APPENDIX_TITLE], font="黑体", indent=False)
        for item in doc.appendix:
            w.item(item)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
