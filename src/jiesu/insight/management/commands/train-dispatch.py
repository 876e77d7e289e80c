"""`jiesu train-dispatch [--limit N]`: learn a new version of the dispatch suggestion now (R9.5).

The worker does the same every night; the Office can ask for it on the insight page. Prints the new version as
one JSON line."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jiesu.insight import services
from jiesu.insight.models import DispatchModel


class Command(BaseCommand):
    help = "Train a new version of the dispatch suggestion from the remit and the closed tickets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=services.TRAINING_LIMIT, help="newest closed tickets to learn from"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        version = services.dispatch_model_train(trigger=DispatchModel.Trigger.COMMAND, limit=options["limit"])
        summary = {
            "version": version.pk,
            "tickets": version.tickets,
            "remit_documents": version.remit_documents,
            "units": len(version.units),
            "seconds": version.seconds,
            "trained_at": version.trained_at.isoformat(),
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
