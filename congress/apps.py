from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CongressConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "congress"
    verbose_name = _("教代会")

    def ready(self) -> None:
        from union_portal.lib import registry

        from . import dashboard, report, timeline

        registry.register(self.label, report=report.PROVIDER, dashboard=dashboard.panel, timeline=timeline.entries)
