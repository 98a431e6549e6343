"""Reads for the reports app, and the one scoping rule: who may read or edit a report."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from members.access import has_role, scope_q
from members.models import Organization, Role

from .models import AnnualReport, ReportExport, ReportSection, ReportVersion

EDIT_ROLES = (Role.CHAIR, Role.COMMITTEE)
READ_ROLES = (Role.CHAIR, Role.COMMITTEE, Role.PROPOSAL_COMMITTEE)


def can_edit(user, report: AnnualReport) -> bool:
    """Chair or committee over the report's unit (a sub-union chair for a sub-union's own report)."""
    if has_role(user, *EDIT_ROLES, within=report.organization):
        return True
    return report.organization.kind == Organization.Kind.SUB_UNION and has_role(
        user, Role.SUB_UNION_CHAIR, within=report.organization
    )


def reports_visible_to(user) -> QuerySet[AnnualReport]:
    q = scope_q(user, "organization", *READ_ROLES) | scope_q(user, "organization", Role.SUB_UNION_CHAIR)
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
    from django.db.models import Q

    from members.access import nodes_for

    if getattr(user, "is_superuser", False):
        return Q()
    q = Q(pk__in=[])
    for node in nodes_for(user, *EDIT_ROLES):
        q |= Q(path__startswith=node.path)
    return q
