"""R10.1, R2.1: the requester's reception-day bookings on their home page (issue 15 item 9), through the tickets app's
section registry."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jiesu.channels.selectors import bookings_for
from jiesu.org.models import User
from jiesu.tickets import home

HOME_LIMIT = 10


def my_bookings(user: User) -> list[Any]:
    """The person's own bookings, latest reception day first."""
    return bookings_for(user)[:HOME_LIMIT]


def connect() -> None:
    home.register(
        home.Section(
            key="bookings",
            title=_("My reception-day bookings"),
            template="channels/_home_bookings.html",
            items=my_bookings,
            order=30,
        )
    )
