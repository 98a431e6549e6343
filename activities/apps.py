from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "activities"
    verbose_name = _("文体活动")

    def ready(self) -> None:
        from union_portal.lib import registry

        from . import dashboard, report, timeline

        registry.register(self.label, report=report.PROVIDER, dashboard=dashboard.panel, timeline=timeline.entries)
