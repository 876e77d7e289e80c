from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "jiesu.channels"
    label = "channels"
    verbose_name = _("Channels")

    def ready(self) -> None:
        """Show what a ticket came from (a reception visit, a petition, a symposium) on the Office's ticket page
        without the tickets app importing us (``tickets.hints``)."""
        from jiesu.channels import home, hooks  # noqa: PLC0415 - apps load before their models

        hooks.connect()
        home.connect()  # the requester's bookings on their home page (issue 15 item 9)
