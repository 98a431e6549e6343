"""Congress fixtures on top of the shared role users: a congress, a session, representatives."""

import pytest

from members.models import Role
from members.tests.factories import MemberFactory, RoleAssignmentFactory, UserFactory

from .factories import CategoryFactory, CongressFactory, RepresentativeFactory, SessionFactory


@pytest.fixture
def congress(school):
    return CongressFactory(school=school, number=2)


@pytest.fixture
def session(congress):
    return SessionFactory(congress=congress, number=3)


@pytest.fixture
def category(school):
    return CategoryFactory(school=school, name="后勤保障")


@pytest.fixture
def rep_seat(representative, congress):
    """The ``representative`` user's 正式 seat."""
    return RepresentativeFactory(congress=congress, member=representative.member)


def make_rep_user(username, congress, sub, kind="formal"):
    user = UserFactory(username=username)
    member = MemberFactory(organization=sub, user=user)
    RoleAssignmentFactory(user=user, role=Role.REPRESENTATIVE, organization=congress.school)
    return user, RepresentativeFactory(congress=congress, member=member, kind=kind)


@pytest.fixture
def cosigners(congress, sub_a):
    """Two more 正式 representatives with logins: [(user, seat), (user, seat)]."""
    return [make_rep_user("cosign1", congress, sub_a), make_rep_user("cosign2", congress, sub_a)]


@pytest.fixture
def observer(congress, sub_a):
    return make_rep_user("observer", congress, sub_a, kind="observer")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Role users are created per test; the default PBKDF2 cost would dominate the suite's run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
