from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.report_create_view, name="create"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/print/", views.report_print, name="print"),
    path("<int:pk>/edit/", views.report_edit, name="edit"),
    path("<int:pk>/refresh/", views.report_refresh_view, name="refresh"),
    path("<int:pk>/finalise/", views.report_finalise_view, name="finalise"),
    path("<int:pk>/sections/add/", views.section_add_view, name="section_add"),
    path("<int:pk>/export/", views.export_start, name="export"),
    path("<int:pk>/preview/", views.report_preview, name="preview"),
    path("sections/<int:pk>/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/move/", views.section_move_view, name="section_move"),
    path("sections/<int:pk>/delete/", views.section_delete_view, name="section_delete"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/draft/", views.version_new_draft, name="version_draft"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/status/", views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
