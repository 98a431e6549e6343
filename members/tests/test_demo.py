import datetime as dt

from django.db.models import Count

from members.models import Member, Organization, RoleAssignment
from scripts.demo.members import load_demo

TODAY = dt.date(2026, 11, 28)  # the demo's anchor date in these tests


def test_demo_school_is_realistic_and_deterministic(db):
    (ctx,) = load_demo(scale=1, today=TODAY)
    school = ctx.school
    assert Organization.objects.filter(parent=school, kind="sub_union").count() == 16
    staff = Member.objects.filter(school=school)
    assert staff.count() == 340
    assert staff.filter(status="retired").count() == 45
    assert staff.exclude(employment_type="established").filter(status="active").exists()
    assert staff.filter(family__isnull=False).distinct().count() > 150
    roles = set(RoleAssignment.objects.values_list("user__username", "role"))
    for username, role in [
        ("chair", "chair"),
        ("subchair", "sub_union_chair"),
        ("handler", "handler"),
        ("proposals", "proposal_committee"),
        ("rep", "representative"),
        ("member", "member"),
    ]:
        assert (username, role) in roles
    first = list(staff.order_by("staff_no").values_list("name", "birth_date", "id_number")[:20])
    by_sub = dict(staff.values_list("organization__parent__name").annotate(n=Count("pk")))
    assert by_sub["离退休分工会"] >= 45
    assert len({name for name, _b, _i in first}) == 20


def test_demo_is_the_same_twice(db):
    from django.db import transaction

    savepoint = transaction.savepoint()
    load_demo(scale=1, today=TODAY)
    first = list(Member.objects.order_by("staff_no").values_list("name", "birth_date", "id_number", "phone"))
    transaction.savepoint_rollback(savepoint)
    assert not Member.objects.exists()
    load_demo(scale=1, today=TODAY)
    second = list(Member.objects.order_by("staff_no").values_list("name", "birth_date", "id_number", "phone"))
    assert first == second


def test_district_adds_a_union_above_schools(db):
    contexts = load_demo(scale=1, district=True, schools=2, today=TODAY)
    district = Organization.objects.get(kind="district")
    assert [c.school.parent_id for c in contexts] == [district.pk, district.pk]
    assert Member.objects.within(district).count() == 680
