"""`jiesu suggest-unit`: one request per line on stdin, one JSON line per request on stdout (R9.5).

    echo "宿舍暖气不热" | jiesu suggest-unit
    {"units": [{"unit": "后勤管理处", "confidence": 0.82}, …]}

An empty line answers ``{"units": []}``, so the output keeps one line per input line."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jiesu.insight import selectors

BATCH = 256


class Command(BaseCommand):
    help = "Suggest the three most likely lead units for each request read from stdin (one per line)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--top", type=int, default=3, help="how many units per request (default 3)")

    def handle(self, *args: Any, **options: Any) -> None:
        batch: list[str] = []
        for line in sys.stdin:
            batch.append(line.strip())
            if len(batch) >= BATCH:
                self._write(batch, options["top"])
                batch = []
        self._write(batch, options["top"])

    def _write(self, batch: list[str], top: int) -> None:
        texts = [t for t in batch if t]
        ranked = iter(selectors.suggest_many(texts, k=top)) if texts else iter(())
        for text in batch:
            units = next(ranked) if text else []
            row = {"units": [{"unit": s.unit, "confidence": s.confidence} for s in units]}
            self.stdout.write(json.dumps(row, ensure_ascii=False))
