from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo: people, accounts and a semester of requests on top of the real organization. No models; no
    other app imports it."""

    name = "jiesu.demo"
    label = "demo"
    verbose_name = _("Demo data")
