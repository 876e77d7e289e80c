"""Where insight meets the tickets app: it subscribes to the dispatch and provides the pages' hints."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from jiesu.insight import repeats, selectors, services
from jiesu.tickets.hints import GroupHint, UnitHint, provide
from jiesu.tickets.models import Ticket
from jiesu.tickets.services.base import TicketEvent, subscribe_in_transaction


def on_ticket_event(event: TicketEvent) -> None:
    """R9.5: the first dispatch is recorded against the suggestion, in the dispatch's transaction."""
    if event.name == "dispatched":
        services.dispatch_suggestion_record(
            ticket_id=event.ticket_id, chosen_unit_id=event.data["lead_unit_id"], actor_id=event.actor_id
        )


def dispatch_hints(tickets: Sequence[Ticket]) -> dict[int, list[UnitHint]]:
    """The three likeliest lead units of each ticket (one model call for the page, one query for the units)."""
    if not tickets:
        return {}
    ranked = selectors.suggest_many([f"{t.subject} {t.content}" for t in tickets])
    units = selectors.units_by_name([s.unit for row in ranked for s in row])
    return {
        t.pk: [UnitHint(units[s.unit].pk, s.unit, s.confidence) for s in row if s.unit in units]
        for t, row in zip(tickets, ranked, strict=True)
    }


def task_force_hints(ticket_ids: Sequence[int]) -> dict[int, list[GroupHint]]:
    """R6.4: the task forces each ticket is linked to (the ticket page shows them; one query)."""
    return {
        pk: [
            GroupHint(f.name, reverse("insight:task_force", args=[f.pk]), f.get_status_display())
            for f in forces
        ]
        for pk, forces in selectors.task_forces_of(ticket_ids).items()
    }


def connect() -> None:
    subscribe_in_transaction(on_ticket_event)
    provide(
        dispatch=dispatch_hints, repeats=repeats.for_tickets, probe=repeats.for_probe, groups=task_force_hints
    )
