from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailboxConfig(AppConfig):
    name = "jiesu.mailbox"
    label = "mailbox"
    verbose_name = _("Mailbox")

    def ready(self) -> None:
        """Add the requester's letters to their home page (``tickets.home``) without the tickets app
        importing us."""
        from jiesu.mailbox import home  # noqa: PLC0415 - apps load before their models

        home.connect()
