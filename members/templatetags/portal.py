"""Small template helpers shared by every app's templates."""

from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """``{{ labels|get:value }}``: a dict lookup with a variable key ('' when missing)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
