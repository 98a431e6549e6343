"""The demo school: a deterministic, realistic union modelled on ``shared/seeds``.

One school union with 16 sub-unions (15 by department or grade, plus 离退休),
two groups each, 14 departments and about 340 staff per unit of ``scale``:
established and contract staff, retirees, a few who left or died, family
members, and one login per role. ``--district`` adds a district union above
several such schools. Every value comes from ``random.Random(seed)`` and the
anchor date ``today``, so two runs with the same ``today`` and seed build the
same data. Rows are written with ``bulk_create``.

The records run over the last five years up to ``today`` (from 1 January of
``today.year - 5``): every full calendar year and every school year
(1 September – 31 August) in that span has a full year of records, so the
report a new user builds first (the last full year, or the last school year)
has figures and a year-on-year comparison. Retirements, joins and leaves are
spread over those years.

The other apps' builders live beside this module (``scripts/demo/<app>.py``), each with a function
``load(ctx: DemoContext) -> None``, called once per school in the order of ``APP_LOADERS``. Production
code never imports this package; ``manage.py load_demo`` and the tests do.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from importlib import import_module

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from members.idcard import id_check_char
from members.models import (
    Department,
    EmploymentType,
    FamilyMember,
    Gender,
    Member,
    MemberStatus,
    Organization,
    Role,
    RoleAssignment,
)
from members.pinyin import pinyin_fields

APP_LOADERS = ("welfare", "congress", "activities", "reports")

DEMO_PASSWORD = "Demo2026!union"  # noqa: S105 (printed demo login, documented)
YEARS_BACK = 5  # records run from 1 January of today.year - YEARS_BACK up to today
DISTRICT_CODE = "BJQ"
SCHOOL_NAMES = [
    "滨江实验中学",
    "滨江第二中学",
    "滨江外国语学校",
    "滨江第一小学",
    "滨江职业高级中学",
    "滨江第三中学",
    "滨江实验小学",
    "滨江育才学校",
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅晓东文斌海燕雪萍丹辉鹏飞宇浩"
    "佳怡欣悦子涵梓轩雨桐思远嘉琪晨曦俊杰婷婷慧敏立新永刚春燕秋菊冬梅振华卫东国庆"
)

SUB_UNIONS = [
    ("语文组分工会", "高中部", True),
    ("数学组分工会", "高中部", True),
    ("英语组分工会", "高中部", True),
    ("理化生分工会", "高中部", True),
    ("政史地分工会", "高中部", True),
    ("高一年级分工会", "高中部", True),
    ("高二年级分工会", "高中部", True),
    ("高三年级分工会", "高中部", True),
    ("初一年级分工会", "初中部", True),
    ("初二年级分工会", "初中部", True),
    ("初三年级分工会", "初中部", True),
    ("体育艺术分工会", "体育艺术中心", True),
    ("信息技术分工会", "信息中心", True),
    ("行政分工会", "校长办公室", False),
    ("后勤分工会", "总务处", False),
    ("离退休分工会", "", False),
]
DEPARTMENTS = [
    "校长办公室",
    "党委办公室",
    "教务处",
    "德育处",
    "教科室",
    "总务处",
    "人事处",
    "财务处",
    "信息中心",
    "图书馆",
    "校医室",
    "高中部",
    "初中部",
    "体育艺术中心",
]
ADMIN_DEPTS = ["校长办公室", "党委办公室", "教务处", "德育处", "教科室", "人事处", "财务处", "图书馆", "校医室"]
TITLES_TEACHER = ["正高级教师", "高级教师", "高级教师", "一级教师", "一级教师", "一级教师", "二级教师", "二级教师"]
TITLES_STAFF = ["", "助理会计师", "会计师", "馆员", "主管护师", "工程师", "助理工程师", ""]

# username → (role, where: "school" | "sub_union" | "group", department name or None, display name)
DEMO_LOGINS = [
    ("chair", Role.CHAIR, "school", None, "工会主席"),
    ("committee", Role.COMMITTEE, "school", None, "工会委员"),
    ("subchair", Role.SUB_UNION_CHAIR, "sub_union", None, "分工会主席"),
    ("proposals", Role.PROPOSAL_COMMITTEE, "school", None, "提案工作委员会"),
    ("handler", Role.HANDLER, "school", "总务处", "承办部门负责人"),
    ("rep", Role.REPRESENTATIVE, "school", None, "教代会代表"),
    ("member", Role.MEMBER, "group", None, "会员"),
]


@dataclass
class DemoContext:
    """What an app's ``demo.load(ctx)`` receives for one school.

    ``members`` holds every staff member of the school (saved, with pks) in
    工号 order; ``users`` maps demo usernames to users (first school only, plus
    ``"district"`` with ``--district``); ``today`` is the anchor date (records
    run up to it; pending items and open windows are relative to it);
    ``first_year`` is the first calendar year with records (``today.year - 5``);
    ``year`` is the last full calendar year (``today.year - 1``), the year of
    the draft report.
    """

    school: Organization
    rng: random.Random
    scale: int
    year: int
    today: dt.date
    index: int
    first_year: int = 0
    members: list[Member] = field(default_factory=list)
    users: dict = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    sub_unions: list[Organization] = field(default_factory=list)
    groups: list[Organization] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        """Calendar years with records, oldest first (the last one is partial, up to ``today``)."""
        return list(range(self.first_year, self.today.year + 1))

    @property
    def active_members(self) -> list[Member]:
        return [m for m in self.members if m.status == MemberStatus.ACTIVE]

    @property
    def retirees(self) -> list[Member]:
        return [m for m in self.members if m.status == MemberStatus.RETIRED]

    def staff_on(self, day: dt.date, members: list[Member] | None = None) -> list[Member]:
        """Those of ``members`` (default: all) on the staff on ``day``: hired by then, and active
        today or retired, left or died after it."""
        return [
            m
            for m in (self.members if members is None else members)
            if (m.hired_on is None or m.hired_on <= day)
            and (m.status == MemberStatus.ACTIVE or (m.status_changed_on is not None and m.status_changed_on > day))
        ]

    def retirees_on(self, day: dt.date) -> list[Member]:
        """Members retired on or before ``day`` (and still with us today)."""
        return [m for m in self.retirees if m.status_changed_on is None or m.status_changed_on <= day]


def _name(rng: random.Random, used: set[str]) -> str:
    for _ in range(50):
        given = rng.choice(GIVEN_CHARS) + (rng.choice(GIVEN_CHARS) if rng.random() < 0.75 else "")
        name = rng.choice(SURNAMES) + given
        if name not in used:
            used.add(name)
            return name
    return name


def _id_number(rng: random.Random, birth: dt.date, gender: str) -> str:
    seq = rng.randrange(0, 99) * 10 + (
        rng.choice([1, 3, 5, 7, 9]) if gender == Gender.MALE else rng.choice([0, 2, 4, 6, 8])
    )
    first17 = f"330108{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max((end - start).days, 1)))


def _shift(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def build_school(
    *, index: int, scale: int, parent: Organization | None, seed: int = 2021, today: dt.date | None = None
) -> DemoContext:
    """Create one demo school with its tree, departments and staff; return its context.

    ``today`` (default: the local date) anchors the data: ages, service years, joins,
    retirements and leaves are placed relative to it.
    """
    today = today or timezone.localdate()
    rng = random.Random(seed * 1000 + index)
    code = f"S{index + 1:02d}"
    name = SCHOOL_NAMES[index % len(SCHOOL_NAMES)] + (
        f"（{index // len(SCHOOL_NAMES) + 1}）" if index >= len(SCHOOL_NAMES) else ""
    )
    school = Organization.objects.create(kind=Organization.Kind.SCHOOL, code=code, name=f"{name}工会", parent=parent)
    ctx = DemoContext(
        school=school,
        rng=rng,
        scale=scale,
        year=today.year - 1,
        today=today,
        index=index,
        first_year=today.year - YEARS_BACK,
    )
    # The staff's ages are those of the 2021 demo school, moved to the last full year.
    shift = ctx.year - 2021

    Department.objects.bulk_create(
        [Department(school=school, name=d, code=f"{code}-D{i:02d}", sort_order=i) for i, d in enumerate(DEPARTMENTS)]
    )
    ctx.departments = {d.name: d for d in Department.objects.filter(school=school)}

    subs = [
        Organization(kind=Organization.Kind.SUB_UNION, code=f"{code}-{i + 1:02d}", name=n, parent=school, sort_order=i)
        for i, (n, _d, _t) in enumerate(SUB_UNIONS)
    ]
    for s in subs:
        s.path = s.build_path()
    Organization.objects.bulk_create(subs)
    ctx.sub_unions = list(Organization.objects.filter(parent=school).order_by("sort_order"))
    groups = []
    for s in ctx.sub_unions:
        for g in (1, 2):
            node = Organization(
                kind=Organization.Kind.GROUP,
                code=f"{s.code}-G{g}",
                name=f"第{'一二'[g - 1]}小组",
                parent=s,
                sort_order=g,
            )
            node.path = node.build_path()
            groups.append(node)
    Organization.objects.bulk_create(groups)
    ctx.groups = list(Organization.objects.filter(parent__parent=school).select_related("parent").order_by("path"))
    groups_by_sub: dict[int, list[Organization]] = {}
    for g in ctx.groups:
        groups_by_sub.setdefault(g.parent_id, []).append(g)

    used: set[str] = set()
    members: list[Member] = []
    total = 340 * scale
    n_retired = 45 * scale
    n_left = 5 * scale
    n_deceased = 2 * scale
    n_active = total - n_retired - n_left - n_deceased
    ref = today
    span = (dt.date(ctx.first_year, 1, 1), today - dt.timedelta(days=1))
    for i in range(total):
        gender = Gender.FEMALE if rng.random() < 0.62 else Gender.MALE
        if i < n_active:
            status = MemberStatus.ACTIVE
            sub_index = i % 15
            birth = _date_between(
                rng,
                dt.date(1964 + shift, 1, 1) if gender == Gender.MALE else dt.date(1968 + shift, 6, 1),
                dt.date(1998 + shift, 12, 31),
            )
        elif i < n_active + n_retired:
            status = MemberStatus.RETIRED
            sub_index = 15
            birth = _date_between(
                rng,
                dt.date(1940 + shift, 1, 1),
                dt.date(1961 + shift, 6, 30) if gender == Gender.MALE else dt.date(1966 + shift, 6, 30),
            )
        elif i < n_active + n_retired + n_left:
            status = MemberStatus.LEFT
            sub_index = i % 15
            birth = _date_between(rng, dt.date(1970 + shift, 1, 1), dt.date(1995 + shift, 1, 1))
        else:
            status = MemberStatus.DECEASED
            sub_index = 15
            birth = _date_between(rng, dt.date(1935 + shift, 1, 1), dt.date(1955 + shift, 1, 1))
        if status == MemberStatus.RETIRED and i - n_active < 12 * scale:
            # two retirements a year (× scale) in every year with records, none after today
            year = ctx.first_year + (i - n_active) % (YEARS_BACK + 1)
            retires = _date_between(rng, dt.date(year, 1, 1), min(dt.date(year, 12, 31), ref - dt.timedelta(days=1)))
            birth = _shift(retires, -(60 if gender == Gender.MALE else 55)).replace(day=1)
        sub_name, dept_hint, teaching = SUB_UNIONS[sub_index]
        sub = ctx.sub_unions[sub_index]
        org = rng.choice(groups_by_sub[sub.pk])
        if dept_hint == "校长办公室":
            dept = ctx.departments[rng.choice(ADMIN_DEPTS)]
        elif dept_hint:
            dept = ctx.departments[dept_hint]
        else:
            dept = ctx.departments[rng.choice(["高中部", "初中部", "总务处", "教务处"])]
        roll = rng.random()
        if status == MemberStatus.ACTIVE and roll < 0.16:
            employment = rng.choice(
                [EmploymentType.CONTRACT] * 5
                + [EmploymentType.AGENCY] * 2
                + [EmploymentType.DISPATCHED, EmploymentType.TEMPORARY]
            )
        else:
            employment = EmploymentType.ESTABLISHED
        hired = _date_between(rng, _shift(birth, 22).replace(day=1), min(_shift(birth, 30).replace(day=1), ref))
        hired = (
            hired.replace(month=9, day=1)
            if teaching and rng.random() < 0.7 and hired.replace(month=9, day=1) < ref
            else hired
        )
        if i < 3 * scale:  # a few colleagues reach 30 years of service in the last full year
            hired = dt.date(ctx.year - 30, 9, 1)
            birth = _shift(birth, ctx.year - 53 - birth.year).replace(day=1)
        is_member = employment == EmploymentType.ESTABLISHED or rng.random() < 0.7
        staff_no = f"{code}{i + 1:05d}"
        name = _name(rng, used)
        pinyin, initials = pinyin_fields(name)
        retired_on = None
        if status == MemberStatus.RETIRED:
            retired_on = _shift(birth, 60 if gender == Gender.MALE else 55).replace(day=1)
        elif status in (MemberStatus.LEFT, MemberStatus.DECEASED):
            retired_on = _date_between(rng, *span)
        members.append(
            Member(
                school=school,
                organization=org,
                department=dept,
                name=name,
                name_pinyin=pinyin,
                name_initials=initials,
                staff_no=staff_no,
                gender=gender,
                birth_date=birth,
                id_number=_id_number(rng, birth, gender) if rng.random() < 0.8 else "",
                phone=f"13{rng.randrange(100000000, 999999999)}",
                title=rng.choice(TITLES_TEACHER if teaching else TITLES_STAFF),
                is_teacher=teaching,
                hired_on=hired,
                employment_type=employment,
                is_union_member=is_member,
                joined_union_on=hired if is_member else None,
                status=status,
                status_changed_on=retired_on,
                bank_account=f"6222{rng.randrange(10**11, 10**12)}" if rng.random() < 0.5 else "",
            )
        )
    # New colleagues joined (and joined the union) in every year with records, two a year (× scale);
    # those who left the union did so on the day they left.
    newcomers = members[n_active - 12 * scale : n_active]
    for k, m in enumerate(newcomers):
        year = ctx.first_year + k % (YEARS_BACK + 1)
        m.hired_on = _date_between(rng, dt.date(year, 1, 1), min(dt.date(year, 12, 31), today))
        if m.is_teacher and m.hired_on.replace(month=9, day=1) < today and rng.random() < 0.6:
            m.hired_on = m.hired_on.replace(month=9, day=1)
        m.joined_union_on = m.hired_on if m.is_union_member else None
    for m in members[n_active + n_retired : n_active + n_retired + n_left]:
        m.left_union_on = m.status_changed_on if m.is_union_member else None
    Member.objects.bulk_create(members, batch_size=1000)
    ctx.members = list(Member.objects.filter(school=school).select_related("organization").order_by("staff_no"))

    family = []
    for m in ctx.members:
        if rng.random() < 0.65:
            if m.birth_date and m.birth_date.year < 1994 + shift:
                family.append(
                    FamilyMember(
                        member=m,
                        relation=FamilyMember.Relation.SPOUSE,
                        name=_name(rng, used),
                        gender=Gender.MALE if m.gender == Gender.FEMALE else Gender.FEMALE,
                        birth_date=m.birth_date + dt.timedelta(days=rng.randrange(-900, 900)),
                    )
                )
            if m.status == MemberStatus.ACTIVE and m.birth_date and m.birth_date.year < 1992 + shift:
                child_birth = _date_between(
                    rng,
                    m.birth_date.replace(year=m.birth_date.year + 25, day=1),
                    min(ref, m.birth_date.replace(year=m.birth_date.year + 36, day=1)),
                )
                family.append(
                    FamilyMember(
                        member=m,
                        relation=FamilyMember.Relation.CHILD,
                        name=m.name[0] + _name(rng, used)[1:],
                        gender=rng.choice([Gender.MALE, Gender.FEMALE]),
                        birth_date=child_birth,
                    )
                )
            if m.status == MemberStatus.ACTIVE and rng.random() < 0.5:
                relation = rng.choice([FamilyMember.Relation.FATHER, FamilyMember.Relation.MOTHER])
                family.append(
                    FamilyMember(
                        member=m,
                        relation=relation,
                        name=(m.name[0] if relation == FamilyMember.Relation.FATHER else rng.choice(SURNAMES))
                        + _name(rng, used)[1:],
                        gender=Gender.MALE if relation == FamilyMember.Relation.FATHER else Gender.FEMALE,
                        birth_date=m.birth_date.replace(year=m.birth_date.year - 27, day=1) if m.birth_date else None,
                    )
                )
    FamilyMember.objects.bulk_create(family, batch_size=2000)
    return ctx


def create_logins(ctx: DemoContext) -> dict:
    """One login per role in ``ctx.school`` (``DEMO_LOGINS``), linked to active union members."""
    User = get_user_model()
    active = [m for m in ctx.active_members if m.is_union_member and m.employment_type == EmploymentType.ESTABLISHED]
    sub = ctx.sub_unions[0]
    group = next(g for g in ctx.groups if g.parent_id == sub.pk)
    users = {}
    chosen: set[int] = set()
    for username, role, where, dept_name, _label in DEMO_LOGINS:
        if where == "sub_union":
            candidates = [m for m in active if m.organization.parent_id == sub.pk]
            node = sub
        elif where == "group":
            candidates = [m for m in active if m.organization_id == group.pk]
            node = group
        else:
            candidates = [m for m in active if not dept_name or m.department_id == ctx.departments[dept_name].pk]
            node = ctx.school
        member = next(m for m in candidates if m.pk not in chosen)
        chosen.add(member.pk)
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD, first_name=member.name)
        member.user = user
        member.save(update_fields=["user"])
        RoleAssignment.objects.create(
            user=user, role=role, organization=node, department=ctx.departments[dept_name] if dept_name else None
        )
        if role != Role.MEMBER:
            RoleAssignment.objects.create(user=user, role=Role.MEMBER, organization=member.organization)
        users[username] = user
    return users


def run_app_loaders(ctx: DemoContext) -> list[str]:
    """Call ``scripts.demo.<app>.load(ctx)`` for every app in ``APP_LOADERS``; return their names."""
    for app in APP_LOADERS:
        import_module(f"scripts.demo.{app}").load(ctx)
    return list(APP_LOADERS)


@transaction.atomic
def load_demo(
    *, scale: int = 1, district: bool = False, schools: int = 3, seed: int = 2021, today: dt.date | None = None
) -> list[DemoContext]:
    """Build the demo data and return one context per school.

    ``today`` (default ``timezone.localdate()``) anchors the records: they run
    over the five years before it, with the current congress term containing it
    and the next session's proposal window open on it. The same ``today`` and
    ``seed`` give the same data.

    Without ``district``: one school union. With it: a district union
    (``BJQ``) above ``schools`` schools, each of ``340 × scale`` staff, and a
    ``district`` login with the chair role at the district node.
    Raises ``ValueError`` when the demo data already exists.
    """
    if Organization.objects.filter(code__in=["S01", DISTRICT_CODE]).exists():
        raise ValueError("演示数据已存在。如需重建，请加 --flush。")
    parent = None
    if district:
        parent = Organization.objects.create(kind=Organization.Kind.DISTRICT, code=DISTRICT_CODE, name="滨江区教育工会")
    contexts = []
    for index in range(schools if district else 1):
        ctx = build_school(index=index, scale=scale, parent=parent, seed=seed, today=today)
        if index == 0:
            ctx.users = create_logins(ctx)
            User = get_user_model()
            admin = User.objects.create_superuser(username="admin", password=DEMO_PASSWORD, email="admin@localhost")
            ctx.users["admin"] = admin
            if district:
                du = User.objects.create_user(username="district", password=DEMO_PASSWORD, first_name="区教育工会")
                RoleAssignment.objects.create(user=du, role=Role.CHAIR, organization=parent)
                ctx.users["district"] = du
        run_app_loaders(ctx)
        contexts.append(ctx)
    return contexts
