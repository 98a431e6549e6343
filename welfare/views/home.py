"""送温暖 home: this year's figures, pending visits and the life-event form; a member's own records."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from members.access import MANAGER_ROLES, SCHOOL_MANAGER_ROLES, has_role, member_of

from .. import selectors, services
from ..forms import LifeEventForm
from .common import _get_pending_for_user, _manageable_members, _scope


def _dashboard(request, event_form: LifeEventForm, *, status: int = 200):
    """The managers' home page with ``event_form`` (blank, or bound with its errors)."""
    today = timezone.localdate()
    scope = _scope(request.user)
    stats = selectors.ledger_totals(
        selectors.visit_ledger(request.user).filter(visited_on__gte=dt.date(today.year, 1, 1))
    )
    pending, open_count, overdue = selectors.pending_for(request.user, today=today, limit=50)
    return render(
        request,
        "welfare/index.html",
        {
            "scope": scope,
            "today": today,
            "stats": stats,
            "pending": pending,
            "open_count": open_count,
            "overdue": overdue,
            "event_form": event_form,
            "is_school_manager": has_role(request.user, *SCHOOL_MANAGER_ROLES),
        },
        status=status,
    )


@login_required
@require_GET
def index(request):
    """送温暖 home: this year's figures, pending visits and the life-event form (managers); own records (members)."""
    if not has_role(request.user, *MANAGER_ROLES) and not request.user.is_superuser:
        me = member_of(request.user)
        visits = (
            selectors.visit_ledger(request.user).filter(member=me)
            if me
            else selectors.visit_ledger(request.user).none()
        )
        return render(request, "welfare/my_records.html", {"visits": visits[:100], "me": me})
    return _dashboard(request, LifeEventForm(members=None, initial={"event_date": timezone.localdate()}))


@login_required
@require_POST
def life_event_create(request):
    """登记事件 → a pending visit on the dashboard."""
    _scope(request.user)
    form = LifeEventForm(request.POST, members=_manageable_members(request.user))
    if form.is_valid():
        pending = services.life_event_record(
            member=form.member,
            event=form.cleaned_data["event"],
            event_date=form.cleaned_data["event_date"],
            notes=form.cleaned_data["notes"],
            acting_user=request.user,
        )
        messages.success(
            request,
            _("已登记：%(name)s %(event)s，请于 %(date)s 前慰问。")
            % {
                "name": pending.member.name,
                "event": pending.get_event_display(),
                "date": date_format(pending.due_on, _("Y年n月j日")),
            },
        )
        return redirect("welfare:index")
    messages.error(request, _("登记事件未成功：") + _("；").join(e for errs in form.errors.values() for e in errs))
    return _dashboard(request, form, status=400)


@login_required
@require_POST
def pending_cancel(request, pk: int):
    """取消 a pending visit in the manager's scope."""
    pending = _get_pending_for_user(request.user, pk)
    services.pending_cancel(pending=pending)
    messages.info(request, _("已取消 %(name)s 的待慰问事项。") % {"name": pending.member.name})
    return redirect("welfare:index")
