from django import template

from reports.document import item_html

register = template.Library()


@register.simple_tag
def report_item(item):
    """One paragraph, table or chart of a report document, escaped by reports.document."""
    return item_html(item)
