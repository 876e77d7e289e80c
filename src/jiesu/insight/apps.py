from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "jiesu.insight"
    label = "insight"
    verbose_name = _("Insight")

    def ready(self) -> None:
        """Hook onto the tickets app without it importing us: the dispatch is recorded against the suggestion
        in the dispatch's own transaction, and the Office's pages ask us for hints (``tickets.hints``)."""
        from jiesu.insight import hooks  # noqa: PLC0415 - apps load before their models

        hooks.connect()
