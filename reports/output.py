"""The three output formats of a report snapshot: print-friendly HTML, PDF (WeasyPrint) and DOCX."""

from __future__ import annotations

from django.template.loader import render_to_string

from union_portal.lib.pdf import html_to_pdf
from union_portal.lib.text import export_text

from . import document


def clean_snapshot(value):
    """A copy of a snapshot (nested dicts, lists, strings) with every string passed through ``export_text``."""
    if isinstance(value, str):
        return export_text(value)
    if isinstance(value, dict):
        return {clean_snapshot(k): clean_snapshot(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_snapshot(v) for v in value]
    return value


def render_html(snapshot: dict, *, links: bool = False) -> str:
    """A standalone print-friendly HTML document (the PDF is this HTML through WeasyPrint).

    Every text of the snapshot passes ``text.export_text`` first (as in ``render_docx``): no control or
    bidi character reaches an official document, whatever was stored.
    """
    doc = document.build(clean_snapshot(snapshot), links=links)
    return render_to_string("reports/print.html", {"doc": doc, "item_html": document.item_html})


def render_pdf(snapshot: dict) -> bytes:
    return html_to_pdf(render_html(snapshot, links=False))


def render_docx(snapshot: dict) -> bytes:
    """The report as a Word document, from the cleaned snapshot (``clean_snapshot``)."""
    return document.to_docx(document.build(clean_snapshot(snapshot), links=False))


def render(snapshot: dict, fmt: str) -> bytes:
    """The snapshot in ``fmt`` (pdf, docx, html) as bytes (see ``render_html`` and ``render_docx``)."""
    if fmt == "pdf":
        return render_pdf(snapshot)
    if fmt == "docx":
        return render_docx(snapshot)
    return render_html(snapshot).encode("utf-8")


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}
