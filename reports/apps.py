from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("工作报告")

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_migrate

        from . import stats_cache

        connection_created.connect(stats_cache.install, dispatch_uid="reports.stats_cache.install")
        pre_migrate.connect(stats_cache.migration_started, dispatch_uid="reports.stats_cache.pre_migrate")
        post_migrate.connect(stats_cache.migration_finished, dispatch_uid="reports.stats_cache.post_migrate")
        for conn in connections.all(initialized_only=True):  # connections opened before ready()
            stats_cache.install(connection=conn)
