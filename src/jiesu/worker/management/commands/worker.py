"""``jiesu worker``: run the background worker (huey consumer) — the minute sweep and outbox delivery."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the background worker: the minute sweep (deadlines, digests) and notification delivery."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--threads", type=int, default=settings.WORKER_THREADS, help="worker threads (default 2)"
        )
        parser.add_argument(
            "--no-periodic", action="store_true", help="do not schedule the minute sweep on this worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from jiesu.worker import tasks  # noqa: PLC0415 - registers the tasks with the queue
        from jiesu.worker.queue import huey  # noqa: PLC0415

        # huey logs every task run at INFO (a sweep a minute); the sweep logs what it found itself.
        logging.getLogger("huey").setLevel(logging.WARNING)
        logging.getLogger("jiesu").setLevel(logging.INFO)
        logging.basicConfig(format="%(asctime)s %(name)s %(levelname)s %(message)s")
        periodic = not options["no_periodic"]
        if periodic:
            # Catch up at once after a restart or downtime instead of waiting for the next minute.
            tasks.sweep()
        consumer = huey.create_consumer(
            workers=max(1, options["threads"]),
            worker_type="thread",
            periodic=periodic,
            check_worker_health=True,
            max_delay=2.0,  # an idle worker looks at the queue at least every 2 s
        )
        self.stdout.write(
            f"Worker: queue {settings.QUEUE_URL} ({options['threads']} threads). Ctrl-C stops it."
        )
        self.stdout.flush()
        consumer.run()
