from django.urls import path

from . import views
from .views import exports

app_name = "activities"

urlpatterns = [
    path("", views.index, name="index"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("new/", views.activity_create, name="create"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/register/", views.activity_register, name="register"),
    path("<int:pk>/check-in/", views.check_in_sheet, name="check_in_sheet"),
    path("<int:pk>/teams/", views.teams_manage, name="teams"),
    path("<int:pk>/photos/add/", views.photo_add, name="photo_add"),
    path("registrations/<int:pk>/cancel/", views.registration_cancel, name="cancel"),
    path("registrations/<int:pk>/check-in/", views.registration_check_in, name="check_in"),
    path("teams/<int:pk>/delete/", views.team_delete, name="team_delete"),
    path("matches/<int:pk>/delete/", views.match_delete, name="match_delete"),
    path("photos/<int:pk>/", views.photo_file, name="photo"),
    path("photos/<int:pk>/delete/", views.photo_delete, name="photo_delete"),
    path("honors/", views.honor_list, name="honors"),
    path("honors/<int:pk>/delete/", views.honor_delete, name="honor_delete"),
    path("awards/", views.award_list, name="awards"),
    path("awards/<int:pk>/delete/", views.award_delete, name="award_delete"),
    path("funds/", views.fund_list, name="funds"),
    path("groups/", views.group_list, name="groups"),
    path("groups/new/", views.group_form, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views.group_form, name="group_edit"),
    path("groups/<int:pk>/join/", views.group_join, name="group_join"),
    path("stats/", views.stats, name="stats"),
]

# Excel exports and printed sheets (issue 16).
urlpatterns += [
    path("<int:pk>/registrations.xlsx", exports.registration_export, name="registration_export"),
    path("<int:pk>/sign-in.pdf", exports.sign_in_sheet, name="sign_in_sheet"),
    path("honors/export.xlsx", exports.honor_export, name="honor_export"),
    path("awards/export.xlsx", exports.award_export, name="award_export"),
]
