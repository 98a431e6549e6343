from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = _("会员名册")

    def ready(self) -> None:
        from union_portal.lib import registry

        from . import dashboard, report, signals  # noqa: F401  (signals: audit entries for login, logout and failed logins)

        registry.register(self.label, report=report.PROVIDER, dashboard=dashboard.panel)
