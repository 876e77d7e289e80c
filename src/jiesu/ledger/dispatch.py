"""Bulk dispatch from the ledger (issue 14 item 6): the Office ticks the new requests it sees in the register
and sends them to one lead unit. Each ticket goes through ``tickets.services.ticket_dispatch`` in its own
transaction (R4.5), so one refusal never leaves another half-dispatched; the result is told per ticket."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404
from django.utils.translation import gettext as _

from jiesu.org.models import Unit, User
from jiesu.org.selectors import roles_for
from jiesu.tickets import services
from jiesu.tickets.errors import DomainError
from jiesu.tickets.permissions import get_ticket_for

BULK_MAX = 50  # one ledger page


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (number, reason in words)


def may_bulk_dispatch(user: User) -> bool:
    """The Office (dispatchers and the duty room) dispatches (R4.5)."""
    return roles_for(user).is_office


def bulk_dispatch(*, actor: User, numbers: list[str], lead_unit: Unit) -> BulkResult:
    """Dispatch each ticket to ``lead_unit`` on its own; refusals are collected, not raised."""
    result = BulkResult()
    for number in dict.fromkeys(numbers[:BULK_MAX]):
        try:
            services.ticket_dispatch(actor=actor, ticket=get_ticket_for(actor, number), lead_unit=lead_unit)
        except Http404:
            result.refused.append((number, _("No such ticket among those you may see.")))
        except DomainError as refused:
            result.refused.append((number, str(refused.message)))
        else:
            result.done.append(number)
    return result
