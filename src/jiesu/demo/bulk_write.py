"""Writing the bulk loader's rows: ``bulk_create`` per kind of row, tickets first (the database gives the ids)."""

from __future__ import annotations

from django.db import connection

from jiesu.demo.bulk_story import Built
from jiesu.tickets.models import Clock, Event, Followup, FollowupAttempt, Reply, Ticket, UnreachableReview

BATCH_SIZE = 2000  # rows per INSERT


class Writer:
    """Inserts built requests, a batch of them at a time, in the caller's transaction."""

    def write_built(self, built: list[Built]) -> None:
        """Tickets first (their ids come back from the insert), then the rows pointing at them; replies before
        the history rows that name them."""
        Ticket.objects.bulk_create([item.ticket for item in built], batch_size=BATCH_SIZE)
        Reply.objects.bulk_create([r for item in built for r in item.replies], batch_size=BATCH_SIZE)
        for item in built:
            for event, reply in item.reply_refs:
                event.after["reply"] = reply.pk
        Clock.objects.bulk_create([c for item in built for c in item.clocks], batch_size=BATCH_SIZE)
        Event.objects.bulk_create([e for item in built for e in item.events], batch_size=BATCH_SIZE)
        Followup.objects.bulk_create([f for item in built for f in item.followups], batch_size=BATCH_SIZE)
        FollowupAttempt.objects.bulk_create(
            [a for item in built for a in item.attempts], batch_size=BATCH_SIZE
        )
        UnreachableReview.objects.bulk_create(
            [r for item in built for r in item.reviews], batch_size=BATCH_SIZE
        )

    def analyze(self) -> None:
        """Fresh planner statistics after a large load (PostgreSQL; SQLite plans without them)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
