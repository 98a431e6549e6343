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


@register.inclusion_tag("imports/provenance.html")
def imported_note(record):
    """``{% imported_note record %}``: "历史导入：文件 …，批次 #…，… 于 … 导入" on the page of a record that
    came in with a spreadsheet import (nothing for a record entered in the portal). One query."""
    from union_portal.lib.record_imports import provenance

    return {"batch": provenance(record)}
