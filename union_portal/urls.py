"""Root URL configuration: one include per app, plus auth (login, password change and reset), i18n and admin."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from members.views import accounts

from . import views as portal_views

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/whoami", portal_views.whoami, name="whoami"),
    path("accounts/password_change/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password_reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", portal_views.healthz, name="healthz"),
    path("setup/", include("members.setup_urls")),
    path("members/", include("members.urls")),
    path("welfare/", include("welfare.urls")),
    path("congress/", include("congress.urls")),
    path("activities/", include("activities.urls")),
    path("reports/", include("reports.urls")),
    path("imports/", include("union_portal.lib.import_urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG_TOOLBAR:
    urlpatterns += [path("__debug__/", include("debug_toolbar.urls"))]
