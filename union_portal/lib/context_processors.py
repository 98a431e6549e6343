"""Template context shared by every page: the user's roles and the areas the navigation offers.

The navigation shows only the areas the user can open (no link answers 403 or 404): the registry
to managers and to anyone with a member record (it opens their own page), the congress to users
with a school, 组织管理 and the audit log to chairs; school-level actions (imports, new staff, new
plans) only to the chair and committee of a school, not to district roles.
"""

from __future__ import annotations

from members.access import (
    MANAGER_ROLES,
    has_role,
    has_school_role,
    import_school,
    member_of,
    primary_school,
    role_assignments,
)

# The registry's pages that belong to 组织管理 in the navigation.
ORG_PAGES = {"org", "org_create", "org_unit", "org_rename", "org_move", "org_merge", "org_retire", "departments",
             "roles", "role_revoke"}  # fmt: skip


def portal(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    is_manager = has_role(user, *MANAGER_ROLES)
    is_chair = has_role(user, "chair")
    me = member_of(user)
    match = getattr(request, "resolver_match", None)
    area = match.namespace if match else ""
    if area == "members" and match.url_name in ORG_PAGES:
        area = "org"
    return {
        "nav_area": area,
        "nav_roles": role_assignments(user),
        "nav_is_manager": is_manager,
        "nav_is_chair": is_chair,
        # 组织管理 is the school chair's: a chair role held at a district does not open it.
        "nav_runs_school": user.is_superuser or has_school_role(user, "chair"),
        "nav_members": is_manager or me is not None,
        # Chair or committee of one school (district roles excluded): imports, new members, new plans.
        "nav_school_manager": import_school(user) is not None,
        "nav_congress": user.is_superuser or me is not None or primary_school(user) is not None,
    }
