"""Views of 文体活动, by page group: activities (list, calendar, detail, forms), registrations and
check-in, teams/matches/photos, records (honours, awards, funds), interest groups and the
statistics page. ``urls.py`` uses the names re-exported here."""

from .activities import activity_create, activity_detail, activity_edit, calendar_view, index
from .common import manager_nodes
from .groups import group_detail, group_form, group_join, group_list
from .records import award_delete, award_list, fund_list, honor_delete, honor_list
from .registrations import activity_register, check_in_sheet, registration_cancel, registration_check_in
from .stats import stats
from .teams import match_delete, photo_add, photo_delete, photo_file, team_delete, teams_manage

__all__ = [
    "activity_create",
    "activity_detail",
    "activity_edit",
    "activity_register",
    "award_delete",
    "award_list",
    "calendar_view",
    "check_in_sheet",
    "fund_list",
    "group_detail",
    "group_form",
    "group_join",
    "group_list",
    "honor_delete",
    "honor_list",
    "index",
    "manager_nodes",
    "match_delete",
    "photo_add",
    "photo_delete",
    "photo_file",
    "registration_cancel",
    "registration_check_in",
    "stats",
    "team_delete",
    "teams_manage",
]
