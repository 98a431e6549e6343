"""Server-rendered bar charts (SVG) for the annual report and the dashboards: one renderer.

``bar_chart_svg`` draws labelled horizontal bars, one series or several side by side (this year
against last year). The drawing uses SVG presentation attributes only (``fill``, ``font-size`` …),
never a ``style`` attribute, so it passes a strict Content-Security-Policy and renders the same in
a browser, WeasyPrint and CairoSVG. Labels are escaped; the SVG has no script and no external
reference.

Two sizes: the report's fixed ``width`` (560 px, inside the GB/T 9704 text block: the PDF and the
DOCX draw it as it is), and ``responsive=True`` for pages, where ``width="100%"`` and the
``viewBox`` scale the drawing to its container (a 360-unit-wide drawing stays legible at a phone's
390 px). ``chart_figure`` wraps a responsive chart with its caption and the same numbers as a
visually hidden table (the text alternative read by screen readers).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

#: Drawing size in CSS px (96 per inch): 560 px = 148 mm, inside the 156 mm GB/T text block.
CHART_WIDTH = 560
#: Width of a page chart's viewBox: at 390 px (a phone) it is drawn at about 1:1.
PAGE_WIDTH = 360
CHART_FONT = 12
MAX_DRAWN = 30
#: Fill of each series: the report's dark red, then a grey for the comparison series.
PALETTE = ("#8b1a1a", "#9aa0a6", "#c77c2e", "#2e6fa7")


def text_width(text: str, font: int = CHART_FONT) -> int:
    """Approximate drawn width in px at ``font``: CJK and full-width characters one em, others 0.6 em."""
    return int(sum(font if ord(c) > 0x2E80 else font * 0.6 for c in text)) + 1


def plain_number(value, unit: str = "") -> str:
    """``value`` without needless decimals, then ``unit`` (the default value format)."""
    number = Decimal(str(value or 0))
    text = str(int(number)) if number == number.to_integral_value() else f"{number.quantize(Decimal('0.1'))}"
    return f"{text}{unit}"


def _values(value) -> tuple:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def bar_chart_svg(
    data: Sequence[tuple[str, object]],
    *,
    unit: str,
    fmt: Callable[[object], str] | None = None,
    series: Sequence[str] = (),
    width: int = CHART_WIDTH,
    responsive: bool = False,
    title: str = "",
) -> str:
    """A horizontal bar chart as SVG text.

    ``data``: ``(label, value)`` pairs; with several ``series`` each value is a tuple with one number
    per series (drawn as adjacent bars, series 0 on top, and a legend above). Values are numbers in
    ``unit``; ``fmt`` formats the printed value (default ``plain_number(value, unit)``). The label
    column is as wide as the longest label (at most 14 characters, longer ones are cut). More than
    ``MAX_DRAWN`` labels are cut. ``responsive`` gives ``width="100%"`` (the ``viewBox`` keeps the
    proportions); ``title`` becomes the accessible name (``<title>`` and ``aria-label``).
    """
    fmt = fmt or (lambda v: plain_number(v, unit))
    rows = [(str(label), _values(value)) for label, value in list(data)[:MAX_DRAWN]]
    shown = [[fmt(v) for v in values] for _, values in rows]
    g = _Geometry.of(rows, shown, width=width, legend=bool(series))
    size = 'width="100%"' if responsive else f'width="{width}" height="{g.height}"'
    css_class = 'class="bar-chart" ' if responsive else ""
    label_attr = format_html(' aria-label="{}"', title) if title else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" {size} viewBox="0 0 {width} {g.height}" role="img"{label_attr} '
        f'{css_class}font-size="{CHART_FONT}" font-family="Noto Sans CJK SC, sans-serif">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    parts.extend(_legend(series, x=g.label_w))
    for i, ((label, values), texts) in enumerate(zip(rows, shown, strict=True)):
        parts.extend(_row(g, i, label, values, texts, label_zeros=not responsive))
    parts.append("</svg>")
    return "".join(parts)


@dataclass
class _Geometry:
    """Sizes of a bar chart in px: bar and row heights, label and value columns, the bar span and scale."""

    n_series: int
    bar_h: int
    row_h: int
    legend_h: int
    label_w: int
    span: float
    top: float
    height: int

    @classmethod
    def of(cls, rows, shown, *, width: int, legend: bool) -> _Geometry:
        n_series = max((len(v) for _, v in rows), default=1)
        bar_h = 16 if n_series == 1 else 10
        row_h = n_series * bar_h + (n_series - 1) + 6
        legend_h = 20 if legend else 0
        label_w = max((text_width(label[:14]) for label, _ in rows), default=0) + 12
        value_w = max((text_width(t) for texts in shown for t in texts), default=0) + 8
        top = max((float(v or 0) for _, values in rows for v in values), default=0) or 1
        return cls(n_series, bar_h, row_h, legend_h, label_w, max(width - label_w - value_w, 40), top,
                   legend_h + len(rows) * row_h + 10)


def _legend(series: Sequence[str], *, x: int) -> list[str]:
    """One coloured square and name per series, left to right from ``x``."""
    parts = []
    for i, name in enumerate(series):
        parts.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{x + 14}" y="13">{escape(name)}</text>'
        )
        x += 14 + text_width(name) + 14
    return parts


def _row(g: _Geometry, i: int, label: str, values: tuple, texts: list[str], *, label_zeros: bool) -> list[str]:
    """The ``i``-th label with its bars (one per series) and their printed values."""
    y0 = g.legend_h + 5 + i * g.row_h
    multi = g.n_series > 1
    label_y = y0 + (g.n_series * g.bar_h + g.n_series - 1) / 2 + 4 if multi else y0 + g.bar_h - 3
    parts = [f'<text x="{g.label_w - 6}" y="{label_y:g}" text-anchor="end">{escape(label[:14])}</text>']
    for s, (value, text) in enumerate(zip(values, texts, strict=True)):
        y = y0 + s * (g.bar_h + 1)
        w = g.span * max(float(value or 0), 0) / g.top
        parts.append(
            f'<rect x="{g.label_w}" y="{y}" width="{w:.1f}" height="{g.bar_h}" fill="{PALETTE[s % len(PALETTE)]}"/>'
        )
        if value or label_zeros:  # a page chart leaves zeros unlabelled (its table still lists them)
            text_y, font = (y + g.bar_h - 1, ' font-size="10"') if multi else (y + g.bar_h - 3, "")
            parts.append(f'<text x="{g.label_w + w + 4:.1f}" y="{text_y}"{font}>{escape(text)}</text>')
    return parts


def chart_figure(
    caption: str,
    data: Sequence[tuple[str, object]],
    *,
    unit: str,
    fmt: Callable[[object], str] | None = None,
    series: Sequence[str] = (),
    label_header: str = "",
) -> SafeString:
    """A page chart: ``<figure>`` with the responsive SVG, its caption, and the numbers as a visually
    hidden table (header ``label_header`` then one column per series, or ``unit``). Escaped throughout."""
    fmt = fmt or (lambda v: plain_number(v, unit))
    svg = bar_chart_svg(data, unit=unit, fmt=fmt, series=series, width=PAGE_WIDTH, responsive=True, title=caption)
    heads = "".join(format_html('<th scope="col">{}</th>', h) for h in (label_header, *(series or (unit,))))
    body = "".join(
        format_html('<tr><th scope="row">{}</th>', label)
        + "".join(format_html("<td>{}</td>", fmt(v)) for v in _values(value))
        + "</tr>"
        for label, value in data
    )
    return mark_safe(  # noqa: S308 (svg escapes its labels; the table is built with format_html)
        f'<figure class="chart mb-2">{svg}<figcaption class="small text-muted">{escape(caption)}</figcaption>'
        f'<table class="visually-hidden"><caption>{escape(caption)}</caption><thead><tr>{heads}</tr></thead>'
        f"<tbody>{body}</tbody></table></figure>"
    )
