from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("工作报告")

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from . import stats_cache

        connection_created.connect(stats_cache.install, dispatch_uid="reports.stats_cache.install")
        for conn in connections.all(initialized_only=True):  # connections opened before ready()
            stats_cache.install(connection=conn)
