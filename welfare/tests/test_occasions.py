"""慰问事由 maintenance: the chair adds, edits and deactivates the school's own occasions (audited)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from members.models import AuditEntry
from welfare import services
from welfare.models import VisitOccasion

pytestmark = pytest.mark.django_db

NEW = {"name": "子女升学", "code": "child_school", "is_mandatory": False, "is_sensitive": False,
       "concerns_relative": True, "sort_order": 90}  # fmt: skip


def test_occasion_save_writes_audits_and_is_offered(chair, school):
    o = services.occasion_save(acting_user=chair, school=school, **NEW)
    assert o.school == school and o in services.occasions_for(school)
    assert AuditEntry.objects.filter(object_type="welfare.visitoccasion", object_id=str(o.pk), action="create").exists()


def test_occasion_save_rejects_shared_code_and_rolls_back(chair, school):
    with pytest.raises(ValidationError):
        services.occasion_save(acting_user=chair, school=school, **(NEW | {"code": "marriage"}))
    assert not VisitOccasion.objects.filter(school=school).exists()
    assert not AuditEntry.objects.filter(object_type="welfare.visitoccasion").exists()


def test_occasion_save_refuses_shared_and_non_chair(chair, committee, school):
    shared = VisitOccasion.objects.filter(school__isnull=True).first()
    with pytest.raises(PermissionDenied):
        services.occasion_save(acting_user=chair, school=school, occasion=shared, **NEW)
    with pytest.raises(PermissionDenied):
        services.occasion_save(acting_user=committee, school=school, **NEW)


def test_deactivate_hides_from_choices(chair, school):
    o = services.occasion_save(acting_user=chair, school=school, **NEW)
    services.occasion_set_active(acting_user=chair, school=school, occasion=o, active=False)
    assert o not in services.occasions_for(school)
    assert AuditEntry.objects.filter(summary__contains="停用慰问事由 子女升学").exists()


def test_page_permissions(client, login, chair, committee, member, outsider, school):
    url = reverse("welfare:occasions")
    assert client.get(url).status_code == 302
    assert login(member).get(url).status_code == 403
    assert login(committee).get(url).status_code == 403
    assert login(chair).get(url).status_code == 200
    o = services.occasion_save(acting_user=chair, school=school, **NEW)
    toggle = reverse("welfare:occasion_toggle", args=[o.pk])
    assert login(chair).get(toggle).status_code == 405
    assert login(outsider).post(toggle).status_code == 404
    assert login(outsider).get(url + f"?edit={o.pk}").status_code == 404


def test_page_add_invalid_then_valid_then_toggle(login, chair, school):
    c = login(chair)
    bad = c.post(reverse("welfare:occasions"), NEW | {"code": "marriage", "is_mandatory": "", "is_sensitive": ""})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "该编码已被使用" in html and "子女升学" in html
    data = {k: v for k, v in NEW.items() if v is not False}
    assert c.post(reverse("welfare:occasions"), data).status_code == 302
    o = VisitOccasion.objects.get(school=school, code="child_school")
    assert c.post(reverse("welfare:occasion_toggle", args=[o.pk])).status_code == 302
    o.refresh_from_db()
    assert not o.is_active
    assert c.post(reverse("welfare:occasions"), data | {"id": o.pk, "name": "子女考学"}).status_code == 302
    o.refresh_from_db()
    assert o.name == "子女考学"
