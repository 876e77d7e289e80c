from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "jiesu.web"
    label = "web"
    verbose_name = _("Web interface")

    def ready(self) -> None:
        from jiesu.web import checks, middleware  # noqa: F401, PLC0415 - the secret key check, the sign-in touch
