"""Template context shared by every page: the user's roles for the navigation."""

from __future__ import annotations

from members.access import MANAGER_ROLES, has_role, role_assignments


def portal(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_roles": role_assignments(user),
        "nav_is_manager": has_role(user, *MANAGER_ROLES),
        "nav_is_chair": has_role(user, "chair"),
    }
