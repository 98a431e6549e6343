"""New congress terms and session edits (collection windows): services write + audit + roll back, pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from congress import services
from congress.models import Congress, CongressSession
from congress.tests.factories import CongressFactory, SessionFactory
from members.models import AuditEntry

pytestmark = pytest.mark.django_db

TERM = {
    "number": 3, "kind": "staff", "start_date": "2026-04-01", "end_date": "2031-03-31",
    "min_cosigners": 2, "pass_base": "all", "reply_deadline_days": 42,
}  # fmt: skip


def _term_kwargs():
    d = dict(TERM)
    d["start_date"], d["end_date"] = dt.date(2026, 4, 1), dt.date(2031, 3, 31)
    return d


def test_congress_create_writes_and_audits(chair, school):
    c = services.congress_create(acting_user=chair, school=school, **_term_kwargs())
    assert c.school == school and c.number == 3
    assert AuditEntry.objects.filter(action="create", object_type="congress.congress", object_id=str(c.pk)).exists()


def test_congress_create_duplicate_and_permission(chair, member, school):
    services.congress_create(acting_user=chair, school=school, **_term_kwargs())
    with pytest.raises(ValidationError):
        services.congress_create(acting_user=chair, school=school, **_term_kwargs())
    with pytest.raises(PermissionDenied):
        services.congress_create(acting_user=member, school=school, **(_term_kwargs() | {"number": 4}))
    assert Congress.objects.filter(school=school).count() == 1


def test_session_update_changes_window_and_audits(chair, school):
    session = SessionFactory(congress=CongressFactory(school=school), number=1)
    services.session_update(
        acting_user=chair, session=session, number=1, date=dt.date(2026, 5, 1),
        collection_opens=dt.date(2026, 3, 1), collection_closes=dt.date(2026, 4, 15),
    )  # fmt: skip
    session.refresh_from_db()
    assert (session.collection_opens, session.collection_closes) == (dt.date(2026, 3, 1), dt.date(2026, 4, 15))
    entry = AuditEntry.objects.get(object_type="congress.congresssession", object_id=str(session.pk))
    assert "2026-03-01—2026-04-15" in entry.summary


def test_session_update_clash_rolls_back(chair, school):
    congress = CongressFactory(school=school)
    SessionFactory(congress=congress, number=1)
    second = SessionFactory(congress=congress, number=2)
    with pytest.raises(ValidationError):
        services.session_update(
            acting_user=chair, session=second, number=1, date=second.date,
            collection_opens=second.collection_opens, collection_closes=second.collection_closes,
        )  # fmt: skip
    assert CongressSession.objects.get(pk=second.pk).number == 2
    assert not AuditEntry.objects.filter(object_type="congress.congresssession").exists()


def test_pages_get_and_permissions(client, login, chair, member, outsider, school):
    session = SessionFactory(congress=CongressFactory(school=school), number=1)
    urls = [reverse("congress:term_create"), reverse("congress:session_edit", args=[session.pk])]
    assert [client.get(url).status_code for url in urls] == [302, 302]  # anonymous → login
    for url in urls:
        assert login(member).get(url).status_code == 403
        assert login(chair).get(url).status_code == 200
    assert login(outsider).get(urls[1]).status_code == 404


def test_term_create_page_valid_and_invalid(login, chair, school):
    c = login(chair)
    bad = c.post(reverse("congress:term_create"), TERM | {"end_date": "2020-01-01"})
    assert bad.status_code == 400 and "任期结束不能早于开始" in bad.content.decode()
    assert 'value="2026-04-01"' in bad.content.decode()
    assert c.post(reverse("congress:term_create"), TERM).status_code == 302
    assert Congress.objects.filter(school=school, number=3).exists()


def test_session_edit_page_valid_and_invalid(login, chair, school):
    session = SessionFactory(congress=CongressFactory(school=school), number=1)
    url = reverse("congress:session_edit", args=[session.pk])
    data = {"number": 1, "date": "2026-05-01", "collection_opens": "2026-04-10", "collection_closes": "2026-04-01"}
    bad = login(chair).post(url, data)
    assert bad.status_code == 400 and "征集截止不能早于开始" in bad.content.decode()
    assert login(chair).post(url, data | {"collection_closes": "2026-04-20"}).status_code == 302
    session.refresh_from_db()
    assert session.collection_closes == dt.date(2026, 4, 20)
