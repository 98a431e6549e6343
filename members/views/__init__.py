"""Views of the member registry, by page group: ``members`` (list, export, a member's page, edits),
``roster`` (the roster import) and ``audit`` (the audit log). ``urls.py`` uses the names below."""

from .audit import audit_list
from .members import consent_add, family_add, member_create, member_detail, member_edit, member_export, member_list
from .roster import roster_confirm, roster_preview, roster_template, roster_upload

__all__ = [
    "audit_list",
    "consent_add",
    "family_add",
    "member_create",
    "member_detail",
    "member_edit",
    "member_export",
    "member_list",
    "roster_confirm",
    "roster_preview",
    "roster_template",
    "roster_upload",
]
