"""Helpers the channels' services share: the log, text checks."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.channels.models import ChannelLog
from jiesu.org.models import User
from jiesu.tickets.errors import DomainError, NotAllowed
from jiesu.tickets.services.intake import check_texts


def log(actor: User | None, action: str, subject: str, **details: Any) -> ChannelLog:
    """Append one audit row, in the caller's transaction."""
    return ChannelLog.objects.create(
        at=timezone.now(), actor=actor, action=action, subject=subject, details=details
    )


def text(value: str, field: str, *, limit: int, required: str | None = None, multiline: bool = False) -> str:
    """A person's text, trimmed: no control characters, at most ``limit`` characters, present if required."""
    value = (value or "").strip()
    check_texts({field: value}, multiline=(field,) if multiline else ())
    if required is not None and not value:
        raise DomainError(required, field=field)
    if len(value) > limit:
        raise DomainError(
            _("The text is too long (at most %(limit)d characters).") % {"limit": limit}, field=field
        )
    return value


def require(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed(_("You may not do this."))
