"""One scoping mechanism for every role: district, school, sub-union, self."""

import pytest

from members.access import get_member_for_user, members_visible_to, scope_q
from members.models import Member, Organization, Role
from members.tests.factories import MemberFactory, OrganizationFactory, RoleAssignmentFactory, UserFactory


@pytest.fixture
def people(school, sub_a, sub_b, group_a, other_school):
    return {
        "in_group_a": MemberFactory(organization=group_a),
        "in_sub_b": MemberFactory(organization=sub_b),
        "at_school": MemberFactory(organization=school),
        "elsewhere": MemberFactory(organization=other_school),
    }


def visible(user):
    return set(members_visible_to(user).values_list("pk", flat=True))


def test_chair_sees_the_whole_school_and_nothing_beside_it(chair, people):
    seen = visible(chair)
    assert {people["in_group_a"].pk, people["in_sub_b"].pk, people["at_school"].pk} <= seen
    assert people["elsewhere"].pk not in seen


def test_sub_union_chair_sees_own_sub_union_only(sub_union_chair, people):
    seen = visible(sub_union_chair)
    assert people["in_group_a"].pk in seen
    assert people["in_sub_b"].pk not in seen and people["at_school"].pk not in seen


def test_member_sees_only_themself(member, people):
    assert visible(member) == {member.member.pk}


def test_district_chair_sees_every_school_below(school, other_school, people):
    district = OrganizationFactory(kind=Organization.Kind.DISTRICT, code="DIS", name="区教育工会")
    school.parent = district
    school.save()
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.CHAIR, organization=district)
    seen = visible(user)
    assert people["in_group_a"].pk in seen and people["elsewhere"].pk not in seen
    other_school.parent = district
    other_school.save()
    user._portal_roles = None
    assert people["elsewhere"].pk in visible(user)


def test_moving_a_node_rewrites_the_subtree_paths(school, sub_a, group_a, other_school):
    sub_a.parent = other_school
    sub_a.save()
    group_a.refresh_from_db()
    assert group_a.path == "/OTH/SCH-A/SCH-A-G1/"


def test_outsider_gets_404_for_another_schools_member(outsider, people):
    from django.http import Http404

    with pytest.raises(Http404):
        get_member_for_user(outsider, people["in_group_a"].pk)


def test_user_without_roles_matches_nothing(db, people):
    assert not Member.objects.filter(scope_q(UserFactory(), "organization", Role.CHAIR)).exists()
