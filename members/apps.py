from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = _("会员名册")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (audit entries for login, logout and failed logins)
