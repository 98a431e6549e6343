from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = _("会员名册")

    def ready(self):
        from . import audit, checks  # noqa: F401  (signal receivers, system checks)
