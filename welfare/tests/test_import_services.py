"""Service of the ledger import: the uploaded file stored as a batch awaiting preview (the shared
flow's ``union_portal.lib.imports.import_batch_create``, with the ledger's kind)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from members.models import ImportBatch
from union_portal.lib import imports
from welfare.views.imports import LEDGER

pytestmark = pytest.mark.django_db


def test_import_batch_upload_stores_the_file_for_preview(school, chair):
    upload = SimpleUploadedFile("台账.csv", "日期,工号\n".encode())
    batch = imports.import_batch_create(kind=LEDGER.kind, school=school, upload=upload, acting_user=chair)
    batch.refresh_from_db()
    assert (batch.kind, batch.school, batch.original_name, batch.uploaded_by) == (
        ImportBatch.Kind.WELFARE,
        school,
        "台账.csv",
        chair,
    )
    with batch.file.open("rb") as fh:
        assert fh.read() == "日期,工号\n".encode()
