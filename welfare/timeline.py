"""The member page timeline: the member's welfare history, filtered by what the viewer may see.

Managers of the member see visits, festival gifts are left out (too many), claims
and hardship aid only where ``can_see_sensitive`` allows; sensitive visits are
shown to others (who may see the member at all) as a count-free generic line is
*not* shown either: they simply do not appear.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from .access import can_manage, can_see_sensitive
from .models import AidClaim, HardshipCase, ServiceRecord, WelfareVisit


def entries(request, member) -> list[dict]:
    user = request.user
    sensitive_ok = can_see_sensitive(user, member)
    if not (sensitive_ok or can_manage(user, member)):
        return []
    items: list[dict] = []
    visits = WelfareVisit.objects.filter(member=member).select_related("occasion")
    if not sensitive_ok:
        visits = visits.filter(occasion__is_sensitive=False)
    for v in visits[:100]:
        parts = []
        if v.cash_amount:
            parts.append(_("慰问金 %(amount)s 元") % {"amount": f"{v.cash_amount:.0f}"})
        if v.gift_description:
            parts.append(_("慰问品：%(gift)s") % {"gift": v.gift_description})
        items.append(
            {
                "date": v.visited_on,
                "icon": "bi-heart",
                "title": _("慰问：%(occasion)s") % {"occasion": v.occasion.name},
                "detail": _("，").join(parts),
                "url": reverse("welfare:visit_detail", args=[v.pk]),
                "app": _("送温暖"),
                "sensitive": v.occasion.is_sensitive,  # audited by the page (union_portal.lib.audit)
            }
        )
    if sensitive_ok:
        for c in AidClaim.objects.filter(member=member).select_related("plan")[:50]:
            items.append(
                {
                    "date": c.claimed_on,
                    "icon": "bi-shield-plus",
                    "title": _("互助保障理赔：%(plan)s") % {"plan": c.plan.name},
                    "detail": (
                        _("%(status)s，赔付 %(amount)s 元") % {"status": c.get_status_display(), "amount": f"{c.paid_amount:.0f}"}
                        if c.paid_amount
                        else str(c.get_status_display())
                    ),
                    "url": reverse("welfare:claim_detail", args=[c.pk]),
                    "app": _("送温暖"),
                    "sensitive": True,
                }
            )
        for h in HardshipCase.objects.filter(member=member)[:20]:
            items.append(
                {
                    "date": h.opened_on,
                    "icon": "bi-house-heart",
                    "title": _("困难职工建档"),
                    "detail": _("%(level)s，%(status)s") % {"level": h.get_level_display(), "status": h.get_status_display()},
                    "url": reverse("welfare:hardship_detail", args=[h.pk]),
                    "app": _("送温暖"),
                    "sensitive": True,
                }
            )
    for s in ServiceRecord.objects.filter(member=member)[:50]:
        items.append(
            {
                "date": s.served_on,
                "icon": "bi-hand-thumbs-up",
                "title": _("服务事项：%(kind)s") % {"kind": s.get_kind_display()},
                "detail": s.outcome or s.description,
                "url": None,
                "app": _("送温暖"),
            }
        )
    return items
