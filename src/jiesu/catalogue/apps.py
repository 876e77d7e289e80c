from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "jiesu.catalogue"
    label = "catalogue"
    verbose_name = _("Dispatch catalogue")

    def ready(self) -> None:
        """Offer the matter search to the dispatch form without the tickets app importing us (``tickets.hints``)."""
        from jiesu.catalogue import hooks  # noqa: PLC0415 - apps load before their models

        hooks.connect()
