"""校务公开: the board (current items), the archive, an item, publishing and withdrawing; and 催办.

Everyone of the school reads the board and the archive; the chair, committee members and the
proposals committee publish and withdraw (``services.disclosure_publish`` / ``disclosure_withdraw``).
The proposals committee urges an overdue proposal from the 督办 page (``services.proposal_urge``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.models import AuditEntry
from union_portal.lib.audit import audit
from union_portal.lib.lists import clean_param, paginate, querystring

from .. import selectors, services
from ..forms import DisclosureForm, UrgeForm, WithdrawForm
from ..models import DisclosureItem
from ..permissions import can_admin_congress, is_committee
from ._common import fail


def _list(request, *, archive: bool):
    school = selectors.school_or_404(request.user)
    today = timezone.localdate()
    category = clean_param(request, "category")
    session = None
    raw_session = clean_param(request, "session")
    if raw_session.isdigit():
        session = selectors.get_session_for_user(request.user, int(raw_session))
    raw_year = clean_param(request, "year")
    year = int(raw_year) if archive and raw_year.isdigit() else None
    items = selectors.disclosure_items(
        school, today=today, archive=archive, category=category, session=session, year=year
    )
    return render(
        request,
        "congress/disclosure_list.html",
        {
            "page": paginate(request, items),
            "querystring": querystring(request),
            "archive": archive,
            "categories": DisclosureItem.Category.choices,
            "category": category,
            "session": session,
            "year": year,
            "today": today,
            "can_admin": can_admin_congress(request.user, school),
        },
    )


@login_required
@require_GET
def disclosure_board(request):
    """The 校务公开 board: items of the school not withdrawn whose period is not over; by category,
    or one session's materials (``?session=``)."""
    return _list(request, archive=False)


@login_required
@require_GET
def disclosure_archive(request):
    """The archive: withdrawn items and those whose period has ended, by category and year."""
    return _list(request, archive=True)


@login_required
@require_GET
def disclosure_detail(request, pk: int):
    """One 校务公开 item, with its period, publication and withdrawal dates."""
    item = selectors.get_disclosure_for_user(request.user, pk)
    return render(
        request,
        "congress/disclosure_detail.html",
        {"item": item, "on_board": item.on_board(timezone.localdate()),
         "can_admin": can_admin_congress(request.user, item.school)},
    )


@login_required
@require_GET
def disclosure_file(request, pk: int):
    """The item's attachment, to anyone of the school (audited)."""
    item = selectors.get_disclosure_for_user(request.user, pk)
    if not item.file:
        raise Http404(_("该公开事项没有附件。"))
    audit(request, AuditEntry.Action.DOWNLOAD, item, organization=item.school, summary=f"下载校务公开附件 {item.original_name}")
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name,
                        content_type=item.content_type or "application/octet-stream")


@login_required
@require_http_methods(["GET", "POST"])
def disclosure_create(request):
    """Publish a 校务公开 item (chair, committee member, proposals committee)."""
    school = selectors.school_or_404(request.user)
    if not can_admin_congress(request.user, school):
        raise PermissionDenied(_("只有工会主席、工会委员或提案工作委员会可以发布校务公开。"))
    initial = {}
    raw_session = clean_param(request, "session")
    if raw_session.isdigit():
        initial = {"session": raw_session, "category": DisclosureItem.Category.CONGRESS}
    form = DisclosureForm(request.POST or None, request.FILES or None, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.disclosure_publish(
                acting_user=request.user, school=school, category=data["category"], title=data["title"],
                body=data["body"], period_start=data["period_start"], period_end=data["period_end"],
                session=data.get("session"), upload=data.get("file"), request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已发布到校务公开栏。"))
            return redirect("congress:disclosure_detail", pk=item.pk)
    return render(request, "congress/disclosure_form.html", {"form": form})


@login_required
@require_POST
def disclosure_withdraw(request, pk: int):
    """Withdraw an item, with a reason; it moves to the archive."""
    item = selectors.get_disclosure_for_user(request.user, pk)
    if not can_admin_congress(request.user, item.school):
        raise PermissionDenied(_("只有工会主席、工会委员或提案工作委员会可以撤回校务公开。"))
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写撤回原因。"))
        return redirect("congress:disclosure_detail", pk=item.pk)
    services.disclosure_withdraw(acting_user=request.user, item=item, reason=form.cleaned_data["reason"],
                                 request=request)
    messages.success(request, _("已撤回，移入归档。"))
    return redirect("congress:disclosure_detail", pk=item.pk)


@login_required
@require_POST
def proposal_urge(request, pk: int):
    """催办 an overdue proposal (proposals committee); logged in its history, the handlers reminded."""
    proposal = selectors.get_proposal_for_user(request.user, pk)
    if not is_committee(request.user, proposal.session.congress.school):
        raise PermissionDenied(_("只有提案工作委员会可以催办。"))
    form = UrgeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.proposal_urge(acting_user=request.user, proposal=proposal, note=note, request=request)
    except (services.TransitionError, ValidationError) as exc:
        fail(request, exc)
    else:
        messages.success(request, _("已催办，承办部门负责人会收到提醒。"))
    if request.POST.get("next") == "supervision":
        return redirect("congress:supervision")
    return redirect("congress:proposal_detail", pk=proposal.pk)
