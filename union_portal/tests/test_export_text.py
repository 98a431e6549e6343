"""Every export survives any stored text (issue 17, finding 1).

The permission-matrix world (every object of every app) is built, then every free-text column of every
model is overwritten *directly in the database* (as an old import or another path might have stored
it) with text holding every C0 control character and a bidi override. Every export URL of the project
(found by its route: ``.xlsx``/``.pdf`` URLs, and the report's PDF/DOCX/HTML exports) must then answer
200 with a file its reader opens (openpyxl, pypdf, python-docx), and no bidi control may reach it.
"""

from __future__ import annotations

import io
import logging
import os

import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.test import Client
from django.urls import reverse

from union_portal.lib.text import UNSAFE, clean_text

from .matrix_runner import all_routes
from .matrix_world import build_world

pytestmark = pytest.mark.xdist_group("permission_matrix")

# Every C0 control character (tab, LF and CR included), DEL, and a right-to-left override that would
# make "001" read as "100" in a viewer that honours it.
HOSTILE = "".join(chr(i) for i in range(32)) + "\x7f甲校控制\u202e001\u202c尾"
# PostgreSQL stores no NUL in text at all (so no form or import can have left one there): leave it
# out on PostgreSQL; every other control character still goes in.
if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    HOSTILE = HOSTILE.replace("\x00", "")
APPS = ("members", "welfare", "congress", "activities", "reports")
# Identifiers and lookup keys keep their values (the world's URLs and scoping need them).
KEEP = {"code", "path", "staff_no", "id_number", "bank_account", "phone", "content_hash", "username", "password",
        "original_name", "error", "summary", "object_type", "object_id", "ip_address"}

# The export routes, each with the world object its URL names (a new export URL must be added here).
EXPORTS = {
    "activities:award_export": {},
    "activities:honor_export": {},
    "activities:registration_export": {"pk": "activity"},
    "activities:sign_in_sheet": {"pk": "activity"},
    "congress:session_compilation": {"pk": "session"},
    "congress:session_export": {"pk": "session"},
    "congress:session_roster": {"pk": "session"},
    "congress:supervision_export": {},
    "members:audit_export": {},
    "members:export": {},
    "members:import_template": {},
    "welfare:claim_export": {},
    "welfare:distribution_export": {"pk": "distribution"},
    "welfare:distribution_sheet": {"pk": "distribution"},
    "welfare:donation_export": {},
    "welfare:enrollment_export": {},
    "welfare:hardship_aid_export": {},
    "welfare:hardship_export": {},
    "welfare:healthcheck_export": {},
    "welfare:import_template": {},
    "welfare:ledger_export": {},
    "welfare:pending_export": {},
}
# Not stored text: the set-up's one-time logins exist only in the session of the set-up that issued them,
# and its roster template holds fixed headers (the same as members:import_template, tested above).
NOT_STORED_TEXT = {"setup:logins_xlsx", "setup:import_template"}


def _poison() -> int:
    """Overwrite every free-text column of the apps' models with ``HOSTILE``; → columns changed."""
    changed = 0
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model._meta.label == "members.AuditEntry":
            continue
        for f in model._meta.concrete_fields:
            if not isinstance(f, (models.CharField, models.TextField)) or f.choices or f.unique or f.name in KEEP:
                continue
            if isinstance(f, (models.EmailField, models.URLField, models.SlugField)):
                continue
            value = HOSTILE[: f.max_length] if f.max_length else HOSTILE
            try:
                with transaction.atomic():
                    changed += model.objects.update(**{f.name: value}) and 1
            except IntegrityError:  # a unique_together column: leave it
                continue
    return changed


def _read(body: bytes, kind: str) -> str:
    """The text of a file through its reader; raises if the reader cannot open it."""
    if kind == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(body))
        return " ".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row if c)
    if kind == "pdf":
        from pypdf import PdfReader

        return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    if kind == "docx":
        import docx

        document = docx.Document(io.BytesIO(body))
        return " ".join(p.text for p in document.paragraphs) + " ".join(
            c.text for t in document.tables for row in t.rows for c in row.cells
        )
    return body.decode("utf-8")


def _kind(response) -> str:
    ctype = response.get("Content-Type", "")
    if "spreadsheetml" in ctype:
        return "xlsx"
    if "pdf" in ctype:
        return "pdf"
    if "wordprocessingml" in ctype:
        return "docx"
    return "html"


def test_clean_text_keeps_tab_and_newlines_only():
    assert clean_text(HOSTILE) == "\t\n\r甲校控制001尾"
    assert not UNSAFE.search(clean_text(HOSTILE))


@pytest.mark.django_db
def test_every_export_survives_control_and_bidi_characters(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    a, _b, users = build_world()
    assert _poison() > 40
    client = Client()
    client.force_login(users["chair"], backend="django.contrib.auth.backends.ModelBackend")

    routes = {r.name for r in all_routes() if r.pattern.endswith((".xlsx", ".pdf", ".docx"))
              or r.name.endswith(("export", "_template", "compilation"))} - {"reports:export"} - NOT_STORED_TEXT
    assert routes == set(EXPORTS), f"export routes changed: add them to EXPORTS: {sorted(routes ^ set(EXPORTS))}"
    answers = {}
    logging.disable(logging.WARNING)
    try:
        for name, params in EXPORTS.items():
            url = reverse(name, kwargs={k: a.obj[v].pk for k, v in params.items()})
            answers[name] = client.get(url)
        report = a.obj["report"]
        for fmt in ("pdf", "docx", "html"):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(reverse("reports:export", args=[report.pk]), {"format": fmt})
            assert response.status_code == 302, (fmt, response.status_code)
            export_pk = int(response["Location"].rstrip("/").split("/")[-1])
            answers[f"reports:export_download[{fmt}]"] = client.get(reverse("reports:export_download",
                                                                           args=[export_pk]))
        answers["reports:print"] = client.get(reverse("reports:print", args=[report.pk]))
    finally:
        logging.disable(logging.NOTSET)

    problems, poisoned_seen = [], 0
    for name, response in answers.items():
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if response.status_code != 200:
            problems.append(f"{name}: {response.status_code}")
            continue
        try:
            text = _read(body, _kind(response))
        except Exception as exc:  # the reader could not open the file
            problems.append(f"{name}: unreadable {_kind(response)}: {type(exc).__name__}: {exc}")
            continue
        poisoned_seen += "甲校控制" in text
        if "\u202e" in text or "\u202c" in text:
            problems.append(f"{name}: a bidi control reached the {_kind(response)}")
    assert not problems, "\n".join(problems)
    assert poisoned_seen >= 5, f"the stored text reached only {poisoned_seen} exports: is the test blind?"
