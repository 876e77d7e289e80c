"""Supervision's domain errors reuse the tickets app's classes, so views and the API map them the same way."""

from jiesu.tickets.errors import DomainError, NotAllowed, TransitionError

__all__ = ["DomainError", "NotAllowed", "TransitionError"]
