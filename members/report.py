"""What the member registry gives the annual report: membership figures, their labels and links.

Registered in ``MembersConfig.ready()``; ``reports`` reads it through the registry.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from reports.models import ReportBlock, ReportSection
from reports.providers import PERSONS, Figure, Link, ReportProvider
from reports.sentences import join, listing, sentence

from .models import Member, MemberStatus, Organization


def report_stats(*, organization: Organization, start: dt.date, end: dt.date) -> dict:
    """Membership figures for the annual report over ``organization``'s subtree.

    Returns a dict of counts of persons (人):
    ``staff`` (active staff at ``end``), ``union_members`` (active union members),
    ``women``, ``contract_staff`` (not 在编), ``retirees``, ``joined`` and ``left``
    (union joins/leaves with dates in [start, end]), ``sub_unions`` and ``groups``
    (units in the subtree). Two queries.
    """
    members = Member.objects.within(organization)
    row = members.aggregate(
        staff=Count("pk", filter=Q(status=MemberStatus.ACTIVE)),
        union_members=Count("pk", filter=Q(status=MemberStatus.ACTIVE, is_union_member=True)),
        women=Count("pk", filter=Q(status=MemberStatus.ACTIVE, gender="female")),
        contract_staff=Count("pk", filter=Q(status=MemberStatus.ACTIVE) & ~Q(employment_type="established")),
        retirees=Count("pk", filter=Q(status=MemberStatus.RETIRED)),
        joined=Count("pk", filter=Q(joined_union_on__range=(start, end))),
        left=Count("pk", filter=Q(left_union_on__range=(start, end))),
    )
    units = organization.subtree().aggregate(
        sub_unions=Count("pk", filter=Q(kind=Organization.Kind.SUB_UNION)),
        groups=Count("pk", filter=Q(kind=Organization.Kind.GROUP)),
    )
    return {**row, **units}


# The member list scopes by sub-union (no ``org`` parameter) and lists members as they are now.
def _members(**params: str) -> Link:
    return Link("members:list", params, scope="sub_union")


ACTIVE = _members(status="active")
UNION = _members(status="active", is_union_member="true")

FIGURES = {
    "staff": Figure("在职教职工", PERSONS, ACTIVE),
    "union_members": Figure("在职工会会员", PERSONS, UNION),
    "women": Figure("女教职工", PERSONS, _members(status="active", gender="female")),
    "contract_staff": Figure("编外教职工", PERSONS),
    "retirees": Figure("离退休教职工", PERSONS, _members(status="retired")),
    "joined": Figure("新入会会员", PERSONS),
    "left": Figure("退会会员", PERSONS),
    "sub_unions": Figure("分工会", "个"),
    "groups": Figure("工会小组", "个"),
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


SENTENCES = {"membership": membership_sentence}

PROVIDER = ReportProvider(
    label="members", report_stats=report_stats, figures=FIGURES, default_blocks=DEFAULT_BLOCKS, sentences=SENTENCES
)
