"""Views: permissions per role, registration through the web, forms, photos, pages and query budgets."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from activities.models import Activity, ActivityPhoto, Award, Honor, Registration, SubUnionFund
from members.models import Member
from members.tests.factories import MemberFactory

from .factories import ActivityFactory, InterestGroupFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(school):
    return ActivityFactory(organizer=school, capacity=10, title="教工气排球比赛")


def _png(w=2400, h=1600) -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (200, 30, 30)).save(buf, "PNG")
    buf.seek(0)
    buf.name = "photo.png"
    return buf


# --- state-changing view: register -----------------------------------------------------------------


def test_register_rejects_get(login, member, activity):
    assert login(member).get(reverse("activities:register", args=[activity.pk])).status_code == 405


def test_register_requires_login(client, activity):
    resp = client.post(reverse("activities:register", args=[activity.pk]))
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


def test_outsider_gets_404_on_another_schools_activity(login, outsider, activity):
    c = login(outsider)
    assert c.get(reverse("activities:detail", args=[activity.pk])).status_code == 404
    assert c.post(reverse("activities:register", args=[activity.pk])).status_code == 404


def test_member_registers_and_sees_it(login, member, activity):
    c = login(member)
    resp = c.post(reverse("activities:register", args=[activity.pk]), follow=True)
    assert "报名成功" in resp.content.decode()
    assert Registration.objects.get(activity=activity).member.user == member


def test_refused_registration_shows_a_message(login, member, school):
    planned = ActivityFactory(organizer=school, status=Activity.Status.PLANNED)
    resp = login(member).post(reverse("activities:register", args=[planned.pk]), follow=True)
    assert "不在报名时间内" in resp.content.decode()
    assert not Registration.objects.exists()


def test_member_does_not_see_another_sub_unions_activity(login, member, sub_b):
    other = ActivityFactory(organizer=sub_b)
    assert login(member).get(reverse("activities:detail", args=[other.pk])).status_code == 404


def test_member_cannot_cancel_someone_elses_registration(login, member, activity, sub_a):
    reg = RegistrationFactory(activity=activity, member=MemberFactory(organization=sub_a))
    assert login(member).post(reverse("activities:cancel", args=[reg.pk])).status_code == 404


def test_member_cannot_check_in_before_the_day(login, member, activity):
    reg = RegistrationFactory(activity=activity, member=Member.objects.get(user=member))
    assert login(member).post(reverse("activities:check_in", args=[reg.pk])).status_code == 403


def test_manager_checks_in_from_the_sheet(login, chair, activity, sub_a):
    reg = RegistrationFactory(activity=activity, member=MemberFactory(organization=sub_a, name="签到人"))
    c = login(chair)
    sheet = c.get(reverse("activities:check_in_sheet", args=[activity.pk]))
    assert "签到人" in sheet.content.decode()
    c.post(reverse("activities:check_in", args=[reg.pk]), {"next": sheet.request["PATH_INFO"]})
    reg.refresh_from_db()
    assert reg.checked_in_at is not None


def test_plain_member_cannot_open_the_check_in_sheet(login, member, activity):
    assert login(member).get(reverse("activities:check_in_sheet", args=[activity.pk])).status_code == 403


# --- create / edit -------------------------------------------------------------------------------------


def _activity_post(organizer, **extra):
    start = timezone.localtime() + dt.timedelta(days=5)
    data = {
        "title": "三八节趣味活动",
        "type": "festival",
        "organizer": organizer.pk,
        "status": "open",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "audience": "women",
        "funding_source": "union",
        "capacity": "30",
    }
    data.update(extra)
    return data


def test_chair_creates_an_activity(login, chair, school):
    resp = login(chair).post(reverse("activities:create"), _activity_post(school))
    act = Activity.objects.get()
    assert resp.status_code == 302 and act.capacity == 30 and act.created_by == chair


def test_invalid_activity_form_shows_errors_and_keeps_input(login, chair, school):
    data = _activity_post(school, budget="-5", headcount="500")
    data["ends_at"] = "2000-01-01T00:00"
    resp = login(chair).post(reverse("activities:create"), data)
    body = resp.content.decode()
    assert resp.status_code == 200 and "结束时间不能早于开始时间" in body and "金额不能为负数" in body
    assert "请说明现场人数" in body and "三八节趣味活动" in body
    assert not Activity.objects.exists()


def test_member_cannot_create_activities(login, member):
    assert login(member).get(reverse("activities:create")).status_code == 403


def test_sub_union_chair_cannot_organise_for_the_school(login, sub_union_chair, school, sub_a):
    c = login(sub_union_chair)
    resp = c.post(reverse("activities:create"), _activity_post(school))
    assert resp.status_code == 200 and not Activity.objects.exists()  # school is not a choice
    assert c.post(reverse("activities:create"), _activity_post(sub_a)).status_code == 302


def test_sub_union_chair_cannot_edit_a_school_activity(login, sub_union_chair, activity):
    assert login(sub_union_chair).get(reverse("activities:edit", args=[activity.pk])).status_code == 403


# --- photos ------------------------------------------------------------------------------------------------


def test_photo_is_resized_and_served_only_to_those_who_may_see_it(login, chair, outsider, member, activity):
    c = login(chair)
    c.post(reverse("activities:photo_add", args=[activity.pk]), {"image": _png(), "caption": "合影"})
    photo = ActivityPhoto.objects.get()
    assert max(photo.width, photo.height) == 1600
    url = reverse("activities:photo", args=[photo.pk])
    resp = c.get(url)
    assert resp.status_code == 200 and resp["Content-Type"] == "image/jpeg"
    assert login(member).get(url).status_code == 200
    assert login(outsider).get(url).status_code == 404


def test_non_image_upload_is_refused_with_a_message(login, chair, activity):
    fake = io.BytesIO(b"%PDF-1.4 not an image")
    fake.name = "x.jpg"
    resp = login(chair).post(reverse("activities:photo_add", args=[activity.pk]), {"image": fake}, follow=True)
    assert "无法识别该图片文件" in resp.content.decode()
    assert not ActivityPhoto.objects.exists()


def test_photo_count_is_limited(login, chair, activity, settings):
    settings.ACTIVITY_PHOTOS_PER_ACTIVITY = 1
    c = login(chair)
    c.post(reverse("activities:photo_add", args=[activity.pk]), {"image": _png(40, 40)})
    resp = c.post(reverse("activities:photo_add", args=[activity.pk]), {"image": _png(40, 40)}, follow=True)
    assert "最多上传 1 张" in resp.content.decode() and ActivityPhoto.objects.count() == 1


# --- honours, awards, funds -------------------------------------------------------------------------------


def test_chair_records_an_individual_honour_by_staff_no(login, chair, sub_a):
    m = MemberFactory(organization=sub_a, staff_no="T900")
    resp = login(chair).post(
        reverse("activities:honors"),
        {
            "kind": "individual",
            "member_ref": "T900",
            "title": "五一劳动奖章",
            "level": "provincial",
            "grantor": "省总工会",
            "awarded_on": "2021-04-28",
        },
    )
    assert resp.status_code == 302
    honor = Honor.objects.get()
    assert honor.member == m and honor.organization == sub_a


def test_collective_honour_needs_an_organisation(login, chair):
    resp = login(chair).post(
        reverse("activities:honors"),
        {
            "kind": "collective",
            "title": "模范职工之家",
            "level": "provincial",
            "grantor": "省总工会",
            "awarded_on": "2021-05-20",
        },
    )
    assert "集体荣誉请选择获得单位" in resp.content.decode() and not Honor.objects.exists()


def test_honour_for_a_member_outside_scope_is_refused(login, sub_union_chair, sub_b):
    MemberFactory(organization=sub_b, staff_no="B001")
    resp = login(sub_union_chair).post(
        reverse("activities:honors"),
        {
            "kind": "individual",
            "member_ref": "B001",
            "title": "教学标兵",
            "level": "school",
            "grantor": "学校",
            "awarded_on": "2021-04-28",
        },
    )
    assert "找不到" in resp.content.decode() and not Honor.objects.exists()


def test_team_award_needs_team_name(login, chair, school):
    resp = login(chair).post(
        reverse("activities:awards"),
        {
            "kind": "team",
            "competition": "区篮球赛",
            "prize": "second",
            "level": "district",
            "grantor": "区教育工会",
            "awarded_on": "2021-11-26",
            "organization": school.pk,
        },
    )
    assert "团体奖项请填写团体名称" in resp.content.decode() and not Award.objects.exists()


def test_member_cannot_open_honours_or_funds(login, member):
    c = login(member)
    assert c.get(reverse("activities:honors")).status_code == 403
    assert c.get(reverse("activities:funds")).status_code == 403
    assert c.get(reverse("activities:stats")).status_code == 403


def test_fund_page_shows_allocation_against_spending(login, chair, sub_a):
    SubUnionFund.objects.create(organization=sub_a, year=2021, allocation=5000)
    ActivityFactory(
        organizer=sub_a,
        starts_at=timezone.make_aware(dt.datetime(2021, 5, 1, 15)),
        spent=1200,
        funding_source="sub_union",
        status="finished",
    )
    body = login(chair).get(reverse("activities:funds") + "?year=2021").content.decode()
    assert "5,000.00" in body and "1,200.00" in body and "3,800.00" in body


# --- interest groups -----------------------------------------------------------------------------------------


def test_member_joins_an_interest_group_and_leader_records_attendance(login, member, school, sub_a):
    leader = MemberFactory(organization=sub_a)
    group = InterestGroupFactory(organization=school, leader=leader)
    me = Member.objects.get(user=member)
    login(member).post(reverse("activities:group_join", args=[group.pk]))
    assert list(group.members.all()) == [me]
    # a plain member is not the leader: may not record a session
    assert (
        login(member).post(reverse("activities:group_detail", args=[group.pk]), {"held_on": "2021-05-01"}).status_code
        == 403
    )


# --- pages and budgets ----------------------------------------------------------------------------------------


def test_calendar_shows_the_months_activities(login, member, school):
    ActivityFactory(organizer=school, title="五月跳绳比赛", starts_at=timezone.make_aware(dt.datetime(2021, 5, 14, 16)))
    body = login(member).get(reverse("activities:calendar") + "?month=2021-05").content.decode()
    assert "五月跳绳比赛" in body and "2021年5月" in body


def test_calendar_ignores_a_bad_month(login, member):
    assert login(member).get(reverse("activities:calendar") + "?month=2021-13").status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_index_query_budget_is_constant(login, chair, school, sub_a, django_assert_max_num_queries, n):
    for _ in range(n):
        a = ActivityFactory(organizer=school)
        RegistrationFactory(activity=a, member=MemberFactory(organization=sub_a))
    c = login(chair)
    # session, user, member, roles, upcoming (annotated), count, page rows (annotated),
    # plus 3 for the idle-timeout session save (savepoint, update, release): 10 whatever n
    with django_assert_max_num_queries(10):
        assert c.get(reverse("activities:index")).status_code == 200


@pytest.mark.parametrize("n", [2, 20])
def test_detail_query_budget_is_constant(login, chair, activity, sub_a, django_assert_max_num_queries, n):
    for _ in range(n):
        RegistrationFactory(activity=activity, member=MemberFactory(organization=sub_a))
    c = login(chair)
    # session, user, roles, member, activity, counts, my regs, registration list, teams, matches, awards,
    # photos, the import provenance note, plus 3 for the session save: 16 at most whatever the number of
    # registrations
    with django_assert_max_num_queries(16):
        assert c.get(reverse("activities:detail", args=[activity.pk])).status_code == 200
