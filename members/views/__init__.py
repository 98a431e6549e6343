"""Views of the member registry, by page group: ``members`` (list, export, a member's page, edits),
``roster`` (the roster import), ``audit`` (the audit log), ``org`` (组织管理: tree and departments)
and ``roles`` (角色分配). ``urls.py`` uses the names below."""

from .audit import audit_list
from .members import consent_add, family_add, member_create, member_detail, member_edit, member_export, member_list
from .org import departments, org, org_create, org_merge, org_move, org_rename, org_retire, org_unit
from .roles import role_revoke, roles
from .roster import roster_confirm, roster_preview, roster_template, roster_upload

__all__ = [
    "audit_list",
    "consent_add",
    "departments",
    "family_add",
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
    "roster_confirm",
    "roster_preview",
    "roster_template",
    "roster_upload",
]
