from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "jiesu.tickets"
    label = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from jiesu.tickets.recompute import recompute_open_deadlines
        from jiesu.workcalendar.services import register_recompute

        register_recompute(recompute_open_deadlines)
