"""The requester's letters on their home page (issue 15 item 9), through the tickets app's section registry."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jiesu.mailbox import selectors
from jiesu.org.models import User
from jiesu.tickets import home
from jiesu.tickets.models import Channel

HOME_LIMIT = 20


def my_letters(user: User) -> list[Any]:
    """The person's own (not anonymous) letters, newest first."""
    return list(selectors.letters_of(user)[:HOME_LIMIT])


def connect() -> None:
    home.register(
        home.Section(
            key="letters",
            title=_("My letters to the mailbox"),
            template="mailbox/_home_letters.html",
            items=my_letters,
            channels=frozenset({Channel.MAILBOX.value}),
            order=20,
        )
    )
