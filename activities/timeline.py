"""Member page timeline items of 文体活动 (``union_portal.lib.registry``): honours, awards, activities taken part in.

The member page itself is scoped (``get_member_for_user``); honours and awards are
public commendations; activity links are given only to the member and to managers
of the activity's organiser.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from members.access import MANAGER_ROLES, has_role, member_of

from .models import Award, Honor, Registration

MAX_ACTIVITIES = 30


def entries(request, member) -> list[dict]:
    """At most three queries: honours, awards, registrations (newest 30)."""
    items: list[dict] = []
    for h in Honor.objects.filter(member=member).order_by("-awarded_on"):
        items.append(
            {
                "date": h.awarded_on,
                "icon": "bi-award",
                "title": _("荣获“%(title)s”") % {"title": h.title},
                "detail": f"{h.get_level_display()} · {h.grantor}",
                "url": None,
                "app": _("荣誉"),
            }
        )
    for a in Award.objects.filter(member=member).order_by("-awarded_on"):
        items.append(
            {
                "date": a.awarded_on,
                "icon": "bi-trophy",
                "title": f"{a.competition} {a.prize_detail or a.get_prize_display()}",
                "detail": f"{a.get_level_display()} · {a.grantor}",
                "url": None,
                "app": _("获奖"),
            }
        )
    me = member_of(request.user)
    own = me is not None and me.pk == member.pk
    regs = (
        Registration.objects.filter(member=member, family_member__isnull=True)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("activity__organizer")
        .order_by("-activity__starts_at")[:MAX_ACTIVITIES]
    )
    for r in regs:
        act = r.activity
        visible = own or has_role(request.user, *MANAGER_ROLES, within=act.organizer)
        state = _("已签到") if r.checked_in_at else r.get_status_display()
        items.append(
            {
                "date": act.starts_at.date(),
                "icon": "bi-flag",
                "title": _("参加“%(title)s”") % {"title": act.title},
                "detail": f"{act.get_type_display()} · {state}",
                "url": reverse("activities:detail", args=[act.pk]) if visible else None,
                "app": _("文体活动"),
            }
        )
    return items
