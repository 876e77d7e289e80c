"""R7.1 online rating: the reply notification carries a signed link (no sign-in) to rate the reply.

The token names the ticket and the follow-up round and is signed with the site's secret (Django's signing,
timestamped); it expires after ``RATING_LINK_DAYS`` (default 7) and works once — a round that already has its
follow-up result refuses it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiesu.tickets.errors import DomainError
from jiesu.tickets.models import Ticket
from jiesu.workcalendar.rules import clock_rules

SALT = "jiesu.tickets.rating"
INVALID_MESSAGE = gettext_lazy("This rating link is not valid. Check that it was copied in full.")


class RatingLinkGone(DomainError):
    """The link was genuine but can no longer be used: expired, already used, or for an earlier reply (410)."""

    status = 410


def link_lifetime() -> dt.timedelta:
    return dt.timedelta(days=clock_rules().RATING_LINK_DAYS)


def make_token(ticket: Ticket) -> str:
    return signing.dumps({"t": ticket.pk, "r": ticket.round}, salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, int]:
    """Return (ticket id, round); a DomainError with a clear message when expired or tampered with."""
    try:
        data = signing.loads(token, salt=SALT, max_age=link_lifetime())
    except signing.SignatureExpired:
        raise RatingLinkGone(
            _("This rating link has expired. Rate the reply from “My requests” or call the unit."),
            code="rating_link_expired",
        ) from None
    except signing.BadSignature:
        raise DomainError(INVALID_MESSAGE, code="rating_link_invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("t"), int) or not isinstance(data.get("r"), int):
        raise DomainError(INVALID_MESSAGE, code="rating_link_invalid")
    return int(data["t"]), int(data["r"])


def rating_path(ticket: Ticket) -> str:
    """The site-relative rating link for the ticket's current round."""
    return reverse("intake:rate", kwargs={"token": make_token(ticket)})


def rating_url(ticket: Ticket) -> str:
    """The absolute rating link carried by the reply notification."""
    return settings.JIESU_SITE_URL + rating_path(ticket)
