"""Views of the member registry, by page group: ``members`` (list, export, a member's page, edits),
``roster`` (the roster import), ``audit`` (the audit log), ``self_service`` (我的) and ``accounts``
(password change and reset, one-time passwords). ``urls.py`` uses the names below."""

from .audit import audit_list
from .members import (
    consent_add,
    family_add,
    member_create,
    member_detail,
    member_edit,
    member_export,
    member_list,
    transfer,
)
from .roster import roster_confirm, roster_preview, roster_template, roster_upload
from .self_service import me, me_family_add, me_family_edit, me_family_remove

__all__ = [
    "audit_list",
    "consent_add",
    "family_add",
    "member_create",
    "member_detail",
    "member_edit",
    "member_export",
    "member_list",
    "me",
    "me_family_add",
    "me_family_edit",
    "me_family_remove",
    "roster_confirm",
    "roster_preview",
    "roster_template",
    "roster_upload",
    "transfer",
]
