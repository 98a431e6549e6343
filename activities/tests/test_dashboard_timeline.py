"""The chair's dashboard card (30-year plaque, upcoming) and the member page timeline."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone

from activities import dashboard, timeline
from members.models import Member
from members.tests.factories import MemberFactory

from .factories import ActivityFactory, AwardFactory, HonorFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _request(user):
    req = RequestFactory().get("/")
    req.user = user
    return req


def test_dashboard_proposes_members_reaching_thirty_years_this_year(chair, sub_a):
    year = timezone.localdate().year
    MemberFactory(organization=sub_a, name="满三十年", hired_on=dt.date(year - 30, 9, 1))
    MemberFactory(organization=sub_a, name="差一年", hired_on=dt.date(year - 29, 9, 1))
    MemberFactory(organization=sub_a, name="已退休者", hired_on=dt.date(year - 30, 9, 1), status="retired")
    html = dashboard.panel(_request(chair))
    assert "满三十年" in html and "差一年" not in html and "已退休者" not in html


def test_dashboard_lists_upcoming_activities_and_my_registrations(member, school):
    act = ActivityFactory(organizer=school, title="羽毛球混合双打")
    RegistrationFactory(activity=act, member=Member.objects.get(user=member))
    html = dashboard.panel(_request(member))
    assert html.count("羽毛球混合双打") == 2 and "教龄满" not in html


def test_member_page_shows_honours_awards_and_activities(login, chair, sub_a, school):
    m = MemberFactory(organization=sub_a)
    HonorFactory(member=m, title="河南省五一劳动奖章")
    AwardFactory(member=m)
    act = ActivityFactory(
        organizer=school, title="教工健步走", status="finished", starts_at=timezone.now() - dt.timedelta(days=3)
    )
    RegistrationFactory(activity=act, member=m, checked_in_at=timezone.now())
    items = timeline.entries(_request(chair), m)
    titles = [i["title"] for i in items]
    assert "荣获“河南省五一劳动奖章”" in titles and any("教工健步走" in t for t in titles)
    body = login(chair).get(f"/members/{m.pk}/").content.decode()
    assert "河南省五一劳动奖章" in body and "省教学技能竞赛" in body
