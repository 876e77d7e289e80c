"""`jiesu analysis hot-topics --days 7 [--json] [--record]`: the hot topics of the last days (R9.1).

With ``--json`` prints ``[{"label", "tickets": [numbers], "requesters", "units", "since"}]``, biggest topic
first; ``--record`` also keeps them and alerts the Office of new ones (what the worker does every hour). Bad
input prints ``{"error": {"code", "message", "field"}}`` on stderr and exits with status 2.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.utils import translation

from jiesu.cli import CliError, JsonErrorCommand
from jiesu.insight import hot, services

MAX_DAYS = 92


class Command(JsonErrorCommand):
    help = "Analyses of the requests: the hot topics (R9.1)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="analysis", required=True)
        topics = sub.add_parser("hot-topics", help="clusters of similar requests that are hot now")
        topics.add_argument("--days", type=int, default=7, help="the window, in days (default 7)")
        topics.add_argument("--json", action="store_true", help="print JSON")
        topics.add_argument(
            "--record", action="store_true", help="keep them and alert the Office of new ones"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if not 1 <= days <= MAX_DAYS:
            raise CliError("bad_arguments", f"--days must be between 1 and {MAX_DAYS}", field="days")
        with translation.override(settings.LANGUAGE_CODE):
            found = hot.find(days=days)
            if options["record"]:
                services.hot_topics_record(days=days, found=found)
        if options["json"]:
            self.stdout.write(json.dumps([t.as_json() for t in found], ensure_ascii=False, indent=2))
            return
        for topic in found:
            self.stdout.write(
                f"{topic.label}: {len(topic.numbers)} requests from {topic.requesters} people since "
                f"{topic.since:%Y-%m-%d} ({', '.join(topic.units) or '-'})"
            )
        if not found:
            self.stdout.write("no hot topic")
