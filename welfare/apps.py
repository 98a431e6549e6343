from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "welfare"
    verbose_name = _("送温暖")

    def ready(self) -> None:
        from union_portal.lib import registry

        from . import dashboard, report, retention, signals, timeline  # noqa: F401 (signals connects the receivers)

        registry.register(
            self.label,
            report=report.PROVIDER,
            dashboard=dashboard.panel,
            timeline=timeline.entries,
            retention=retention.purge,
        )
