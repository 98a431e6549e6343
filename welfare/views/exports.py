"""Excel exports and printed sheets of the 送温暖 lists (issue 16), next to the lists they copy.

Each export reads the rows through the same selector and filter as its list page (so the file holds
what the page shows, every page of it), builds the file with ``union_portal.lib.exports`` (control
characters and formulas neutralised there) and writes one ``EXPORT`` audit entry; an export that
carries sensitive records (health-plan claims, hardship cases) also writes the request's
``READ_SENSITIVE`` entry, as the list page does.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from members.access import nodes_for
from members.models import AuditEntry, Role
from union_portal.lib.audit import audit, audit_sensitive_list
from union_portal.lib.exports import attachment, xlsx_response
from union_portal.lib.lists import apply_trace, trace
from union_portal.lib.pdf import html_to_pdf

from .. import selectors
from ..models import DonationDrive, HealthCheckCampaign, MutualAidPlan
from .common import _school_records, _scope, _year
from .distributions import _get_distribution_for_user

WHO = ["工号", "姓名", "分工会"]


def _who(member) -> list[str]:
    """工号, 姓名 and 分工会 (or "") of a member (its organisation and parent selected)."""
    sub = member.sub_union
    return [member.staff_no, member.name, sub.name if sub else ""]


def _stamp() -> str:
    return f"{timezone.localdate():%Y%m%d}"


def _send(request, *, headers, rows, title: str, filename: str, organization, what: str) -> HttpResponse:
    """The .xlsx of ``rows`` under ``headers``, with the ``EXPORT`` audit entry naming ``what``, the count and filter."""
    rows = list(rows)
    response = xlsx_response(headers, rows, title=title, filename=filename)
    audit(request, AuditEntry.Action.EXPORT, organization=organization,
          summary=f"导出{what} {len(rows)} 条（{request.GET.urlencode()[:200]}）")
    return response


@login_required
@require_GET
def distribution_export(request, pk: int):
    """One distribution's 签领 list (the page's ``q`` filter) as .xlsx; audited."""
    dist = _get_distribution_for_user(request.user, pk)
    q = request.GET.get("q", "").strip()[:30]
    rows = ([*_who(r.member), r.member.department.name if r.member.department else "", r.value,
             "已签领" if r.signed else "未签领"] for r in selectors.distribution_recipients(dist, q=q))
    return _send(request, headers=[*WHO, "部门", "价值（元）", "签领"], rows=rows, title="签领名单",
                 filename=f"签领名单-{dist.distributed_on:%Y%m%d}.xlsx", organization=dist.organization,
                 what=f"签领名单“{dist.title}”")


@login_required
@require_GET
def distribution_sheet(request, pk: int):
    """The printable 签领表 of a distribution (PDF, GB/T 9704 layout): every recipient, a signature column."""
    dist = _get_distribution_for_user(request.user, pk)
    recipients = list(selectors.distribution_recipients(dist))
    html = render_to_string("print/distribution_sheet.html", {"dist": dist, "recipients": recipients})
    response = attachment(HttpResponse(html_to_pdf(html), content_type="application/pdf"),
                          f"签领表-{dist.distributed_on:%Y%m%d}.pdf", inline=True)
    audit(request, AuditEntry.Action.EXPORT, dist, organization=dist.organization,
          summary=f"打印签领表“{dist.title}” {len(recipients)} 人")
    return response


@login_required
@require_GET
def donation_export(request):
    """Donations of the drives the list shows (``org``/``start``/``end``; ``drive`` for one drive) as .xlsx."""
    scope = _scope(request.user)
    drives = apply_trace(_school_records(request.user, DonationDrive), trace(request),
                         org_field="organization", date_field="held_on")
    drive = request.GET.get("drive", "")
    if drive.isdigit():
        drives = drives.filter(pk=int(drive))
    rows = ([d.drive.held_on, d.drive.title, d.drive.get_kind_display(), *_who(d.member), d.amount, d.blood_ml]
            for d in selectors.donations_of(drives))
    return _send(request, headers=["日期", "活动", "类别", *WHO, "金额（元）", "献血量（毫升）"], rows=rows,
                 title="捐助名单", filename=f"捐助名单-{_stamp()}.xlsx", organization=scope, what="捐助名单")


@login_required
@require_GET
def enrollment_export(request):
    """互助保障参保名单 of ``year`` (the plans page's year) as .xlsx; audited."""
    scope = _scope(request.user)
    year = _year(request)
    plans = _school_records(request.user, MutualAidPlan)
    rows = ([e.year, e.plan.name, *_who(e.member), e.premium, e.get_paid_by_display()]
            for e in selectors.plan_enrollments(plans, year=year))
    return _send(request, headers=["年度", "计划", *WHO, "费用（元）", "缴费方式"], rows=rows,
                 title=f"{year}年参保名单", filename=f"参保名单-{year}.xlsx", organization=scope,
                 what=f"{year}年互助保障参保名单")


@login_required
@require_GET
def claim_export(request):
    """Claims of ``year`` the user may read (health-plan claims are sensitive: also a sensitive read)."""
    scope = _scope(request.user)
    year = _year(request)
    claims = list(selectors.visible_claims(request.user, year=year))
    audit_sensitive_list(request, count=sum(1 for c in claims if c.plan.is_health),
                         summary=f"导出{year}年理赔记录", organization=scope)
    rows = ([c.claimed_on, c.plan.name, *_who(c.member), c.claimed_amount, c.get_status_display(),
             c.paid_amount, c.paid_on, c.notes] for c in claims)
    return _send(request, headers=["申请日期", "计划", *WHO, "申请金额（元）", "状态", "赔付金额（元）", "赔付日期", "说明"],
                 rows=rows, title=f"{year}年理赔记录", filename=f"理赔记录-{year}.xlsx", organization=scope,
                 what=f"{year}年互助保障理赔记录")


@login_required
@require_GET
def healthcheck_export(request):
    """Participants of the campaigns the list shows (``org``/``start``/``end``) as .xlsx; audited."""
    scope = _scope(request.user)
    campaigns = apply_trace(_school_records(request.user, HealthCheckCampaign), trace(request),
                            org_field="organization", date_field="held_on")
    rows = ([p.campaign.held_on, p.campaign.name, *_who(p.member), p.member.get_gender_display(),
             "是" if p.womens_check else "", "已参检" if p.attended else "未参检"]
            for p in selectors.healthcheck_participants(campaigns))
    return _send(request, headers=["体检日期", "体检", *WHO, "性别", "女职工专项", "参检"], rows=rows,
                 title="体检名单", filename=f"体检名单-{_stamp()}.xlsx", organization=scope, what="体检名单")


def _hardship_rows_for_chair(request):
    """(scope, trace, readable cases of the hardship list) for a chair; ``PermissionDenied`` for anyone else."""
    scope = _scope(request.user)
    if not nodes_for(request.user, Role.CHAIR) and not request.user.is_superuser:
        raise PermissionDenied(_("只有工会主席可以导出困难职工档案。"))
    found = trace(request)
    rows = selectors.hardship_overview(request.user, found)["rows"]
    audit_sensitive_list(request, count=len(rows), summary="导出困难职工名单", organization=scope)
    return scope, found, rows


@login_required
@require_GET
def hardship_export(request):
    """困难职工档案 (chair only; the list's ``org``/``start``/``end``) as .xlsx; a sensitive read and an export."""
    scope, _found, cases = _hardship_rows_for_chair(request)
    rows = ([*_who(c.member), c.opened_on, c.reason, c.get_level_display(), c.get_status_display(), c.closed_on,
             c.aid_n, c.aid_total or 0] for c in cases)
    return _send(request, headers=[*WHO, "建档日期", "致困原因", "困难程度", "状态", "脱困日期", "帮扶次数", "帮扶金额（元）"],
                 rows=rows, title="困难职工档案", filename=f"困难职工档案-{_stamp()}.xlsx", organization=scope,
                 what="困难职工档案")


@login_required
@require_GET
def hardship_aid_export(request):
    """帮扶 payments on the readable cases (chair only; the traced period) as .xlsx; sensitive read and export."""
    scope, found, cases = _hardship_rows_for_chair(request)
    rows = ([a.paid_on, *_who(a.case.member), a.amount, a.get_funding_source_display(), a.notes]
            for a in selectors.hardship_aids(cases, found))
    return _send(request, headers=["发放日期", *WHO, "帮扶金（元）", "经费来源", "备注"], rows=rows,
                 title="帮扶记录", filename=f"帮扶记录-{_stamp()}.xlsx", organization=scope, what="困难职工帮扶记录")


@login_required
@require_GET
def pending_export(request):
    """Every open pending visit of the manager's scope (the dashboard's list, unabridged) as .xlsx."""
    scope = _scope(request.user)
    rows = ([p.due_on, "逾期" if p.is_overdue else "", *_who(p.member), p.get_event_display(), p.occasion.name,
             str(p.family_member) if p.family_member else "", p.event_date, p.notes]
            for p in selectors.pending_open(request.user, today=timezone.localdate()))
    return _send(request, headers=["应慰问日期", "逾期", *WHO, "事件", "事由", "涉及亲属", "事件日期", "情况说明"],
                 rows=rows, title="待慰问", filename=f"待慰问-{_stamp()}.xlsx", organization=scope, what="待慰问名单")
