"""Helpers for the hostile-input tests: payloads, an HTML inertness check, file builders, readers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from html.parser import HTMLParser

from django.urls import reverse

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(1)>'
PAYLOADS = (SCRIPT, IMG, SVG)
XSS = f"{SCRIPT}{IMG}{SVG}"  # 71 characters: fits every free-text field of 100+ characters
SHORT_XSS = IMG  # 29 characters, for fields of 30–60 characters
FORMULAS = ("=1+1", '=HYPERLINK("http://evil.example","点我")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)")
CJK = re.compile(r"[\u4e00-\u9fff]")


class _Scan(HTMLParser):
    """Collects what a browser would execute from the payload, and the text it would show."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._in_script = True
        for name, value in attrs:
            if name.startswith("on") and value and "alert(1)" in value:
                self.live.append(f"<{tag} {name}={value}>")
            elif value:
                self.text.append(value)
        if tag in ("img", "svg") and any(n == "src" and v == "x" for n, v in attrs):
            self.live.append(f"<{tag} src=x>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(1)" in data:
            self.live.append(f"<script>{data}</script>")
        else:
            self.text.append(data)


def live_payloads(html: str) -> list[str]:
    """Elements or handlers from the payload that a browser would run (should be empty)."""
    scan = _Scan()
    scan.feed(html)
    return scan.live


def shown_as_text(html: str, needle: str) -> bool:
    """``needle`` appears literally in the page's text or attribute values (escaped in the source)."""
    scan = _Scan()
    scan.feed(html)
    return any(needle in t for t in scan.text)


def assert_inert(html: str, needle: str = SCRIPT) -> None:
    live = live_payloads(html)
    assert not live, f"payload is live in the page: {live[:3]}"
    for p in PAYLOADS:
        assert p not in html, f"raw payload {p!r} in the HTML source"
    assert shown_as_text(html, needle), f"{needle!r} is not shown on the page at all (test would prove nothing)"


# --- readers for generated files ------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    assert data[:5] == b"%PDF-"
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def xlsx_values(data: bytes) -> list[object]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=False)
    return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def xlsx_formula_cells(data: bytes) -> list[str]:
    """Cells openpyxl reads back as formulas (data_type "f"): should be none in an export."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    return [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


# --- builders for uploaded files ------------------------------------------------------------------


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows: list[list[object]], encoding: str) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buf.getvalue().encode(encoding, errors="replace")


def zip_bomb(unzipped_bytes: int) -> bytes:
    """A valid .xlsx-looking zip whose sheet inflates to ``unzipped_bytes`` of zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        chunk = b"0" * (1024 * 1024)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for _ in range(unzipped_bytes // len(chunk) + 1):
                fh.write(chunk)
    return buf.getvalue()


def truncated_sheet_xlsx() -> bytes:
    """A real workbook whose sheet XML is cut in half (a broken download)."""
    data = xlsx_bytes([["姓名", "工号"], ["张三", "S1"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            zout.writestr(info, content)
    return out.getvalue()


def forged_dimension_xlsx(header: list[str], blank_rows: int) -> bytes:
    """A tiny workbook claiming A1:XFD1048576 with many empty <row/> elements (CPU exhaustion)."""
    data = xlsx_bytes([header, ["张三", "S1"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', content.decode())
                text = text.replace("</sheetData>", "".join(f'<row r="{k}"/>' for k in range(3, 3 + blank_rows))
                                    + "</sheetData>")
                content = text.encode()
            zout.writestr(info.filename, content)
    return out.getvalue()


# --- the real upload → preview → confirm flow --------------------------------------------------------

IMPORTS = {
    "roster": ("members:import", "members:import_preview", "members:import_confirm"),
    "welfare": ("welfare:import", "welfare:import_preview", "welfare:import_confirm"),
}


def run_import(client, kind: str, data: bytes, filename: str, model) -> dict:
    """Upload, preview and confirm through the views; check the all-or-nothing outcome.

    Returns ``{"outcome": "written"|"row_errors"|"file_error"|"form_error", "messages": [...]}``.
    """
    from django.core.files.uploadedfile import SimpleUploadedFile

    from members.models import ImportBatch

    upload_url, preview_name, confirm_name = IMPORTS[kind]
    before = model.objects.count()
    resp = client.post(reverse(upload_url), {"file": SimpleUploadedFile(filename, data)})
    assert resp.status_code in (200, 302), resp.status_code
    if resp.status_code == 200:  # the upload form refused the file
        errors = [str(e) for e in resp.context["form"].errors.get("file", [])]
        assert errors and all(CJK.search(e) for e in errors), errors
        assert model.objects.count() == before
        return {"outcome": "form_error", "messages": errors}
    batch = ImportBatch.objects.latest("pk")
    preview = client.get(reverse(preview_name, args=[batch.pk]))
    assert preview.status_code == 200
    confirm = client.post(reverse(confirm_name, args=[batch.pk]))
    assert confirm.status_code == 302
    batch.refresh_from_db()
    summary = batch.summary
    after = model.objects.count()
    if summary["written"]:
        expected = summary["created"] if kind == "roster" else summary["rows"]
        assert after - before == expected and batch.status == ImportBatch.Status.DONE
        return {"outcome": "written", "messages": []}
    assert after == before, f"partial write: {before} → {after}"
    assert batch.status == ImportBatch.Status.FAILED
    messages = [summary["file_error"]] if summary["file_error"] else [e["message"] for e in summary["errors"]]
    assert messages and all(CJK.search(m) for m in messages), summary
    page = client.get(reverse(preview_name, args=[batch.pk])).content.decode()
    assert messages[0].split("“")[0][:8] in page or "错误" in page
    return {"outcome": "file_error" if summary["file_error"] else "row_errors", "messages": messages}


def today_minus(days: int) -> dt.date:
    return dt.date.today() - dt.timedelta(days=days)
