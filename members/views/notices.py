"""通知公告: the notice board, a notice and its read receipts, publishing and withdrawing.

Everyone signed in sees the live notices addressed to them; the chair and committee publish to the
school, a sub-union or roles, a sub-union chair to their own sub-union. Reads go through
``members.selectors``, writes through ``members.services`` (audited).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from union_portal.lib.audit import audit
from union_portal.lib.lists import paginate

from .. import selectors, services
from ..access import MANAGER_ROLES, SCHOOL_MANAGER_ROLES, has_role, nodes_for, primary_school
from ..forms import NoticeForm
from ..models import AuditEntry, Organization, Role


def _sender_scope(user) -> tuple[Organization | None, bool, object]:
    """(school, school-wide sender?, sub-unions the user may address) for the publish form."""
    school = primary_school(user)
    if school is None or not has_role(user, *MANAGER_ROLES, within=None):
        return None, False, Organization.objects.none()
    school_wide = has_role(user, *SCHOOL_MANAGER_ROLES, within=school)
    subs = Organization.objects.filter(kind=Organization.Kind.SUB_UNION, path__startswith=school.path)
    if not school_wide:
        paths = [n.path for n in nodes_for(user, Role.SUB_UNION_CHAIR)]
        subs = subs.filter(path__in=paths)
    return school, school_wide, subs.order_by("sort_order", "path")


@login_required
@require_GET
def notice_list(request):
    """The notice board: live notices addressed to the user (unread first marked), and for senders the
    notices they manage with their read counts."""
    school, school_wide, subs = _sender_scope(request.user)
    can_publish = school is not None and (school_wide or subs.exists())
    return render(
        request,
        "members/notice_list.html",
        {
            "page": paginate(request, selectors.notices_for(request.user)),
            "managed": list(selectors.notices_managed_by(request.user)[:50]) if can_publish else [],
            "can_publish": can_publish,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request):
    """Publish a notice (chair, committee, or a sub-union chair to their sub-union)."""
    school, school_wide, subs = _sender_scope(request.user)
    if school is None or not (school_wide or subs.exists()):
        raise PermissionDenied(_("只有工会主席、工会委员或分工会主席可以发布通知。"))
    form = NoticeForm(request.POST or None, request.FILES or None, sub_unions=subs, school_wide=school_wide)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.notice_publish(
                acting_user=request.user, school=school, title=data["title"], body=data["body"],
                audience=data["audience"], sub_union=data.get("sub_union"), roles=data.get("roles") or (),
                publish_at=data.get("publish_at"), expires_on=data.get("expires_on"),
                uploads=[data["attachment"]] if data.get("attachment") else [], request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("通知已发布。"))
            return redirect("members:notice_detail", pk=notice.pk)
    return render(request, "members/notice_form.html", {"form": form})


@login_required
@require_GET
def notice_detail(request, pk: int):
    """A notice, its attachments and (for its managers) the read count; a 确认已读 button for readers."""
    notice = selectors.get_notice_for_user(request.user, pk)
    return render(request, "members/notice_detail.html", {"notice": notice, "attachments": notice.attachments.all()})


@login_required
@require_POST
def notice_read(request, pk: int):
    """Confirm reading a notice (回执); it leaves the reader's home page."""
    notice = selectors.get_notice_for_user(request.user, pk)
    services.notice_mark_read(acting_user=request.user, notice=notice, request=request)
    messages.success(request, _("已确认阅读。"))
    return redirect("members:notice_detail", pk=notice.pk)


@login_required
@require_POST
def notice_withdraw(request, pk: int):
    """Withdraw a notice (its sender, the chair or a committee member)."""
    notice = selectors.get_notice_for_user(request.user, pk)
    if not notice.can_manage:
        raise PermissionDenied(_("只有发布人或工会主席、委员可以撤回通知。"))
    services.notice_withdraw(acting_user=request.user, notice=notice, request=request)
    messages.success(request, _("通知已撤回。"))
    return redirect("members:notice_list")


@login_required
@require_GET
def notice_receipts(request, pk: int):
    """Read receipts of a notice, for those who manage it: who has read it and when, who has not."""
    notice = selectors.get_notice_for_user(request.user, pk)
    if not notice.can_manage:
        raise PermissionDenied(_("只有发布人或工会主席、委员可以查看回执。"))
    users = list(selectors.notice_audience_users(notice))
    read = [u for u in users if u.read_at]
    return render(
        request,
        "members/notice_receipts.html",
        {"notice": notice, "read": read, "unread": [u for u in users if not u.read_at], "total": len(users)},
    )


@login_required
@require_GET
def notice_attachment(request, pk: int, attachment_id: int):
    """Serve a notice's attachment to those who may open the notice (audited)."""
    notice = selectors.get_notice_for_user(request.user, pk)
    att = get_object_or_404(notice.attachments, pk=attachment_id)
    audit(request, AuditEntry.Action.DOWNLOAD, att, organization=notice.school, summary=f"下载通知附件 {att.original_name}")
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.original_name, content_type=att.content_type)
