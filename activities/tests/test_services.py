"""Audited services: each write and its audit entry commit together or not at all; a photo's file
is removed only after its row's deletion has committed."""

import io

import pytest
from django.db import transaction
from django.test import RequestFactory
from PIL import Image

from activities import services
from activities.models import Activity, ActivityPhoto, Honor, InterestGroup, SubUnionFund, Team
from members.models import AuditEntry, Member
from members.tests.factories import MemberFactory

from .factories import ActivityFactory, HonorFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _jpeg_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 40)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def photo(school, chair):
    activity = ActivityFactory(organizer=school)
    return services.photo_add(activity=activity, data=_jpeg_bytes(), caption="合影", acting_user=chair)


def _request(user, ip="203.0.113.9"):
    request = RequestFactory().post("/", REMOTE_ADDR=ip)
    request.user = user
    return request


def test_photo_add_writes_its_audit_entry(photo, chair):
    entry = AuditEntry.objects.get(object_type="activities.activityphoto", object_id=str(photo.pk))
    assert entry.action == AuditEntry.Action.CREATE and entry.user == chair
    assert entry.organization == photo.activity.organizer


def test_photo_file_survives_a_rolled_back_delete(photo, chair, django_capture_on_commit_callbacks):
    storage, name, pk = photo.image.storage, photo.image.name, photo.pk
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.photo_delete(photo=photo, acting_user=chair)
            raise RuntimeError("something after the delete failed")
    assert callbacks == []  # the file deletion was never scheduled past the rollback
    assert storage.exists(name)
    assert ActivityPhoto.objects.filter(pk=pk).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DELETE).exists()


def test_photo_delete_removes_row_then_file_and_is_audited(photo, chair, django_capture_on_commit_callbacks):
    storage, name, pk = photo.image.storage, photo.image.name, photo.pk
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.photo_delete(photo=photo, acting_user=chair, request=_request(chair))
    assert not ActivityPhoto.objects.filter(pk=pk).exists()
    assert storage.exists(name)  # still there until the commit
    for callback in callbacks:
        callback()
    assert not storage.exists(name)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DELETE, object_id=str(pk))
    assert entry.user == chair and entry.ip_address == "203.0.113.9" and entry.summary == "删除活动照片"


def test_photo_delete_view_removes_the_file_after_commit(login, photo, chair, django_capture_on_commit_callbacks):
    from django.urls import reverse

    storage, name = photo.image.storage, photo.image.name
    with django_capture_on_commit_callbacks(execute=True):
        resp = login(chair).post(reverse("activities:photo_delete", args=[photo.pk]))
    assert resp.status_code == 302 and not storage.exists(name) and not ActivityPhoto.objects.exists()


def test_activity_create_and_update_are_audited(school, chair):
    activity = ActivityFactory.build(organizer=school, title="教工运动会", capacity=1)
    services.activity_create(activity=activity, acting_user=chair, request=_request(chair))
    assert activity.pk and activity.created_by == chair
    activity.capacity = 5
    services.activity_update(activity=activity, acting_user=chair)
    actions = list(
        AuditEntry.objects.filter(object_type="activities.activity", object_id=str(activity.pk))
        .order_by("id")
        .values_list("action", "summary")
    )
    assert actions == [("create", "新建活动 教工运动会"), ("update", "修改活动 教工运动会")]


def test_a_failing_audit_rolls_the_write_back(school, chair, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(services, "audit", broken)
    with pytest.raises(RuntimeError):
        services.activity_create(
            activity=ActivityFactory.build(organizer=school), acting_user=chair, request=_request(chair)
        )
    assert not Activity.objects.exists()


def test_team_add_sets_players_and_team_delete_is_audited(school, sub_a, chair):
    activity = ActivityFactory(organizer=school, title="气排球")
    players = [MemberFactory(organization=sub_a), MemberFactory(organization=sub_a)]
    team = services.team_add(
        activity=activity, team=Team(name="一队", organization=sub_a), players=players, acting_user=chair
    )
    assert set(team.players.all()) == set(players)
    assert AuditEntry.objects.get(object_type="activities.team", action="create").summary == "气排球：一队"
    services.team_delete(team=team, acting_user=chair)
    assert not Team.objects.exists()
    assert AuditEntry.objects.get(object_type="activities.team", action="delete").summary == "删除参赛队 一队"


def test_team_delete_rolled_back_leaves_team_and_no_entry(school, chair):
    team = TeamFactory(activity=ActivityFactory(organizer=school))
    pk = team.pk
    with pytest.raises(RuntimeError), transaction.atomic():
        services.team_delete(team=team, acting_user=chair)
        raise RuntimeError
    assert Team.objects.filter(pk=pk).exists() and not AuditEntry.objects.exists()


def test_honor_record_and_delete_are_audited(sub_a, chair):
    honor = HonorFactory.build(kind=Honor.Kind.COLLECTIVE, member=None, organization=sub_a, title="教学标兵")
    services.honor_record(honor=honor, acting_user=chair)
    assert AuditEntry.objects.get(action="create", object_type="activities.honor").organization == sub_a
    services.honor_delete(honor=honor, acting_user=chair)
    assert not Honor.objects.exists()
    assert AuditEntry.objects.get(action="delete").summary == "删除荣誉 教学标兵"


def test_fund_allocation_is_audited_with_the_amount(sub_a, chair):
    fund = SubUnionFund(organization=sub_a, year=2021, allocation=5000)
    services.sub_union_fund_allocate(fund=fund, acting_user=chair)
    assert SubUnionFund.objects.get().pk == fund.pk
    assert "5000" in AuditEntry.objects.get(object_type="activities.subunionfund").summary


def test_interest_group_save_adds_the_leader_and_audits_create_then_update(school, sub_a, chair):
    leader = MemberFactory(organization=sub_a)
    group = InterestGroup(name="书法小组", organization=school, leader=leader)
    services.interest_group_save(group=group, acting_user=chair)
    assert list(group.members.all()) == [leader]
    group.place = "三楼"
    services.interest_group_save(group=group, acting_user=chair)
    actions = list(AuditEntry.objects.filter(object_type="activities.interestgroup").values_list("action", flat=True))
    assert sorted(actions) == ["create", "update"]


def test_join_and_leave_an_interest_group(school, member):
    group = InterestGroup.objects.create(name="合唱团", organization=school)
    me = Member.objects.get(user=member)
    services.interest_group_join(group=group, member=me)
    services.interest_group_join(group=group, member=me)
    assert list(group.members.all()) == [me]
    services.interest_group_leave(group=group, member=me)
    assert not group.members.exists()
