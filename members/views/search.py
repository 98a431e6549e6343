"""JSON search for the person pickers (``static/js/pickers.js``): name, pinyin initials or 工号.

``GET /members/search/?q=zs`` answers ``{"results": [{"value", "text", "detail"}]}``, at most 20,
from the members the user manages (``members_visible_to`` for the manager roles; anyone else gets
403, a plain member has no picker). Optional parameters:

- ``org=<pk>``: only that unit's subtree (an activity's organiser for team players, the school for
  role grants); a unit outside the user's scope simply yields no results;
- ``value=staff_no``: the value is the 工号 instead of the pk (text fields that take a 工号);
- ``active=1``: 在职 members only.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from ..access import members_visible_to, require_manager
from ..models import Member, Organization
from ..search import search_keys, search_members


def member_option(member: Member, *, value: str = "pk") -> dict:
    """One picker option: ``value`` (pk or 工号), ``text`` "姓名（工号）", ``detail`` (the unit) and
    ``search`` (the keys the picker filters its loaded options by)."""
    return {
        "value": member.staff_no if value == "staff_no" else member.pk,
        "text": f"{member.name}（{member.staff_no}）",
        "detail": member.organization.name,
        "search": search_keys(member),
    }


@login_required
@require_GET
def member_search(request):
    """Members the user manages matching ``q`` (see the module docstring), best first."""
    require_manager(request.user)
    qs = members_visible_to(request.user).select_related("organization")
    org_pk = request.GET.get("org", "")
    if org_pk:
        node = Organization.objects.filter(pk=org_pk).first() if org_pk.isdigit() else None
        qs = qs.within(node) if node is not None else qs.none()
    if request.GET.get("active") == "1":
        qs = qs.active()
    value = "staff_no" if request.GET.get("value") == "staff_no" else "pk"
    rows = search_members(qs, request.GET.get("q"))
    return JsonResponse({"results": [member_option(m, value=value) for m in rows]})
