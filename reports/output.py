"""The three output formats of a report snapshot: print-friendly HTML, PDF (WeasyPrint) and DOCX."""

from __future__ import annotations

from django.template.loader import render_to_string

from union_portal.lib.pdf import html_to_pdf

from . import document


def render_html(snapshot: dict, *, links: bool = False) -> str:
    """A standalone print-friendly HTML document (the PDF is this HTML through WeasyPrint)."""
    doc = document.build(snapshot, links=links)
    return render_to_string("reports/print.html", {"doc": doc, "item_html": document.item_html})


def render_pdf(snapshot: dict) -> bytes:
    return html_to_pdf(render_html(snapshot, links=False))


def render_docx(snapshot: dict) -> bytes:
    return document.to_docx(document.build(snapshot, links=False))


def render(snapshot: dict, fmt: str) -> bytes:
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
