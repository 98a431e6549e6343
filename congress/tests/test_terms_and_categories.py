"""Sessions, term settings and proposal categories: the services (audited, role-checked) and their pages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congress import services
from congress.models import CongressSession, ProposalCategory
from members.models import AuditEntry

from .factories import CategoryFactory

pytestmark = pytest.mark.django_db

WINDOW = {"number": 4, "date": dt.date(2027, 3, 1), "collection_opens": dt.date(2027, 1, 1),
          "collection_closes": dt.date(2027, 2, 1)}  # fmt: skip
SETTINGS = {"start_date": dt.date(2024, 4, 1), "end_date": dt.date(2029, 3, 31), "min_cosigners": 3,
            "pass_base": "due", "reply_deadline_days": 45}  # fmt: skip


# --- services -------------------------------------------------------------------------------


def test_session_create_makes_the_session_and_audits_it(chair, congress, school):
    session = services.session_create(acting_user=chair, congress=congress, **WINDOW)
    assert (session.congress, session.number, session.collection_closes) == (congress, 4, dt.date(2027, 2, 1))
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE, object_id=str(session.pk))
    assert entry.user == chair and entry.organization == school and session.name in entry.summary


def test_session_create_refuses_a_member(member, congress):
    with pytest.raises(PermissionDenied):
        services.session_create(acting_user=member, congress=congress, **WINDOW)
    assert not CongressSession.objects.filter(number=4).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.CREATE).exists()


def test_congress_settings_update_saves_the_rules_and_audits(chair, congress):
    services.congress_settings_update(acting_user=chair, congress=congress, **SETTINGS)
    congress.refresh_from_db()
    assert (congress.min_cosigners, congress.pass_base, congress.reply_deadline_days) == (3, "due", 45)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, object_id=str(congress.pk), user=chair).exists()


def test_congress_settings_update_refuses_another_schools_chair(outsider, congress):
    with pytest.raises(PermissionDenied):
        services.congress_settings_update(acting_user=outsider, congress=congress, **SETTINGS)
    congress.refresh_from_db()
    assert congress.reply_deadline_days != 45


def test_category_save_adds_then_renames_with_audit(chair, school):
    cat = services.category_save(acting_user=chair, school=school, name="教学科研", sort_order=1, is_active=True)
    assert cat.school == school
    services.category_save(acting_user=chair, school=school, category=cat, name="教学", sort_order=2, is_active=False)
    cat.refresh_from_db()
    assert (cat.name, cat.sort_order, cat.is_active) == ("教学", 2, False)
    actions = list(AuditEntry.objects.filter(object_id=str(cat.pk)).order_by("pk").values_list("action", flat=True))
    assert actions == [AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE]


def test_category_save_refuses_a_duplicate_name_but_keeps_its_own(chair, school, category):
    other = CategoryFactory(school=school, name="福利待遇")
    with pytest.raises(ValidationError) as err:
        services.category_save(acting_user=chair, school=school, category=other, name="后勤保障", sort_order=0,
                               is_active=True)  # fmt: skip
    assert "name" in err.value.message_dict
    services.category_save(acting_user=chair, school=school, category=category, name="后勤保障", sort_order=5,
                           is_active=True)  # fmt: skip
    category.refresh_from_db()
    assert category.sort_order == 5


def test_category_save_refuses_a_member_and_another_schools_category(member, chair, school, other_school):
    with pytest.raises(PermissionDenied):
        services.category_save(acting_user=member, school=school, name="x", sort_order=0, is_active=True)
    foreign = CategoryFactory(school=other_school, name="外校")
    with pytest.raises(PermissionDenied):
        services.category_save(acting_user=chair, school=school, category=foreign, name="x", sort_order=0,
                               is_active=True)  # fmt: skip


# --- pages ------------------------------------------------------------------------------------


def _form(data: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}


def test_session_create_page(login, chair, member, outsider, congress):
    url = f"/congress/terms/{congress.pk}/sessions/new/"
    assert login(member).post(url, _form(WINDOW)).status_code == 403
    assert login(outsider).get(url).status_code == 404
    bad = login(chair).post(url, _form({**WINDOW, "collection_closes": dt.date(2026, 1, 1)}))
    assert bad.status_code == 200 and "征集截止不能早于开始" in bad.content.decode()
    resp = login(chair).post(url, _form(WINDOW))
    session = CongressSession.objects.get(congress=congress, number=4)
    assert resp.status_code == 302 and resp["Location"] == f"/congress/sessions/{session.pk}/"


def test_congress_settings_page(login, chair, member, congress):
    url = f"/congress/terms/{congress.pk}/settings/"
    assert login(member).get(url).status_code == 403
    bad = login(chair).post(url, _form({**SETTINGS, "end_date": dt.date(2020, 1, 1)}))
    assert bad.status_code == 200 and "任期结束不能早于开始" in bad.content.decode()
    resp = login(chair).post(url, _form(SETTINGS))
    assert resp.status_code == 302
    congress.refresh_from_db()
    assert congress.reply_deadline_days == 45


def test_categories_page(login, chair, member, school, category):
    assert login(member).get("/congress/categories/").status_code == 403
    client = login(chair)
    dup = client.post("/congress/categories/", {"name": "后勤保障", "sort_order": 1, "is_active": "on"})
    assert dup.status_code == 200 and "已有同名类别" in dup.content.decode()
    assert client.post("/congress/categories/", {"name": "教学科研", "sort_order": 1}).status_code == 302
    edit = {"id": category.pk, "name": "后勤", "sort_order": 3, "is_active": "on"}
    assert client.post("/congress/categories/", edit).status_code == 302
    assert set(ProposalCategory.objects.filter(school=school).values_list("name", flat=True)) == {"后勤", "教学科研"}
