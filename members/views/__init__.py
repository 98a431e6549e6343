"""Views of the member registry, by page group: ``members`` (list, export, a member's page, edits),
``roster`` (the roster import), ``audit`` (the audit log), ``org`` (组织管理: tree and departments),
``roles`` (角色分配), ``self_service`` (我的) and ``accounts`` (password change and reset, one-time
passwords). ``urls.py`` uses the names below."""

from .audit import audit_list
from .inbox import inbox, inbox_count, inbox_read
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
from .notices import (
    notice_attachment,
    notice_create,
    notice_detail,
    notice_list,
    notice_read,
    notice_receipts,
    notice_withdraw,
)
from .org import departments, org, org_create, org_merge, org_move, org_rename, org_retire, org_unit
from .roles import role_revoke, roles
from .roster import roster_confirm, roster_preview, roster_template, roster_upload
from .self_service import me, me_family_add, me_family_edit, me_family_remove

__all__ = [
    "audit_list",
    "consent_add",
    "departments",
    "family_add",
    "inbox",
    "inbox_count",
    "inbox_read",
    "member_create",
    "member_detail",
    "member_edit",
    "member_export",
    "member_list",
    "org",
    "org_create",
    "org_merge",
    "org_move",
    "org_rename",
    "org_retire",
    "org_unit",
    "role_revoke",
    "roles",
    "me",
    "me_family_add",
    "me_family_edit",
    "me_family_remove",
    "notice_attachment",
    "notice_create",
    "notice_detail",
    "notice_list",
    "notice_read",
    "notice_receipts",
    "notice_withdraw",
    "roster_confirm",
    "roster_preview",
    "roster_template",
    "roster_upload",
    "transfer",
]
