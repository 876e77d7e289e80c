"""Domain errors: every refusal carries a stable code and a clear Chinese message (via gettext)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused the request. ``code`` is stable for the API; ``message`` is for people."""

    code = "invalid"
    status = 400

    def __init__(self, message: object, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        if code:
            self.code = code

    def __str__(self) -> str:
        return str(self.message)


class TransitionError(DomainError):
    """The ticket's state does not allow this action now."""

    code = "transition_not_allowed"
    status = 409


class NotAllowed(DomainError):
    """The person may see the ticket but may not take this action."""

    code = "forbidden"
    status = 403


class Conflict(DomainError):
    """Someone else changed the ticket first."""

    code = "conflict"
    status = 409


STATE_MESSAGE = _("“%(action)s” is not allowed while the ticket is “%(status)s”.")
ACTOR_MESSAGE = _("You may not “%(action)s” on this ticket.")


class BadValue(DomainError):
    """A value no request may carry (a control character, a date outside 2000–2100, a list of addresses):
    refused as invalid input (422 in the API), before anything is written."""

    code = "validation_error"
    status = 422
