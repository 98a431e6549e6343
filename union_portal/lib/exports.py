"""Spreadsheet exports: one helper for every list a union keeps, safe for any text the portal accepted.

Every text cell passes through ``export_text``: C0 control characters (which openpyxl refuses and
which a form or import might have let through) and Unicode bidirectional controls (which could make
a name read differently in an official document) are removed; text starting with ``= + - @`` gets a
leading quote so that no cell is ever run as a formula (OWASP CSV injection guidance).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from urllib.parse import quote

from django.http import HttpResponse

from .text import export_text  # the portal's one text rule (union_portal/lib/text.py)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: object) -> object:
    """A cell value made safe: text cleaned (``export_text``) and formula-neutralised; other types unchanged."""
    if isinstance(value, str):
        value = export_text(value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


def xlsx_response_bytes(headers: list[str], rows: Iterable[Iterable[object]], title: str = "Sheet1") -> bytes:
    """Build an .xlsx (bold header, frozen first row) with every text cell escaped; return its bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = export_text(title)[:31] or "Sheet1"
    ws.append([escape_cell(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for row in rows:
        ws.append([escape_cell(v) for v in row])
    for idx, header in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(row=1, column=idx).column_letter].width = max(10, len(str(header)) * 2 + 4)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def attachment(response: HttpResponse, filename: str, *, inline: bool = False) -> HttpResponse:
    """Set Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987)."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "download"
    kind = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(headers: list[str], rows: Iterable[Iterable[object]], *, title: str, filename: str) -> HttpResponse:
    """An .xlsx download of ``rows`` under ``headers`` (see ``xlsx_response_bytes``)."""
    response = HttpResponse(xlsx_response_bytes(headers, rows, title=title), content_type=XLSX)
    return attachment(response, filename)
