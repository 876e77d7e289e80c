"""`jiesu demo-data`: realistic demo requests with valid histories (issue 4 item 12; bulk path for benchmarks)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jiesu.demo.generator import delete_demo_tickets
from jiesu.demo.people import demo_tickets_q
from jiesu.demo.progress import Progress, Silent
from jiesu.tickets.models import Ticket
from jiesu.tickets.services.base import muted
from jiesu.tickets.sweep import settle


class Command(BaseCommand):
    help = (
        "Write demo requests that fit each unit's remit, across channels, types and campuses, with histories "
        "played through the real services (or, with --bulk, built with the services' builders and inserted in "
        "batches, for benchmarks). "
        "Re-running adds more; --reset deletes the demo tickets first."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--tickets", type=int, default=3000, help="how many requests (default 3000)")
        parser.add_argument(
            "--days", type=int, default=120, help="received over the last N days (default 120)"
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed: same seed, same data")
        parser.add_argument("--reset", action="store_true", help="delete the demo tickets first")
        parser.add_argument(
            "--bulk",
            action="store_true",
            help="build the rows with the tickets builders and insert them in batches: fast, for benchmarks",
        )
        parser.add_argument(
            "--recent-days",
            type=int,
            default=0,
            help="play only the last N days through the services and bulk-load the older requests (history)",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument(
            "--no-channels",
            action="store_true",
            help="skip the channels' records (letters and the board, the reception rota, symposiums, petitions)",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when demo tickets exist (for `make demo`)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tickets, days = options["tickets"], options["days"]
        if tickets < 1 or days < 1:
            raise CommandError("--tickets and --days must be positive")
        if options["recent_days"] < 0:
            raise CommandError("--recent-days must not be negative")
        if options["if_empty"] and not options["reset"] and Ticket.objects.filter(demo_tickets_q()).exists():
            self.stdout.write("demo tickets already loaded (use --reset to replace them)")
            self._channels(options)  # a demo loaded before the channels step gets them now (idempotent)
            return
        label = "demo-data (bulk)" if options["bulk"] else "demo-data"
        progress = Silent(tickets) if options["quiet"] else Progress(tickets, label=label, stream=sys.stderr)
        if options["recent_days"] and not options["bulk"]:
            from jiesu.demo import semester

            if options["reset"]:
                delete_demo_tickets()
            with muted():
                result = semester.load(
                    tickets=tickets,
                    days=days,
                    recent_days=options["recent_days"],
                    seed=options["seed"],
                    progress=(lambda n, label: Silent(n))
                    if options["quiet"]
                    else (lambda n, label: Progress(n, label=label, stream=sys.stderr)),
                )
            self.stdout.write(f"recorded {settle(timezone.now())} past missed deadlines")
        elif options["bulk"]:
            from jiesu.demo.bulk import load

            result = load(
                tickets=tickets, days=days, seed=options["seed"], reset=options["reset"], progress=progress
            )
        else:
            from jiesu.demo.generator import generate

            try:
                with muted():  # the past is written, nobody is notified of it
                    result = generate(
                        tickets=tickets,
                        days=days,
                        seed=options["seed"],
                        reset=options["reset"],
                        progress=progress,
                    )
            except RuntimeError as error:
                raise CommandError(str(error)) from error
            # What a running worker would have recorded by now (R4.8): past breaches, due-soon marks.
            settled = settle(timezone.now())
            self.stdout.write(f"recorded {settled} past missed deadlines")
        if result.deleted:
            self.stdout.write(f"deleted {result.deleted} earlier demo tickets")
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(result.by_status.items()))
        self.stdout.write(f"wrote {result.created} demo tickets in {result.seconds:.1f} s ({statuses})")
        self._channels(options)

    def _channels(self, options: dict[str, Any]) -> None:
        """R2.1, R2.2, R2.4, R2.5: the channels' own records, through their services (once)."""
        if options["no_channels"]:
            return
        from jiesu.demo import channels

        done = channels.load(seed=options["seed"])
        if done is None:
            self.stdout.write("channel records already present")
            return
        settle(timezone.now())  # their clocks already in the due-soon window, as the history's (R4.8)
        self.stdout.write(
            f"wrote {done.letters} letters ({done.published} on the board), {done.sessions} reception days "
            f"({done.bookings} bookings), {done.symposiums} symposiums, {done.petitions} petitions "
            f"in {done.seconds:.1f} s"
        )
