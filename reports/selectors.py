"""Reads for the reports app, and the one scoping rule: who may read or edit a report."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from members.access import (
    district_scope_q,
    has_role,
    has_school_role,
    is_district,
    nodes_for,
    school_scope_q,
    scope_q,
)
from members.models import Organization, Role

from .models import AnnualReport, ReportExport, ReportSection, ReportVersion

EDIT_ROLES = (Role.CHAIR, Role.COMMITTEE)
READ_ROLES = (Role.CHAIR, Role.COMMITTEE, Role.PROPOSAL_COMMITTEE)


def can_edit(user, report: AnnualReport) -> bool:
    """Chair or committee over the report's unit (a sub-union chair for a sub-union's own report).

    A district role edits only the district's own report, never a school's (the district rule,
    ``members.access``).
    """
    if has_school_role(user, *EDIT_ROLES, within=report.organization):
        return True
    if is_district(report.organization) and has_role(user, *EDIT_ROLES, within=report.organization):
        return True
    return report.organization.kind == Organization.Kind.SUB_UNION and has_role(
        user, Role.SUB_UNION_CHAIR, within=report.organization
    )


def reports_visible_to(user) -> QuerySet[AnnualReport]:
    """Reports the user may read: those of their subtrees; below a district node only finished (定稿) ones."""
    q = (school_scope_q(user, "organization", *READ_ROLES) | scope_q(user, "organization", Role.SUB_UNION_CHAIR)
         | Q(organization__in=[n for n in nodes_for(user, *READ_ROLES) if is_district(n)])
         | (district_scope_q(user, "organization", *READ_ROLES) & Q(status=AnnualReport.Status.FINAL)))
    return AnnualReport.objects.filter(q).select_related("organization", "created_by")


def get_report_for_user(user, pk) -> AnnualReport:
    report = reports_visible_to(user).filter(pk=pk).first()
    if report is None or (
        report.organization.kind != Organization.Kind.SUB_UNION
        and not has_role(user, *READ_ROLES, within=report.organization)
    ):
        raise Http404("没有找到该报告，或您无权查看。")
    return report


def get_section_for_user(user, pk) -> ReportSection:
    section = ReportSection.objects.select_related("report__organization").filter(pk=pk).first()
    if section is None:
        raise Http404("没有找到该部分。")
    get_report_for_user(user, section.report_id)
    return section


def get_version_for_user(user, pk) -> ReportVersion:
    version = ReportVersion.objects.select_related("report__organization", "finalised_by").filter(pk=pk).first()
    if version is None:
        raise Http404("没有找到该版本。")
    get_report_for_user(user, version.report_id)
    return version


def get_export_for_user(user, pk) -> ReportExport:
    export = ReportExport.objects.select_related("report__organization", "version").filter(pk=pk).first()
    if export is None:
        raise Http404("没有找到该文件。")
    get_report_for_user(user, export.report_id)
    return export


def organizations_for_new_report(user) -> QuerySet[Organization]:
    """Units the user may write a report for: district, schools and sub-unions in their subtrees."""
    return Organization.objects.filter(
        _org_q(user),
        kind__in=[Organization.Kind.DISTRICT, Organization.Kind.SCHOOL, Organization.Kind.SUB_UNION],
    ).order_by("path")


def _org_q(user):
    """Units whose report the user may write: their subtrees; at a district node, the district itself."""
    if getattr(user, "is_superuser", False):
        return Q()
    q = Q(pk__in=[])
    for node in nodes_for(user, *EDIT_ROLES):
        q |= Q(pk=node.pk) if is_district(node) else Q(path__startswith=node.path)
    return q
