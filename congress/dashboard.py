"""Dashboard card of the congress area (``union_portal.lib.registry``): what awaits the user, in counts."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from union_portal.lib.charts import chart_figure

from .permissions import can_admin_congress, user_school
from .selectors import current_session, dashboard_counts, member_proposals_by_status, proposals_by_status


def panel(request) -> str | None:
    """Invitations to co-sign, replies to rate, proposals to review/assign, overdue and department items.

    None when the user has nothing waiting.
    """
    school = user_school(request.user)
    if school is None:
        return None
    today = timezone.localdate()
    counts = dashboard_counts(request.user, school, today=today)
    charts = _charts(request.user, school, year=today.year)
    if not any(counts.values()) and not charts:
        return None
    return render_to_string("congress/_dashboard.html", {"counts": counts, "charts": charts}, request=request)


def _charts(user, school, *, year: int) -> list:
    """Proposals by status of the current session (congress admins) and the user's own proposals this year."""
    out = []
    if can_admin_congress(user, school):
        session = current_session(school)
        data = proposals_by_status(school, session=session)
        if data:
            caption = _("%(s)s提案（件）按状态") % {"s": session.name} if session else _("提案（件）按状态")
            out.append(chart_figure(caption, data, unit=_("件"), label_header=_("状态")))
    mine = member_proposals_by_status(user, year=year)
    if mine:
        out.append(chart_figure(_("%(y)s年我的提案（件）") % {"y": year}, mine, unit=_("件"), label_header=_("状态")))
    return out
