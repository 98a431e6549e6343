"""Small template helpers shared by every app's templates."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import formats

register = template.Library()
CENTS = Decimal("0.01")


@register.filter
def get(mapping, key):
    """``{{ labels|get:value }}``: a dict lookup with a variable key ('' when missing)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def yuan(value):
    """``{{ amount|yuan }}``: a yuan amount (Decimal) with two decimals, grouped as the active language groups.

    The same text as ``floatformat:"2g"`` (zh-hans ``1234.50``, English ``1,234.50``) without its
    general-purpose parsing, which was a visible share of long tables' render time. '' for None;
    anything not a number is returned as it is.
    """
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value).quantize(CENTS, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        return value
    return formats.number_format(amount, 2, use_l10n=True, force_grouping=True)
