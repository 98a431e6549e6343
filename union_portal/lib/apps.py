from django.apps import AppConfig


class PortalLibConfig(AppConfig):
    """The shared kernel as an app: its template tags (``{% load portal %}``) and system checks."""

    name = "union_portal.lib"
    label = "portal"
    verbose_name = "Portal kernel"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the CJK font check)
