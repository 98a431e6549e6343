"""Member-page timeline entries of the congress area (``union_portal.lib.registry``).

Lists the member's proposals (as proposer) and suggestions that the requesting
user may read: published proposals for everyone in the school, the rest only
for the committee and the member themself (scoping by ``proposals_visible_q``).
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.access import member_of

from .models import Proposal, Suggestion
from .permissions import can_admin_congress, proposals_visible_q


def entries(request, member) -> list[dict]:
    user = request.user
    proposals = (
        Proposal.objects.filter(proposals_visible_q(user))
        .filter(Q(proposer__member=member) | Q(created_by__member=member))
        .exclude(status="draft")
        .select_related("session__congress")
        .distinct()
        .order_by("-created_at")[:20]
    )
    items = [
        {
            "date": timezone.localdate(p.submitted_at or p.created_at),
            "icon": "bi-megaphone",
            "title": _("提案：%(title)s") % {"title": p.title},
            "detail": " · ".join(str(x) for x in (p.session.name, p.get_status_display(), p.number) if x),
            "url": reverse("congress:proposal_detail", args=[p.pk]),
            "app": _("教代会"),
        }
        for p in proposals
    ]
    me = member_of(user)
    if (me is not None and me.pk == member.pk) or can_admin_congress(user, member.school):
        for s in Suggestion.objects.filter(submitted_by=member).order_by("-submitted_on")[:20]:
            items.append(
                {
                    "date": s.submitted_on,
                    "icon": "bi-lightbulb",
                    "title": _("意见建议：%(title)s") % {"title": s.title},
                    "detail": s.get_status_display(),
                    "url": reverse("congress:suggestion_detail", args=[s.pk]),
                    "app": _("教代会"),
                }
            )
    return items
