from django.urls import path

from . import views
from .views import accounts, search
from .views import audit as audit_views

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_create, name="create"),
    path("search/", search.member_search, name="search"),
    path("export.xlsx", views.member_export, name="export"),
    path("import/", views.roster_upload, name="import"),
    path("import/template.xlsx", views.roster_template, name="import_template"),
    path("import/<int:pk>/", views.roster_preview, name="import_preview"),
    path("import/<int:pk>/confirm/", views.roster_confirm, name="import_confirm"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/export.xlsx", audit_views.audit_export, name="audit_export"),
    path("org/", views.org, name="org"),
    path("org/new/", views.org_create, name="org_create"),
    path("org/<int:pk>/", views.org_unit, name="org_unit"),
    path("org/<int:pk>/rename/", views.org_rename, name="org_rename"),
    path("org/<int:pk>/move/", views.org_move, name="org_move"),
    path("org/<int:pk>/merge/", views.org_merge, name="org_merge"),
    path("org/<int:pk>/retire/", views.org_retire, name="org_retire"),
    path("departments/", views.departments, name="departments"),
    path("roles/", views.roles, name="roles"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
    path("me/", views.me, name="me"),
    path("me/family/add/", views.me_family_add, name="me_family_add"),
    path("me/family/<int:pk>/edit/", views.me_family_edit, name="me_family_edit"),
    path("me/family/<int:pk>/remove/", views.me_family_remove, name="me_family_remove"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/family/add/", views.family_add, name="family_add"),
    path("<int:pk>/consent/add/", views.consent_add, name="consent_add"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/one-time-password/", accounts.one_time_password_issue, name="one_time_password"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/read/", views.notice_read, name="notice_read"),
    path("notices/<int:pk>/withdraw/", views.notice_withdraw, name="notice_withdraw"),
    path("notices/<int:pk>/receipts/", views.notice_receipts, name="notice_receipts"),
    path("notices/<int:pk>/attachments/<int:attachment_id>/", views.notice_attachment, name="notice_attachment"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/count.json", views.inbox_count, name="inbox_count"),
    path("inbox/read/", views.inbox_read, name="inbox_read"),
]
