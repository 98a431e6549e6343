"""What the member registry gives the annual report: membership figures, their labels and links.

Registered in ``MembersConfig.ready()``; ``reports`` reads it through the registry.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import (
    CharField,
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, NullIf

from reports.models import ReportBlock, ReportSection
from reports.providers import (
    PERSON_TIMES,
    PERSONS,
    YUAN,
    Column,
    Figure,
    Link,
    ReportProvider,
    Table,
    coverage_figures,
    period_months,
)
from reports.sentences import join, listing, sentence

from .models import Member, MemberStatus, Organization


def person_key():
    """SQL expression naming a person: the 身份证号 when recorded, else the member row.

    A person on two schools' rolls (two ``Member`` rows with one ID number) counts once in a
    district's figures; rows without an ID number count each as a person of their own.
    """
    return Coalesce(NullIf("id_number", Value("")), Concat(Value("#"), Cast("pk", CharField())))


def staff_at(day: dt.date) -> Q:
    """Staff on the roll at the end of ``day``: hired by then, and active then.

    Active then = active now (and, when the status changed after ``day``, it was already active:
    the status only changes away from 在职 in the registry), or no longer active but the change
    came after ``day``. A missing ``hired_on`` counts as hired (old rolls lack it).
    """
    hired = Q(hired_on__isnull=True) | Q(hired_on__lte=day)
    active_then = Q(status=MemberStatus.ACTIVE) | (~Q(status=MemberStatus.ACTIVE) & Q(status_changed_on__gt=day))
    return hired & active_then


def union_member_at(day: dt.date) -> Q:
    """Union membership at the end of ``day``, by ``joined_union_on``/``left_union_on``.

    Joined by then (a missing date counts as joined) and not left by then: a member who has since
    left (``is_union_member`` false, ``left_union_on`` after ``day``) was still one.
    """
    joined = Q(joined_union_on__isnull=True) | Q(joined_union_on__lte=day)
    still = Q(is_union_member=True, left_union_on__isnull=True) | Q(left_union_on__gt=day)
    return joined & still


def retired_at(day: dt.date) -> Q:
    """Retired by ``day`` (status 退休 with the change on or before it; a missing date counts)."""
    return Q(status=MemberStatus.RETIRED) & (Q(status_changed_on__isnull=True) | Q(status_changed_on__lte=day))


def report_stats(*, organization: Organization, start: dt.date, end: dt.date) -> dict:
    """Membership figures for the annual report over ``organization``'s subtree, as of ``end``.

    Every figure is about the period's end (or the changes within it), read from dates, not from
    today's flags: a finished period's figures never move when someone joins, leaves or retires
    later. Persons are counted distinct by :func:`person_key` (one person on two schools' rolls
    counts once in a district). Returns a dict of counts of persons (人):

    - ``staff``: staff on the roll at ``end`` (:func:`staff_at`).
    - ``union_members``: those of them who were union members at ``end`` (:func:`union_member_at`).
    - ``women_members``: women among ``union_members`` (其中女会员).
    - ``women``: women among ``staff`` (女教职工).
    - ``contract_staff``: ``staff`` not 在编.
    - ``retirees``: retired at ``end`` (:func:`retired_at`).
    - ``joined``, ``left``: union joins/leaves dated in [start, end].
    - ``sub_unions``, ``groups``: units in the subtree (个; the tree has no dates: today's units).
    - ``by_school`` (district organisations only, one more query): :func:`by_school_stats`, the
      appendix table "各校主要数据".
    - ``coverage``: ``{"months", "period_months"}``: calendar months of [start, end] the roll
      covers (from the month of the earliest hire among ``staff``; all of them when a hire date
      is missing or before ``start``; 0 without staff), and the calendar months the period touches.

    Two queries.
    """
    members = Member.objects.within(organization)
    staff = staff_at(end)
    union = staff & union_member_at(end)
    key = person_key()
    row = members.aggregate(
        staff=Count(key, filter=staff, distinct=True),
        union_members=Count(key, filter=union, distinct=True),
        women_members=Count(key, filter=union & Q(gender="female"), distinct=True),
        women=Count(key, filter=staff & Q(gender="female"), distinct=True),
        contract_staff=Count(key, filter=staff & ~Q(employment_type="established"), distinct=True),
        retirees=Count(key, filter=retired_at(end), distinct=True),
        joined=Count(key, filter=Q(joined_union_on__range=(start, end)), distinct=True),
        left=Count(key, filter=Q(left_union_on__range=(start, end)), distinct=True),
        earliest_hire=Min("hired_on", filter=staff),
        hire_unknown=Count("pk", filter=staff & Q(hired_on__isnull=True)),
    )
    units = organization.subtree().aggregate(
        sub_unions=Count("pk", filter=Q(kind=Organization.Kind.SUB_UNION)),
        groups=Count("pk", filter=Q(kind=Organization.Kind.GROUP)),
    )
    earliest, unknown = row.pop("earliest_hire"), row.pop("hire_unknown")
    if not row["staff"]:
        months = 0
    elif unknown or earliest <= start:
        months = period_months(start, end)
    else:
        months = period_months(earliest, end)
    coverage = {"months": months, "period_months": period_months(start, end)}
    stats = {**row, **units, "coverage": coverage}
    if organization.kind == Organization.Kind.DISTRICT:
        stats["by_school"] = by_school_stats(organization, start, end)
    return stats


def _count(qs: QuerySet, expr="pk", *, distinct: bool = False) -> Coalesce:
    """A correlated ``COUNT([DISTINCT] expr)`` over ``qs`` (already tied to the outer row by ``OuterRef``)."""
    template = "COUNT(DISTINCT %(expressions)s)" if distinct else "COUNT(%(expressions)s)"
    count = Func(expr, template=template, output_field=IntegerField())
    return Coalesce(Subquery(qs.order_by().annotate(_n=count).values("_n")), 0)


BY_SCHOOL_KEYS = ("union_members", "visits", "visit_total", "proposals_accepted", "activities", "honours")


def by_school_stats(district: Organization, start: dt.date, end: dt.date) -> list[dict]:
    """各校主要数据 of a district's report: one row per school of the district, in tree order. One query.

    ``{"school": name, "union_members": 人 at ``end`` (as ``union_members``), "visits": 走访慰问人次,
    "visit_total": 慰问金额 Decimal 元, "proposals_accepted": 立案提案 项 (sessions held in the period),
    "activities": 组织活动 项 (live, starting in the period, organised in the school's subtree),
    "honours": 荣誉 项}``, each aggregated in SQL by a correlated subquery (the apps' own rules:
    cancelled activities and unaccepted proposals left out). Welfare detail stays at the school
    (a district sees counts only: DOMAIN.md "What a district union sees").
    """
    from activities.models import Activity, Honor
    from congress.models import ACCEPTED_STATUSES, Proposal
    from welfare.models import WelfareVisit

    school = OuterRef("pk")
    visits = WelfareVisit.objects.filter(school=school, visited_on__range=(start, end))
    rows = (
        Organization.objects.filter(kind=Organization.Kind.SCHOOL, path__startswith=district.path)
        .annotate(
            n_union_members=_count(
                Member.objects.filter(staff_at(end) & union_member_at(end), school=school), person_key(), distinct=True
            ),
            n_visits=_count(visits),
            n_visit_total=Coalesce(
                Subquery(visits.order_by().annotate(
                    _s=Func(F("cash_amount") + F("gift_value"), function="SUM")).values("_s")),
                Value(Decimal("0.00")), output_field=DecimalField(max_digits=14, decimal_places=2),
            ),
            n_proposals_accepted=_count(Proposal.objects.filter(
                session__congress__school=school, session__date__range=(start, end), status__in=ACCEPTED_STATUSES
            )),
            n_activities=_count(
                Activity.objects.filter(organizer__path__startswith=OuterRef("path"))
                .in_range(start, end)
                .exclude(status=Activity.Status.CANCELLED)
            ),
            n_honours=_count(Honor.objects.filter(
                organization__path__startswith=OuterRef("path"), awarded_on__range=(start, end)
            )),
        )
        .order_by("path")
        .values("name", *(f"n_{key}" for key in BY_SCHOOL_KEYS))
    )
    return [{"school": r["name"], **{key: r[f"n_{key}"] for key in BY_SCHOOL_KEYS}} for r in rows]


# The member list scopes by sub-union (no ``org`` parameter); ``on=<end>`` makes its status and
# membership filters read the registry as it stood at the period's end (``MemberFilter``), as the
# figures count.
def _members(**params: str) -> Link:
    return Link("members:list", params, scope="sub_union", as_of=True)


ACTIVE = _members(status="active")
UNION = _members(status="active", is_union_member="true")

FIGURES = {
    "staff": Figure("在职教职工", PERSONS, ACTIVE),
    "union_members": Figure("在职工会会员", PERSONS, UNION),
    "women_members": Figure("女会员", PERSONS, _members(status="active", is_union_member="true", gender="female")),
    "women": Figure("女教职工", PERSONS, _members(status="active", gender="female")),
    "contract_staff": Figure("编外教职工", PERSONS),
    "retirees": Figure("离退休教职工", PERSONS, _members(status="retired")),
    "joined": Figure("新入会会员", PERSONS, Link(
        "members:list", scope="sub_union", period=True, period_keys=("joined_after", "joined_before"))),
    "left": Figure("退会会员", PERSONS),
    "sub_unions": Figure("分工会", "个"),
    "groups": Figure("工会小组", "个"),
    **coverage_figures("会员名册"),
}

# Blocks of the default report, by section kind: generated sentences (``SENTENCES``), tables and charts.
B = ReportBlock.Kind
DEFAULT_BLOCKS = {
    ReportSection.Kind.SELF: ((B.SENTENCE, "members.membership"),),
}


def membership_sentence(ctx) -> str:
    """"学校工会现有在职会员279人，其中女会员171人，设分工会15个、工会小组40个；全年新入会12人。"

    A district names its schools ("全区8所学校工会共有在职会员…") when the figures list them;
    "其中女会员" only from ``members.women_members`` (women among members, not among staff).
    """
    members = ""
    if ctx.n("members.union_members"):
        schools = ctx.schools() if ctx.is_district else None
        who = f"全区{schools}所学校工会共有" if schools else f"{ctx.unit}现有"
        members = f"{who}在职会员{{members.union_members}}"
        if ctx.n("members.women_members"):
            members += "，其中女会员{members.women_members:num}人"
    units = listing(ctx, [("分工会", "members.sub_unions"), ("工会小组", "members.groups")])
    first = join(members, f"设{units}" if units else "")
    joined = f"{ctx.words.this}新入会{{members.joined}}" if ctx.n("members.joined") else ""
    return sentence(first, joined, sep="；")


def roll_sentence(ctx) -> str:
    """"学校工会现有在职会员267人，其中女会员162人，下设分工会16个。" (the speech's lighter membership line)."""
    if not ctx.n("members.union_members"):
        return ""
    schools = ctx.schools() if ctx.is_district else None
    who = f"全区{schools}所学校工会共有" if schools else f"{ctx.unit}现有"
    text = f"{who}在职会员{{members.union_members}}"
    if ctx.n("members.women_members"):
        text += "，其中女会员{members.women_members:num}人"
    if ctx.n("members.sub_unions") and not ctx.is_district:
        text += "，下设分工会{members.sub_unions}"
    joined = f"{ctx.words.this}新入会{{members.joined}}" if ctx.n("members.joined") else ""
    return sentence(text, joined, sep="；") + "组织健全、运转规范，为开展各项工作提供了有力的组织保证。"


SENTENCES = {"membership": membership_sentence, "roll": roll_sentence}

TABLES = {
    "by_school": Table("各校主要数据", (
        Column("school", "学校"), Column("union_members", "在职会员", PERSONS), Column("visits", "走访慰问", PERSON_TIMES),
        Column("visit_total", "慰问金额", YUAN), Column("proposals_accepted", "立案提案", "项"),
        Column("activities", "组织活动", "项"), Column("honours", "荣誉", "项"),
    )),
}

PROVIDER = ReportProvider(
    label="members",
    report_stats=report_stats,
    figures=FIGURES,
    tables=TABLES,
    default_blocks=DEFAULT_BLOCKS,
    sentences=SENTENCES,
)
