"""factory_boy factories for the member registry (shared by every app's tests)."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from members.models import Department, FamilyMember, Member, Organization, Role, RoleAssignment


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = Organization.Kind.SCHOOL
    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Sequence(lambda n: f"测试学校{n}工会")
    parent = None


class SchoolFactory(OrganizationFactory):
    kind = Organization.Kind.SCHOOL


class SubUnionFactory(OrganizationFactory):
    kind = Organization.Kind.SUB_UNION
    name = factory.Sequence(lambda n: f"第{n}分工会")
    parent = factory.SubFactory(SchoolFactory)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"部门{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("Test-pass-2026")


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    organization = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: SURNAMES[n % 20] + GIVEN[(n // 20) % 20] + GIVEN[(n // 400) % 20])
    staff_no = factory.Sequence(lambda n: f"M{n:05d}")
    gender = "female"
    birth_date = dt.date(1985, 3, 7)
    hired_on = dt.date(2008, 9, 1)
    joined_union_on = dt.date(2008, 9, 1)


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyMember

    member = factory.SubFactory(MemberFactory)
    relation = FamilyMember.Relation.SPOUSE
    name = "配偶甲"


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER
    organization = factory.SubFactory(SchoolFactory)
