from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "jiesu.notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        """Every ticket event is written to the inbox and outbox inside its own transaction (notify subscribes to
        the tickets app's events; tickets never imports notify)."""
        from jiesu.notify import checks  # noqa: F401, PLC0415 - registers the deployment check
        from jiesu.notify import services as notify  # noqa: PLC0415 - apps load before their models
        from jiesu.tickets import services as tickets  # noqa: PLC0415

        tickets.subscribe_in_transaction(notify.notify_ticket_event, many=notify.notify_ticket_events)
