"""Issue 15: re-importing a roster never loses data; the preview shows every change before it is written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse

from members.models import AuditEntry, ImportBatch, Member
from members.services import roster_import, roster_validate
from members.tests.onboarding import ROSTER_HEADERS, ROSTER_ROWS, roster_file, xlsx


def _snapshot(school):
    return {
        m.staff_no: model_to_dict(m) | {"updated_at": m.updated_at, "school": m.school_id}
        for m in Member.objects.filter(school=school)
    }


@pytest.fixture
def imported(school, chair):
    result = roster_import(school=school, data=roster_file(), filename="名册.xlsx", acting_user=chair,
                           create_units=True)  # fmt: skip
    assert result.written and result.created == 5
    return school


def test_blank_cells_and_missing_columns_keep_every_stored_value(imported, chair):
    before = _snapshot(imported)
    # 工会小组 and 手机 columns missing; every other optional cell blank
    headers = [h for h in ROSTER_HEADERS if h not in ("工会小组", "手机")]
    rows = [[r[0], r[1]] + [""] * (len(headers) - 2) for r in ROSTER_ROWS]
    data = xlsx(headers, rows)
    preview = roster_validate(school=imported, data=data, filename="空白.xlsx")
    assert preview.ok and preview.changes == [] and (preview.unchanged, preview.updated) == (5, 0)
    entries = AuditEntry.objects.count()
    result = roster_import(school=imported, data=data, filename="空白.xlsx", acting_user=chair)
    assert result.written and result.updated == 0
    assert _snapshot(imported) == before
    assert AuditEntry.objects.count() == entries + 1  # the import line only: nobody changed
    # the same with only 工号 and 姓名, and with the sub-union given but the group column absent
    rows = [[r[0], r[1], r[5]] for r in ROSTER_ROWS]
    roster_import(school=imported, data=xlsx(["工号", "姓名", "分工会"], rows), filename="b.xlsx", acting_user=chair)
    assert _snapshot(imported) == before
    assert Member.objects.get(staff_no="N002").organization.name == "初一小组"  # not moved up to 语文分工会


def test_clearing_takes_the_explicit_cell_text(imported, chair):
    data = xlsx(["工号", "姓名", "手机", "工会小组", "部门", "状态"], [["N002", "吴二", "（清空）", "(清空)", "", ""]])
    roster_import(school=imported, data=data, filename="c.xlsx", acting_user=chair)
    wu = Member.objects.get(staff_no="N002")
    assert wu.phone == "" and wu.organization.name == "语文分工会" and wu.department.name == "教务处"
    bad = xlsx(["工号", "姓名", "状态"], [["N002", "（清空）", "（清空）"]])
    messages = {e.message for e in roster_validate(school=imported, data=bad, filename="d.xlsx").errors}
    assert messages == {"“姓名”不能清空", "“状态”不能清空"}


def test_preview_shows_old_to_new_before_anything_is_written(imported, login, chair):
    client = login(chair)
    rows = [["N002", "吴二", "13900000009", "数学分工会"], ["N099", "新来的", "13900000099", ""]]
    upload = SimpleUploadedFile("改.xlsx", xlsx(["工号", "姓名", "手机", "分工会"], rows))
    response = client.post(reverse("members:import"), {"file": upload})
    body = client.get(response["Location"]).content.decode()
    assert "将修改 1 人的信息" in body and "将新增 1 人" in body
    assert "13800000002" in body and "→ 13900000009" in body
    assert "语文分工会 / 初一小组" in body and "→ 数学分工会" in body
    assert "名册中有 5 人不在文件里（保留，不会删除）" in body and "周一（N001）" in body
    wu = Member.objects.get(staff_no="N002")
    assert wu.phone == "13800000002" and not Member.objects.filter(staff_no="N099").exists()  # nothing written yet

    client.post(reverse("members:import_confirm", args=[ImportBatch.objects.get().pk]))
    wu.refresh_from_db()
    assert wu.phone == "13900000009" and wu.organization.name == "数学分工会"
    assert (
        Member.objects.filter(school=imported).count() == 7
    )  # the five missing from the file (four staff and the chair) are kept
    entry = AuditEntry.objects.get(action="update", object_id=str(wu.pk))
    assert "手机 13800000002 → 13900000009" in entry.summary and "所属分工会/小组" in entry.summary
    assert AuditEntry.objects.filter(action="create", object_type="members.member").count() == 5 + 1


def test_new_units_are_errors_in_the_school_flow_and_need_the_box_in_the_setup(school, login, chair, client):
    client = login(chair)
    response = client.post(reverse("members:import"), {"file": SimpleUploadedFile("n.xlsx", roster_file())})
    body = client.get(response["Location"]).content.decode()
    assert "分工会“行政分工会”不存在" in body and 'name="create_units"' not in body

    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", password="Root-pass-2026"))
    client.post(reverse("setup:resume", args=[school.pk]))
    response = client.post(reverse("setup:import"), {"file": SimpleUploadedFile("n.xlsx", roster_file())})
    body = client.get(response["Location"]).content.decode()
    assert "语文分工会 / 初一小组" in body and 'name="create_units"' in body
    batch = ImportBatch.objects.filter(kind="roster").latest("pk")
    client.post(reverse("setup:import_confirm", args=[batch.pk]))  # box not ticked: row errors, nothing written
    assert not Member.objects.filter(school=school, staff_no__startswith="N").exists()
    client.post(reverse("setup:import_confirm", args=[batch.pk]), {"create_units": "on"})
    assert Member.objects.filter(school=school, staff_no__startswith="N").count() == 5
