import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from members.models import AuditEntry
from members.tests.factories import MemberFactory
from welfare.models import PendingVisit, WelfareVisit
from welfare.tests.factories import PendingVisitFactory, WelfareVisitFactory, occasion

pytestmark = pytest.mark.django_db
URL = reverse("welfare:visit_create")


def _post(client, **extra):
    data = {
        "member_ref": "",
        "occasion": occasion("hospitalisation").pk,
        "visited_on": dt.date.today().isoformat(),
        "cash_amount": "500",
        "gift_description": "水果篮",
        "gift_value": "100",
        "funding_source": "union_funds",
        "visitors_text": "",
        "notes": "",
    }
    data.update(extra)
    return client.post(URL, data)


def test_anonymous_is_sent_to_login(client):
    assert client.get(URL).status_code == 302


def test_plain_member_may_not_record(login, member):
    assert login(member).get(URL).status_code == 403


def test_outsider_cannot_take_another_schools_pending_item(login, outsider, sub_a):
    pending = PendingVisitFactory(member=MemberFactory(organization=sub_a))
    assert login(outsider).get(URL + f"?pending={pending.pk}").status_code == 404


def test_form_is_prefilled_from_a_pending_item(login, chair, sub_a):
    m = MemberFactory(organization=sub_a, name="赵住院", staff_no="Z001")
    pending = PendingVisitFactory(member=m)
    page = login(chair).get(URL + f"?pending={pending.pk}").content.decode()
    assert 'value="Z001 赵住院"' in page and "待慰问：赵住院" in page


def test_invalid_input_keeps_what_was_typed(login, chair, sub_a):
    MemberFactory(organization=sub_a, name="钱二", staff_no="Q002")
    r = _post(login(chair), member_ref="Q002", cash_amount="-5", gift_description="一篮苹果", notes="我的备注")
    html = r.content.decode()
    assert r.status_code == 400 and "金额不能为负数" in html
    assert "一篮苹果" in html and "我的备注" in html and 'value="Q002"' in html
    assert not WelfareVisit.objects.exists()


def test_unknown_member_and_visitor_are_reported(login, chair, sub_a):
    r = _post(login(chair), member_ref="不存在", visitors_text="查无此人")
    html = r.content.decode()
    assert "没有找到“不存在”" in html and "找不到这些慰问人：查无此人" in html


def test_valid_visit_from_pending_closes_it(login, chair, sub_a):
    m = MemberFactory(organization=sub_a, staff_no="S1")
    pending = PendingVisitFactory(member=m)
    r = _post(login(chair), member_ref="S1", pending=pending.pk, visitors_text="chair本人")
    assert r.status_code == 302
    visit = WelfareVisit.objects.get()
    assert (
        visit.cash_amount == Decimal("500")
        and visit.recorded_by == chair
        and [v.name for v in visit.visitors.all()] == ["chair本人"]
    )
    pending.refresh_from_db()
    assert pending.status == PendingVisit.Status.DONE


def test_over_cap_visit_is_saved_with_a_warning(login, chair, sub_a):
    MemberFactory(organization=sub_a, staff_no="S9")
    r = login(chair).post(
        URL,
        {
            "member_ref": "S9",
            "occasion": occasion("marriage").pk,
            "visited_on": dt.date.today().isoformat(),
            "cash_amount": "800",
            "funding_source": "union_funds",
        },
        follow=True,
    )
    assert WelfareVisit.objects.count() == 1 and "超过" in r.content.decode()


def test_sub_union_chair_cannot_record_outside_their_sub_union(login, sub_union_chair, sub_b):
    MemberFactory(organization=sub_b, staff_no="B1")
    r = _post(login(sub_union_chair), member_ref="B1")
    assert r.status_code == 400 and not WelfareVisit.objects.exists()


def test_life_event_creates_a_pending_item_on_the_dashboard(login, chair, sub_a):
    MemberFactory(organization=sub_a, staff_no="E1", name="孙产假")
    client = login(chair)
    r = client.post(
        reverse("welfare:event_create"),
        {"member_ref": "E1", "event": "birth", "event_date": dt.date.today().isoformat()},
    )
    assert r.status_code == 302 and PendingVisit.objects.get().due_on == dt.date.today() + dt.timedelta(days=7)
    assert "孙产假" in client.get(reverse("home")).content.decode()


def test_life_event_rejects_get(login, chair):
    assert login(chair).get(reverse("welfare:event_create")).status_code == 405


def test_dashboard_panel_highlights_overdue_and_lists_birthdays(login, chair, sub_a, django_assert_max_num_queries):
    today = dt.date.today()
    PendingVisitFactory(member=MemberFactory(organization=sub_a, name="周逾期"))
    MemberFactory(organization=sub_a, name="吴生日", birth_date=today.replace(year=1985, day=1))
    client = login(chair)
    client.get(reverse("home"))
    # Budget: session, user, roles, member (home), counts (2), pending (2), birthdays (1-2), retirements (1),
    # year totals (1), other apps' panels; constant in the data size.
    with django_assert_max_num_queries(25):
        html = client.get(reverse("home")).content.decode()
    assert "周逾期" in html and "已逾期" in html and "吴生日" in html


def test_member_page_timeline_shows_visits_to_managers_only(login, chair, sub_a, representative):
    m = MemberFactory(organization=sub_a)
    WelfareVisitFactory(member=m, gift_description="喜糖")
    assert "慰问：结婚" in login(chair).get(reverse("members:detail", args=[m.pk])).content.decode()


def test_pending_cancel(login, chair, sub_a):
    p = PendingVisitFactory(member=MemberFactory(organization=sub_a))
    assert login(chair).post(reverse("welfare:pending_cancel", args=[p.pk])).status_code == 302
    p.refresh_from_db()
    assert p.status == "cancelled"
    _ = AuditEntry
