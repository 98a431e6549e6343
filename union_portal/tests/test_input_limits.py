"""Odd input is cleaned or refused before it costs anything (issue 17, findings 1, 6 and 8a).

- every form of the portal cleans control and bidi characters (``text.CleanTextMixin``);
- a decompression-bomb image is refused from its header, before any pixel is decoded;
- an inflating spreadsheet is refused from its zip directory, before any XML is parsed; blank rows
  end the data; the welfare upload has the roster's size check; old import files are purged;
- re-encoded photos keep no metadata (EXIF, comment);
- a stale running report export is requeued.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import io
import struct
import zipfile
import zlib

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from union_portal.lib import tabular
from union_portal.lib.text import CleanTextMixin

APPS = ("members", "welfare", "congress", "activities", "reports")


def test_every_form_of_the_portal_cleans_text():
    missing = []
    for app in APPS:
        module = importlib.import_module(f"{app}.forms")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__ and not issubclass(
                cls, CleanTextMixin
            ):
                missing.append(f"{app}.forms.{name}")
    assert not missing, "forms without CleanTextMixin: " + ", ".join(missing)


def test_a_form_keeps_what_was_typed_minus_control_and_bidi_characters():
    class F(CleanTextMixin, forms.Form):
        title = forms.CharField()
        body = forms.CharField(widget=forms.Textarea)

    form = F(data={"title": "关于\x00食堂\u202e改善\x1b的建议", "body": "第一行\r\n\t第二行\x07"})
    assert form.is_valid()
    assert form.cleaned_data == {"title": "关于食堂改善的建议", "body": "第一行\r\n\t第二行"}
    assert not F(data={"title": "\x00\u202e", "body": "x"}).is_valid()  # only controls: required fails


# --- images ------------------------------------------------------------------------------------------------


def _png_header_only(width: int, height: int) -> bytes:
    """A valid PNG of ``width``×``height`` grey pixels whose IDAT is tiny (all-zero rows compress well)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = zlib.compressobj(9)
    row = b"\x00" * (width + 1)
    data = b"".join(raw.compress(row) for _ in range(min(height, 64))) + raw.flush()  # truncated: never decoded
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def test_a_decompression_bomb_image_is_refused_from_its_header(monkeypatch):
    from activities import services

    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda self, *a, **k: decoded.append(self.size))
    bomb = _png_header_only(13_000, 13_000)  # 169 megapixels
    assert len(bomb) < 100_000
    with pytest.warns(Image.DecompressionBombWarning), pytest.raises(ValidationError) as err:
        services.resize_image(bomb)  # (Pillow warns from the header alone above 89 megapixels)
    assert "图片像素过多" in err.value.messages[0] and "13000×13000" in err.value.messages[0]
    assert decoded == []  # refused before any pixel was decoded


def test_reencoded_photos_keep_no_metadata():
    from activities import services

    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    buf = io.BytesIO()
    Image.new("RGB", (80, 60), (200, 30, 30)).save(buf, "JPEG", exif=exif.tobytes(), comment=b"GPS 31.23,121.47")
    out = services.resize_image(buf.getvalue())
    assert b"GPS 31.23" not in out and b"PhoneMaker" not in out and b"Exif" not in out
    with Image.open(io.BytesIO(out)) as img:
        assert not img.info.get("comment") and not img.info.get("exif") and not img.info.get("icc_profile")


# --- spreadsheets --------------------------------------------------------------------------------------------


def _xlsx_with_blank_rows(blank_rows: int, *, extra_cells: int = 0) -> bytes:
    """A minimal xlsx: a header and one data row, then ``blank_rows`` empty styled rows."""
    rows = ['<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>工号</t></is></c></row>',
            '<row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c><c r="B2" t="inlineStr"><is><t>S1</t></is></c></row>']
    rows.append(("<row>" + '<c s="0"/>' * extra_cells + "</row>") * blank_rows)  # (no row numbers: as Excel may)
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData>' + "".join(rows) + "</sheetData></worksheet>")
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buf.getvalue()


ALIASES = {"name": ["姓名"], "staff_no": ["工号"]}


def test_an_inflating_spreadsheet_is_refused_before_its_xml_is_parsed(monkeypatch):
    data = _xlsx_with_blank_rows(1_000_000, extra_cells=3)
    assert len(data) < 1_000_000
    inflated = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert inflated > 30_000_000 and inflated > 100 * len(data)
    import openpyxl

    opened = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(1))
    with pytest.raises(tabular.TableFileError) as err:
        tabular.read_table(data, "roster.xlsx", ALIASES)
    assert "解压后异常膨胀" in str(err.value)
    assert opened == []  # refused from the zip directory alone


def test_a_long_run_of_blank_rows_is_refused_without_reading_on(monkeypatch):
    data = _xlsx_with_blank_rows(tabular.MAX_BLANK_RUN * 5)  # small enough to pass the inflation check
    seen = []
    real = tabular._is_blank
    monkeypatch.setattr(tabular, "_is_blank", lambda row: seen.append(1) or real(row))
    with pytest.raises(tabular.TableFileError) as err:
        tabular.read_table(data, "roster.xlsx", ALIASES)
    assert "空白行" in str(err.value)
    assert len(seen) <= tabular.MAX_BLANK_RUN + 5  # refused at the end of the blank run, not of the sheet
    assert len(tabular.read_table(_xlsx_with_blank_rows(10), "roster.xlsx", ALIASES).rows) == 1  # a few are fine


def test_imported_text_is_cleaned():
    csv = "姓名,工号\n张\u202e三\x01,S1\n".encode()
    table = tabular.read_table(csv, "roster.csv", ALIASES)
    assert table.rows[0][1]["name"] == "张三"


def test_the_welfare_upload_has_the_roster_size_check(settings):
    from welfare.forms import ImportUploadForm

    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("ledger.xlsx", b"PK" + b"0" * 2048)
    form = ImportUploadForm(data={}, files={"file": big})
    assert not form.is_valid() and "MB 的上限" in form.errors["file"][0]


@pytest.mark.django_db
def test_old_import_files_are_purged(school, chair, settings):
    from django.utils import timezone

    from members.models import ImportBatch
    from union_portal.lib.imports import import_files_purge

    def batch(status, days_old):
        b = ImportBatch.objects.create(kind=ImportBatch.Kind.ROSTER, school=school, status=status, uploaded_by=chair,
                                       file=ContentFile(b"PK", name="roster.xlsx"), original_name="roster.xlsx")
        ImportBatch.objects.filter(pk=b.pk).update(created_at=timezone.now() - dt.timedelta(days=days_old))
        return b

    failed_old, done_old = batch("failed", 40), batch("done", 40)
    fresh = batch("preview", 1)
    storage = ImportBatch._meta.get_field("file").storage
    assert storage.exists(failed_old.file.name)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert import_files_purge() == (1, 1)
    assert not ImportBatch.objects.filter(pk=failed_old.pk).exists()
    done_old.refresh_from_db()
    assert done_old.file.name == "" and done_old.summary == {}
    assert not storage.exists(failed_old.file.name)
    assert storage.exists(fresh.file.name)
    assert import_files_purge() == (0, 0)  # idempotent


# --- report exports ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_running_export_is_requeued(school, chair, settings, monkeypatch):
    from django.utils import timezone

    from reports import services
    from reports.models import PeriodKind, ReportExport

    report = services.report_create(organization=school, start=dt.date(2021, 1, 1), end=dt.date(2021, 12, 31),
                                    period_kind=PeriodKind.CALENDAR_YEAR, acting_user=chair)
    queued = []
    monkeypatch.setattr(services, "_enqueue_render", queued.append)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        export, first = services.export_request(report=report, fmt="html", acting_user=chair)
    assert first and len(queued) == 1
    # A worker started it, then its main process was killed: the row stays "running 30%".
    ReportExport.objects.filter(pk=export.pk).update(status="running", progress=30, started_at=timezone.now())
    with TestCase.captureOnCommitCallbacks(execute=True):
        again, requeued = services.export_request(report=report, fmt="html", acting_user=chair)
    assert again.pk == export.pk and not requeued and len(queued) == 1  # still alive: not queued twice
    started = timezone.now() - dt.timedelta(seconds=settings.REPORT_EXPORT_STALE_SECONDS + 1)
    ReportExport.objects.filter(pk=export.pk).update(started_at=started)
    with TestCase.captureOnCommitCallbacks(execute=True):
        again, requeued = services.export_request(report=report, fmt="html", acting_user=chair)
    assert requeued and len(queued) == 2
    again.refresh_from_db()
    assert again.status == ReportExport.Status.PENDING and again.progress == 0


def test_the_stale_export_limit_is_tied_to_the_task_limits(settings):
    assert settings.REPORT_EXPORT_STALE_SECONDS > settings.REPORT_TASK_TIME_LIMIT
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.REPORT_TASK_TIME_LIMIT
