"""Dashboard card of the congress area (``union_portal.lib.registry``): what awaits the user, in counts."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from .permissions import user_school
from .selectors import dashboard_counts


def panel(request) -> str | None:
    """Invitations to co-sign, replies to rate, proposals to review/assign, overdue and department items.

    None when the user has nothing waiting.
    """
    school = user_school(request.user)
    if school is None:
        return None
    counts = dashboard_counts(request.user, school, today=timezone.localdate())
    if not any(counts.values()):
        return None
    return render_to_string("congress/_dashboard.html", {"counts": counts}, request=request)
