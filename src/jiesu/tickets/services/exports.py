"""History of bulk exports: each ticket whose full contact left the system in an export says so (R10.2, R10.4).

Called by the ledger app inside the transaction that records the export, so the audit row and the history rows
commit together. Set-based: one ``bulk_create`` per batch of ids, never a query per ticket.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from jiesu.org.models import User
from jiesu.tickets.models import Event
from jiesu.tickets.services.base import now

CONTACTS_EXPORTED = "contacts_exported"
BATCH = 2000


def contacts_exported_record(
    *, actor: User | None, ticket_ids: Iterable[int], export_id: int, reason: str
) -> int:
    """Append one ``contacts_exported`` history row per ticket (not public); returns how many were written."""
    at = now()
    actor_id = actor.pk if actor is not None else None
    ids = iter(ticket_ids)
    written = 0
    while batch := list(islice(ids, BATCH)):
        Event.objects.bulk_create(
            [
                Event(
                    ticket_id=ticket_id,
                    at=at,
                    actor_id=actor_id,
                    action=CONTACTS_EXPORTED,
                    after={"export": export_id},
                    reason=reason,
                )
                for ticket_id in batch
            ]
        )
        written += len(batch)
    return written
