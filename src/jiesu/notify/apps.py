from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "jiesu.notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        """Every ticket event is written to the inbox and outbox inside its own transaction; after the commit a
        worker is woken to deliver (issue 5 §3)."""
        from jiesu.notify import checks  # noqa: F401, PLC0415 - registers the deployment check
        from jiesu.notify import services as notify  # noqa: PLC0415 - apps load before their models
        from jiesu.tickets import services as tickets  # noqa: PLC0415

        tickets.subscribe_in_transaction(notify.notify_ticket_event, many=notify.notify_ticket_events)
        tickets.subscribe(notify.on_ticket_event_committed)
