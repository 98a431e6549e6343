"""Excel exports and the printed 签到表 of the 文体活动 lists (issue 16).

Each export reads its rows through the same selector and filters as the list page, builds the file
with ``union_portal.lib.exports`` and writes one ``EXPORT`` audit entry.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from members.models import AuditEntry
from union_portal.lib.audit import audit
from union_portal.lib.exports import attachment, xlsx_response
from union_portal.lib.pdf import html_to_pdf

from .. import selectors
from ..models import Award, Honor
from .common import require_any_manager
from .records import record_rows


def _sub_union(member) -> str:
    sub = member.sub_union if member is not None else None
    return sub.name if sub else ""


def _send(request, *, headers, rows, title: str, filename: str, organization, what: str, obj=None) -> HttpResponse:
    """The .xlsx of ``rows`` under ``headers`` and its ``EXPORT`` audit entry (``what``, count, filter)."""
    rows = list(rows)
    response = xlsx_response(headers, rows, title=title, filename=filename)
    audit(request, AuditEntry.Action.EXPORT, obj, organization=organization,
          summary=f"导出{what} {len(rows)} 条（{request.GET.urlencode()[:200]}）")
    return response


def _managed_activity(request, pk: int):
    """The activity (scoped, 404 otherwise) when the user manages it; ``PermissionDenied`` when they only see it."""
    activity = selectors.get_activity_for_user(request.user, pk)
    if not selectors.can_manage_activity(request.user, activity):
        raise PermissionDenied(_("只有活动管理人员可以导出报名名单。"))
    return activity


@login_required
@require_GET
def registration_export(request, pk: int):
    """报名名单 of an activity (the managers' list on its page) as .xlsx; audited."""
    activity = _managed_activity(request, pk)
    rows = (
        [r.member.staff_no, r.member.name, _sub_union(r.member), r.family_member.name if r.family_member_id else "",
         r.get_status_display(), timezone.localtime(r.registered_at).replace(tzinfo=None),
         timezone.localtime(r.checked_in_at).replace(tzinfo=None) if r.checked_in_at else None]
        for r in selectors.activity_registrations(activity)
    )
    return _send(request, headers=["工号", "姓名", "分工会", "家属", "状态", "报名时间", "签到时间"], rows=rows,
                 title="报名名单", filename=f"报名名单-{timezone.localtime(activity.starts_at):%Y%m%d}.xlsx",
                 organization=activity.organizer, what=f"报名名单“{activity.title}”", obj=activity)


@login_required
@require_GET
def sign_in_sheet(request, pk: int):
    """The printable 签到表 of an activity (PDF, GB/T 9704): registered people, sub-union, a signature column."""
    activity = _managed_activity(request, pk)
    regs = list(selectors.activity_registrations(activity, registered_only=True))
    html = render_to_string("print/sign_in_sheet.html", {"activity": activity, "regs": regs})
    response = attachment(HttpResponse(html_to_pdf(html), content_type="application/pdf"),
                          f"签到表-{timezone.localtime(activity.starts_at):%Y%m%d}.pdf", inline=True)
    audit(request, AuditEntry.Action.EXPORT, activity, organization=activity.organizer,
          summary=f"打印签到表“{activity.title}” {len(regs)} 人")
    return response


@login_required
@require_GET
def honor_export(request):
    """荣誉 of the user's subtree with the list's filters (``year``, ``level``, ``kind``, trace) as .xlsx."""
    nodes = require_any_manager(request.user)
    qs = record_rows(request, model=Honor, related=["member__organization__parent", "organization"])
    rows = ([h.awarded_on, h.get_kind_display(), h.title, h.member.name if h.member else "", h.member.staff_no if
             h.member else "", h.organization.name, h.get_level_display(), h.grantor, h.note]
            for h in qs.order_by("-awarded_on", "id"))
    return _send(request, headers=["授予日期", "类别", "荣誉称号", "获得者", "工号", "获得单位", "级别", "授予单位", "备注"],
                 rows=rows, title="荣誉", filename=f"荣誉-{timezone.localdate():%Y%m%d}.xlsx",
                 organization=nodes[0], what="荣誉名单")


@login_required
@require_GET
def award_export(request):
    """获奖 of the user's subtree with the list's filters (``year``, ``level``, ``kind``, trace) as .xlsx."""
    nodes = require_any_manager(request.user)
    qs = record_rows(request, model=Award, related=["member__organization__parent", "team", "organization",
                                                    "activity"])
    rows = ([a.awarded_on, a.competition, a.get_kind_display(),
             a.member.name if a.member else (a.team.name if a.team else a.team_name),
             a.member.staff_no if a.member else "", a.organization.name, a.get_prize_display(), a.prize_detail,
             a.get_level_display(), a.grantor] for a in qs.order_by("-awarded_on", "id"))
    return _send(request, headers=["获奖日期", "比赛名称", "个人/团体", "获奖人/队", "工号", "所属单位", "奖项",
                                   "奖项说明", "级别", "授予单位"],
                 rows=rows, title="获奖", filename=f"获奖-{timezone.localdate():%Y%m%d}.xlsx",
                 organization=nodes[0], what="获奖名单")
