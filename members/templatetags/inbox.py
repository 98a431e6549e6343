"""``{% inbox_unread as n %}``: the signed-in user's unread reminders, for the bell in the navigation."""

from __future__ import annotations

from django import template

from members.selectors import unread_reminder_count

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_unread(context) -> int:
    request = context.get("request")
    return unread_reminder_count(getattr(request, "user", None))
