"""URLs of the first-run set-up (``members.views.setup``), included at ``/setup/`` as namespace ``setup``."""

from django.urls import path

from .views import setup

app_name = "setup"

urlpatterns = [
    path("", setup.setup_start, name="start"),
    path("<int:pk>/resume/", setup.setup_resume, name="resume"),
    path("roster/", setup.setup_import, name="import"),
    path("roster/template.xlsx", setup.setup_import_template, name="import_template"),
    path("roster/<int:pk>/", setup.setup_import_preview, name="import_preview"),
    path("roster/<int:pk>/confirm/", setup.setup_import_confirm, name="import_confirm"),
    path("officers/", setup.setup_officers, name="officers"),
    path("logins/", setup.setup_logins, name="logins"),
    path("logins.xlsx", setup.setup_logins_xlsx, name="logins_xlsx"),
    path("finish/", setup.setup_finish, name="finish"),
]
