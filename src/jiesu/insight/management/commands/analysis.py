"""`jiesu analysis hot-topics --days 7 [--json] [--record]`: the hot topics of the last days (R9.1).
`jiesu analysis seasonal [--json] [--record]`: the coming 4 weeks' seasonal peaks of every unit (R9.4).

With ``--json`` prints ``[{"label", "tickets": [numbers], "requesters", "units", "since"}]``, biggest topic
first; ``--record`` also keeps them and alerts the Office of new ones (what the worker does every hour).
``seasonal --record`` computes a new version of the expectations and sends the notices 4 weeks ahead (what the
worker does every night); without it the newest stored version is read. ``--json`` prints ``{"model": {...},
"peaks": [{"unit", "topic", "start", "end", "weeks", "expected", "normal", "past", "past_partial", "plan"}]}``. Bad input
prints ``{"error": {"code", "message", "field"}}`` on stderr and exits with status 2.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.utils import timezone, translation

from jiesu.cli import CliError, JsonErrorCommand
from jiesu.insight import contingency, hot, peaks, seasonal, services
from jiesu.insight.models import SeasonalModel

MAX_DAYS = 92


class Command(JsonErrorCommand):
    help = "Analyses of the requests: the hot topics (R9.1), the seasonal peaks (R9.4)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="analysis", required=True)
        topics = sub.add_parser("hot-topics", help="clusters of similar requests that are hot now")
        topics.add_argument("--days", type=int, default=7, help="the window, in days (default 7)")
        topics.add_argument("--json", action="store_true", help="print JSON")
        topics.add_argument(
            "--record", action="store_true", help="keep them and alert the Office of new ones"
        )

        season = sub.add_parser("seasonal", help="the seasonal peaks of the coming 4 weeks")
        season.add_argument("--json", action="store_true", help="print JSON")
        season.add_argument(
            "--record", action="store_true", help="compute a new version and send the notices"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["analysis"] == "seasonal":
            self._seasonal(record=options["record"], as_json=options["json"])
            return
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

    def _seasonal(self, *, record: bool, as_json: bool) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            if record:
                contingency.seasonal_refresh(trigger=SeasonalModel.Trigger.COMMAND)
            model = seasonal.latest()
            if model is None:
                raise CliError("not_computed", "no seasonal computation yet: run with --record")
            coming = peaks.upcoming(model, None, timezone.localdate())
        found = [
            {
                "unit": p.unit.name,
                "topic": p.topic.label,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "weeks": p.week_numbers,
                "expected": p.expected,
                "normal": p.topic.normal,
                "past": {year: n for year, n, _partial in p.past},
                "past_partial": [year for year, _n, partial in p.past if partial],
                "plan": p.plan.state if p.plan else None,
            }
            for p in coming
        ]
        if as_json:
            about = {
                "version": model.pk,
                "computed_at": timezone.localtime(model.computed_at).isoformat(),
                "tickets": model.tickets,
                "topics": model.topics,
                "years": model.years,
            }
            self.stdout.write(json.dumps({"model": about, "peaks": found}, ensure_ascii=False, indent=2))
            return
        for p in found:
            plan = p["plan"] or "no plan"
            self.stdout.write(
                f"{p['unit']} {p['topic']}: from {p['start']} about {p['expected']}/week "
                f"(normal {p['normal']}), {plan}"
            )
        if not found:
            self.stdout.write("no peak in the coming 4 weeks")
