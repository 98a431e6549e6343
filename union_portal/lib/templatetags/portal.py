"""Small template helpers shared by every app's templates."""

from django import template

from union_portal.lib.tables import yuan

register = template.Library()


@register.filter
def get(mapping, key):
    """``{{ labels|get:value }}``: a dict lookup with a variable key ('' when missing)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


register.filter("yuan", yuan)  # ``{{ amount|yuan }}``: see union_portal.lib.tables.yuan
