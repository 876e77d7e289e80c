from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "jiesu.api"
    label = "api"
    verbose_name = _("REST API")

    def ready(self) -> None:
        from jiesu.api import tokencache  # noqa: F401, PLC0415 - connects the listener of new connections
