"""R7.1 online rating: the reply notification carries a link (no sign-in) to rate the reply.

The link holds a random nonce issued when the formal reply is sent (``issue``) and kept, hashed, in a
``RatingLink`` row of that round; the nonce is signed and timestamped with the site's secret (Django's signing) so
the link expires after ``RATING_LINK_DAYS`` (default 7). Nothing in it can be guessed: knowing the site's key, or
a ticket's id, is not enough to rate. It works once — a used link, or a round that already has its follow-up
result, refuses it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiesu.tickets.errors import DomainError
from jiesu.tickets.models import RatingLink, Ticket
from jiesu.workcalendar.rules import clock_rules

SALT = "jiesu.tickets.rating.v2"
INVALID_MESSAGE = gettext_lazy("This rating link is not valid. Check that it was copied in full.")


class RatingLinkGone(DomainError):
    """The link was genuine but can no longer be used: expired, already used, or for an earlier reply (410)."""

    status = 410


def link_lifetime() -> dt.timedelta:
    return dt.timedelta(days=clock_rules().RATING_LINK_DAYS)


def _digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def issue(ticket: Ticket, at: dt.datetime) -> str:
    """Issue the rating link of the ticket's current round (called by the service sending the formal reply, in
    its transaction) and return its token. A round has one link: issuing again replaces it."""
    nonce = secrets.token_urlsafe(24)
    RatingLink.objects.update_or_create(
        ticket=ticket,
        round=ticket.round,
        defaults={"nonce_hash": _digest(nonce), "issued_at": at, "used_at": None},
    )
    return signing.dumps({"n": nonce}, salt=SALT)


def read_token(token: str) -> RatingLink:
    """The link a token names (its ticket loaded); a DomainError with a clear message when it is expired,
    tampered with or unknown."""
    try:
        data = signing.loads(token, salt=SALT, max_age=link_lifetime())
    except signing.SignatureExpired:
        raise RatingLinkGone(
            _("This rating link has expired. Rate the reply from “My requests” or call the unit."),
            code="rating_link_expired",
        ) from None
    except signing.BadSignature:
        raise DomainError(INVALID_MESSAGE, code="rating_link_invalid") from None
    nonce = data.get("n") if isinstance(data, dict) else None
    link = None
    if isinstance(nonce, str) and nonce:
        link = RatingLink.objects.select_related("ticket").filter(nonce_hash=_digest(nonce)).first()
    if link is None:
        raise DomainError(INVALID_MESSAGE, code="rating_link_invalid")
    return link


def rating_path(token: str) -> str:
    """The site-relative rating link of a token."""
    return reverse("intake:rate", kwargs={"token": token})


def rating_url(token: str) -> str:
    """The absolute rating link carried by the reply notification."""
    return settings.JIESU_SITE_URL + rating_path(token)
