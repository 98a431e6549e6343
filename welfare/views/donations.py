"""捐助与献血: drives with donors and totals, a new drive, one drive's donations, and donations in bulk."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.access import MANAGER_ROLES, has_school_role, import_school
from union_portal.lib.lists import apply_trace, paginate, trace
from union_portal.lib.record_imports import imported_ids

from .. import selectors, services
from ..forms import DonationBulkForm, DonationForm, DriveForm
from ..models import Donation, DonationDrive
from .common import _manageable_members, _school_of, _school_records, _scope


@login_required
@require_GET
def donation_list(request):
    """Drives in scope (narrowed by the report's ``org``/``start``/``end``): donors (人), yuan, 献血 participants;
    the "导入" button (``can_import``) for those who may import a school's past lists."""
    scope = _scope(request.user)
    drives = apply_trace(
        _school_records(request.user, DonationDrive), trace(request), org_field="organization", date_field="held_on"
    )
    rows, totals = selectors.drives_with_totals(drives)
    return render(
        request,
        "welfare/donation_list.html",
        {
            "scope": scope,
            "rows": rows,
            "totals": totals,
            "form": DriveForm(initial={"held_on": timezone.localdate()}),
            "can_import": import_school(request.user) is not None,
        },
    )


@login_required
@require_POST
def drive_create(request):
    """New drive of the manager's school (one row, nothing about a person: a plain form save)."""
    scope = _scope(request.user)
    form = DriveForm(request.POST)
    if form.is_valid():
        drive = form.save(commit=False)
        drive.organization = _school_of(scope) or scope
        drive.save()
        messages.success(request, _("已新建“%(title)s”。") % {"title": drive.title})
        return redirect("welfare:drive_detail", pk=drive.pk)
    return render(
        request,
        "welfare/simple_form.html",
        {"form": form, "title": _("新建捐助活动"), "back": "welfare:donations"},
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def drive_detail(request, pk: int):
    """One drive's donations with totals; POST records a member's donation (audited). An imported drive says
    where it came from (``imported_note``); imported donations on the page are marked (``imported``, one query)."""
    drive = _school_records(request.user, DonationDrive).filter(pk=pk).first()
    if drive is None:
        raise Http404(_("没有找到该捐助活动。"))
    form = DonationForm(request.POST or None, members=_manageable_members(request.user))
    if request.method == "POST" and form.is_valid():
        services.donation_record(
            drive=drive,
            member=form.member,
            amount=form.cleaned_data["amount"],
            blood_ml=form.cleaned_data["blood_ml"],
            acting_user=request.user,
            request=request,
        )
        messages.success(request, _("已登记 %(name)s。") % {"name": form.member.name})
        return redirect("welfare:drive_detail", pk=drive.pk)
    donations = drive.donations.select_related("member__organization__parent").order_by("member__staff_no")
    page = paginate(request, donations)
    return render(
        request,
        "welfare/drive_detail.html",
        {
            "drive": drive,
            "page": page,
            "imported": imported_ids(Donation, [d.pk for d in page]),
            "totals": selectors.drive_totals(drive),
            "form": form,
            "querystring": "",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def drive_bulk(request, pk: int):
    """批量登记 donations to one drive: tick members of the roster (one amount each) and/or paste lines of
    "工号或姓名 金额". All or nothing: any bad line is shown with its number and nothing is saved."""
    drive = _school_records(request.user, DonationDrive).filter(pk=pk).first()
    if drive is None:
        raise Http404(_("没有找到该捐助活动。"))
    if not has_school_role(request.user, *MANAGER_ROLES, within=drive.organization):
        raise PermissionDenied(_("区教育工会不登记学校的捐助。"))
    members = (
        _manageable_members(request.user)
        .active()
        .exclude(pk__in=drive.donations.values("member_id"))
        .select_related("organization")
    )
    form = DonationBulkForm(request.POST if request.method == "POST" else None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.donations_record_bulk(
                drive=drive, rows=form.rows, acting_user=request.user, request=request
            )
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已批量登记 %(n)s 人。") % {"n": len(done)})
            return redirect("welfare:drive_detail", pk=drive.pk)
    return render(
        request,
        "welfare/drive_bulk.html",
        {"drive": drive, "form": form},
        status=400 if request.method == "POST" else 200,
    )
