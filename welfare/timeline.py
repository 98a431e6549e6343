"""The member page timeline: the member's welfare history, filtered by what the viewer may see.

Managers of the member see visits, festival gifts are left out (too many), claims
and hardship aid only where ``can_see_sensitive`` allows; sensitive visits are
shown to others (who may see the member at all) as a count-free generic line is
*not* shown either: they simply do not appear.
"""

from __future__ import annotations

from django.urls import reverse

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
            parts.append(f"慰问金 {v.cash_amount:.0f} 元")
        if v.gift_description:
            parts.append(f"慰问品：{v.gift_description}")
        items.append(
            {
                "date": v.visited_on,
                "icon": "bi-heart",
                "title": f"慰问：{v.occasion.name}",
                "detail": "，".join(parts),
                "url": reverse("welfare:visit_detail", args=[v.pk]),
                "app": "送温暖",
                "sensitive": v.occasion.is_sensitive,  # audited by the page (union_portal.lib.audit)
            }
        )
    if sensitive_ok:
        for c in AidClaim.objects.filter(member=member).select_related("plan")[:50]:
            items.append(
                {
                    "date": c.claimed_on,
                    "icon": "bi-shield-plus",
                    "title": f"互助保障理赔：{c.plan.name}",
                    "detail": f"{c.get_status_display()}" + (f"，赔付 {c.paid_amount:.0f} 元" if c.paid_amount else ""),
                    "url": reverse("welfare:claim_detail", args=[c.pk]),
                    "app": "送温暖",
                    "sensitive": True,
                }
            )
        for h in HardshipCase.objects.filter(member=member)[:20]:
            items.append(
                {
                    "date": h.opened_on,
                    "icon": "bi-house-heart",
                    "title": "困难职工建档",
                    "detail": f"{h.get_level_display()}，{h.get_status_display()}",
                    "url": reverse("welfare:hardship_detail", args=[h.pk]),
                    "app": "送温暖",
                    "sensitive": True,
                }
            )
    for s in ServiceRecord.objects.filter(member=member)[:50]:
        items.append(
            {
                "date": s.served_on,
                "icon": "bi-hand-thumbs-up",
                "title": f"服务事项：{s.get_kind_display()}",
                "detail": s.outcome or s.description,
                "url": None,
                "app": "送温暖",
            }
        )
    return items
