"""Helpers of the honour and award import tests: a messy .xlsx made in the test, the report's text."""

from __future__ import annotations

import io

from openpyxl import Workbook


def messy_xlsx(title: str, headers: list[str], rows: list[list]) -> bytes:
    """An .xlsx as schools keep them: a merged title row, a blank row, then the header and the rows."""
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append([])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def report_text(school, start, end) -> str:
    """The generated sentences of a calendar-year report of ``school`` (title, headings and paragraphs)."""
    from reports import document, periods, services

    report = services.report_create(
        organization=school, start=start, end=end, period_kind=periods.CALENDAR_YEAR, acting_user=None
    )
    doc = document.build(services.report_snapshot(report))
    parts = [doc.title, *(p.text for p in doc.opening)]
    for section in doc.sections:
        parts.append(section.heading)
        parts.extend(item.text for item in section.items if isinstance(item, document.Paragraph))
    return "\n".join(parts)
