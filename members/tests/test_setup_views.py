"""Issue 15: the first-run set-up pages (members.views.setup) and the one-time password rule."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from members.models import ImportBatch, Member, Organization, PasswordChangeRequirement, Role, RoleAssignment
from members.tests.onboarding import roster_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    user = get_user_model().objects.create_superuser("root", password="Root-pass-2026")
    client.force_login(user)
    return client


def test_superuser_on_an_empty_install_is_led_to_setup(root):
    assert root.get("/")["Location"] == reverse("setup:start")


def test_wizard_from_school_to_logins(root, client):
    response = root.post(reverse("setup:start"), {"name": "新苗中学工会", "code": "坏 码"})
    assert response.status_code == 200 and "编码只能包含" in response.content.decode()  # typed values kept
    assert "新苗中学工会" in response.content.decode()
    root.post(reverse("setup:start"), {"name": "新苗中学工会", "code": "NS01"})
    school = Organization.objects.get(code="NS01")
    response = root.post(reverse("setup:import"), {"file": SimpleUploadedFile("名册.xlsx", roster_file())})
    body = root.get(response["Location"]).content.decode()
    assert "语文分工会 / 初一小组" in body and "将新建部门" in body and "第3步" in body
    response = root.post(reverse("setup:import_confirm", args=[ImportBatch.objects.get().pk]), {"create_units": "on"})
    assert response["Location"] == reverse("setup:officers")
    staff = {m.staff_no: m for m in Member.objects.filter(school=school)}
    subs = {s.name: s for s in school.children.all()}
    response = root.post(reverse("setup:officers"), {
        "chair": staff["N001"].pk, "committee": [staff["N002"].pk, staff["N004"].pk],
        f"sub_{subs['语文分工会'].pk}": staff["N003"].pk,
    })  # fmt: skip
    assert response["Location"] == reverse("setup:logins")
    body = root.get(reverse("setup:logins")).content.decode()
    assert "n001" in body and "工会主席（新苗中学工会）" in body
    sheet = load_workbook(__import__("io").BytesIO(root.get(reverse("setup:logins_xlsx")).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    password = next(r[4] for r in rows if r[1] == "N001")
    assert len(rows) >= 5 and len(password) == 12
    assert RoleAssignment.objects.filter(role=Role.SUB_UNION_CHAIR, organization=subs["语文分工会"]).count() == 1
    root.post(reverse("setup:finish"))
    assert "n001" not in root.get(reverse("setup:start")).content.decode()
    assert root.get(reverse("setup:logins")).status_code == 404  # the school is no longer in the session

    # the new chair must change the one-time password before anything else
    client.logout()
    client.post(reverse("login"), {"username": "n001", "password": password})
    assert client.get(reverse("members:list"))["Location"] == reverse("password_change")
    response = client.post(reverse("password_change"), {
        "old_password": password, "new_password1": "Xin-mima-2026!", "new_password2": "Xin-mima-2026!",
    })  # fmt: skip
    assert response.status_code == 302
    assert client.get(reverse("members:list")).status_code == 200
    assert not PasswordChangeRequirement.objects.filter(user__username="n001").exists()


def test_district_chair_creates_schools_in_the_district_only(login, school):
    from conftest import make_role_user

    district = Organization.objects.create(kind="district", code="D1", name="某区教育工会")
    other = Organization.objects.create(kind="district", code="D2", name="别区教育工会")
    user = make_role_user("dchair", Role.CHAIR, district, school)
    client = login(user)
    assert (
        client.post(reverse("setup:start"), {"name": "区属小学工会", "code": "DS1"}).status_code == 200
    )  # parent required
    client.post(reverse("setup:start"), {"name": "区属小学工会", "code": "DS1", "parent": district.pk})
    assert Organization.objects.get(code="DS1").parent == district
    response = client.post(reverse("setup:start"), {"name": "越界小学工会", "code": "DS2", "parent": other.pk})
    assert response.status_code == 200 and not Organization.objects.filter(code="DS2").exists()
    assert client.post(reverse("setup:resume", args=[school.pk])).status_code == 404  # not in the district


def test_school_roles_may_not_set_up(login, chair, member):
    for user in (chair, member):
        client = login(user)
        assert client.get(reverse("setup:start")).status_code == 403
        assert client.get(reverse("setup:import")).status_code == 403
        assert client.get(reverse("setup:officers")).status_code == 403
