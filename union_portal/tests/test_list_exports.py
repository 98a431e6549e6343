"""Issue 16: every list's export opens in openpyxl with its rows, and survives names with control
characters (written straight to the database, as an old import or a direct SQL fix might leave them);
the printed sheets render as PDFs; each export writes its audit entry."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from members.models import AuditEntry, Member
from union_portal.lib.exports import FORMULA_PREFIXES

from .matrix_world import build_world

BAD = "坏\x01名\x1b[31m\x08\u202e"  # C0 controls, an ANSI escape and a bidi override
FORMULA = "=HYPERLINK(\"http://evil\")"

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    from welfare.models import (
        Donation,
        HardshipAid,
        HealthCheckCampaign,
        HealthCheckParticipant,
        MutualAidPlan,
        PlanEnrollment,
    )

    a, b, users = build_world()
    o = a.obj
    colleague = o["member"]
    plan = MutualAidPlan.objects.filter(organization=a.school).first()
    PlanEnrollment.objects.create(plan=plan, member=colleague, year=2021, premium=Decimal("30"))
    camp = HealthCheckCampaign.objects.create(organization=a.school, year=2021, name="甲校2021年体检",
                                              held_on=dt.date(2021, 4, 1))
    HealthCheckParticipant.objects.create(campaign=camp, member=colleague, womens_check=True)
    Donation.objects.create(drive=o["drive"], member=colleague, amount=Decimal("100"))
    HardshipAid.objects.create(case=o["hardship"], paid_on=dt.date(2021, 3, 1), amount=Decimal("2000"))
    type(o["assigned"]).objects.filter(pk=o["assigned"].pk).update(deadline=dt.date.today() - dt.timedelta(days=5))
    # Straight to the database: no form, no model clean. Every member's name is hostile.
    Member.objects.filter(school=a.school).update(name=BAD)
    Member.objects.filter(pk=colleague.pk).update(name=FORMULA + BAD)
    return a, users


def exports(a):
    o = a.obj
    return [
        ("welfare:pending_export", {}, ""),
        ("welfare:distribution_export", {"pk": o["distribution"].pk}, ""),
        ("welfare:donation_export", {}, ""),
        ("welfare:enrollment_export", {}, "?year=2021"),
        ("welfare:claim_export", {}, "?year=2021"),
        ("welfare:healthcheck_export", {}, ""),
        ("welfare:hardship_export", {}, ""),
        ("welfare:hardship_aid_export", {}, ""),
        ("activities:registration_export", {"pk": o["activity"].pk}, ""),
        ("activities:honor_export", {}, ""),
        ("activities:award_export", {}, ""),
        ("congress:supervision_export", {}, ""),
        ("members:audit_export", {}, ""),
    ]


def test_every_export_opens_with_its_rows_and_clean_cells(world, client):
    a, users = world
    client.force_login(users["chair"], backend="django.contrib.auth.backends.ModelBackend")
    for name, kwargs, query in exports(a):
        before = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count()
        response = client.get(reverse(name, kwargs=kwargs) + query)
        assert response.status_code == 200, name
        assert "attachment" in response["Content-Disposition"], name
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) >= 2, f"{name}: no data rows"
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{name}: a formula cell {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not any(ord(c) < 32 or c == "\u202e" for c in cell.value), (name, cell.value)
                    assert not cell.value.startswith(FORMULA_PREFIXES), (name, cell.value)
        assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == before + 1, name


def test_the_export_equals_the_filtered_list(world, client):
    """The honours export takes the page's filters: a year with no honour gives a header row only."""
    a, users = world
    client.force_login(users["chair"], backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("activities:honor_export") + "?year=1999")
    assert len(list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows())) == 1


def test_sensitive_exports_are_also_sensitive_reads(world, client):
    a, users = world
    client.force_login(users["chair"], backend="django.contrib.auth.backends.ModelBackend")
    client.get(reverse("welfare:hardship_export"))
    assert AuditEntry.objects.filter(action=AuditEntry.Action.READ_SENSITIVE, summary__startswith="导出困难职工").exists()


def test_hardship_export_is_for_the_chair_only(world, client):
    a, users = world
    client.force_login(users["subchair"], backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("welfare:hardship_export")).status_code == 403
    assert client.get(reverse("welfare:hardship_aid_export")).status_code == 403


@pytest.mark.parametrize("name,key", [
    ("welfare:distribution_sheet", "distribution"),
    ("activities:sign_in_sheet", "activity"),
    ("congress:session_roster", "session"),
])
def test_printed_sheets_render_with_hostile_names(world, client, name, key):
    from pypdf import PdfReader

    a, users = world
    client.force_login(users["chair"], backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse(name, kwargs={"pk": a.obj[key].pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "签" in text or "名册" in text
    assert "坏名" in text.replace(" ", "").replace("\n", "")


def test_sign_in_sheet_snapshot_for_review(world, client, tmp_path):
    """Writes the 签到表 PDF where the review looks at it (pdftoppm -png -r 60)."""
    import shutil
    import subprocess
    from pathlib import Path

    a, users = world
    client.force_login(users["chair"], backend="django.contrib.auth.backends.ModelBackend")
    pdf = client.get(reverse("activities:sign_in_sheet", kwargs={"pk": a.obj["activity"].pk})).content
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm not installed")
    out = Path("/work/notes/shots/h-exports")
    out.mkdir(parents=True, exist_ok=True)
    (tmp_path / "sheet.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / "sheet.pdf"),  # noqa: S603, S607
                    str(out / "sign-in-sheet")], check=True)
