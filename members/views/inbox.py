"""The in-app inbox (提醒): reminders sent to the signed-in user, and marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from union_portal.lib.lists import paginate

from .. import selectors, services


@login_required
@require_GET
def inbox(request):
    """The user's reminders, newest first; ``?unread=1`` shows only the unread ones."""
    unread_only = request.GET.get("unread") == "1"
    return render(
        request,
        "members/notice_inbox.html",
        {"page": paginate(request, selectors.inbox_for(request.user, unread_only=unread_only)),
         "unread_only": unread_only},
    )


@login_required
@require_GET
def inbox_count(request):
    """``{"unread": n, "label": "..."}``: the user's unread reminders, for the bell (``static/members/bell.js``)."""
    n = selectors.unread_reminder_count(request.user)
    label = ngettext("提醒（%(n)s 条未读）", "提醒（%(n)s 条未读）", n) % {"n": n}
    return JsonResponse({"unread": n, "label": label})


@login_required
@require_POST
def inbox_read(request):
    """Mark one reminder (``id``) or every reminder read, then follow its link or return to the inbox."""
    raw = request.POST.get("id", "")
    ids = [int(raw)] if raw.isdigit() else None
    services.reminder_mark_read(acting_user=request.user, reminder_ids=ids)
    if ids:
        reminder = selectors.inbox_for(request.user).filter(pk=ids[0]).first()
        if reminder is not None and reminder.url.startswith("/"):
            return redirect(reminder.url)
    return redirect("members:inbox")
