"""`jiesu analysis hot-topics --days 7 [--json] [--record]`: the hot topics of the last days (R9.1).
`jiesu analysis seasonal [--json] [--record]`: the coming 4 weeks' seasonal peaks of every unit (R9.4).

With ``--json`` prints ``[{"label", "tickets": [numbers], "requesters", "units", "since"}]``, biggest topic
first; ``--record`` also keeps them and alerts the Office of new ones (what the worker does every hour).
``jiesu analysis high-frequency [--semester 2026-autumn] [--unit CODE] [--record] [--json]`` prints a semester's
high-frequency issues per unit (R9.2) as kept, ``--record`` recomputing them first (what the worker does nightly
for the current semester).
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
from jiesu.insight import contingency, frequency, hot, peaks, seasonal, services
from jiesu.insight.models import SeasonalModel
from jiesu.org.models import Unit

MAX_DAYS = 92


class Command(JsonErrorCommand):
    help = "Analyses of the requests: the hot topics (R9.1), the high-frequency issues (R9.2), the seasonal peaks (R9.4)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="analysis", required=True)
        topics = sub.add_parser("hot-topics", help="clusters of similar requests that are hot now")
        topics.add_argument("--days", type=int, default=7, help="the window, in days (default 7)")
        topics.add_argument("--json", action="store_true", help="print JSON")
        topics.add_argument(
            "--record", action="store_true", help="keep them and alert the Office of new ones"
        )

        issues = sub.add_parser("high-frequency", help="each unit's high-frequency issues of a semester")
        issues.add_argument("--semester", default="", help="e.g. 2026-autumn (default: the current one)")
        issues.add_argument("--unit", default="", help="a unit's code (default: every unit)")
        issues.add_argument("--json", action="store_true", help="print JSON")
        issues.add_argument("--record", action="store_true", help="recompute and keep them first")

        season = sub.add_parser("seasonal", help="the seasonal peaks of the coming 4 weeks")
        season.add_argument("--json", action="store_true", help="print JSON")
        season.add_argument(
            "--record", action="store_true", help="compute a new version and send the notices"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["analysis"] == "high-frequency":
            self._high_frequency(options)
            return
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

    def _high_frequency(self, options: dict[str, Any]) -> None:
        semester = frequency.parse(options["semester"]) if options["semester"] else frequency.current()
        if semester is None:
            keys = ", ".join(s.key for s in frequency.choices())
            raise CliError("bad_arguments", f"--semester must be one of {keys}", field="semester")
        units = None
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CliError("not_found", f"no unit with code {options['unit']}", field="unit")
            units = [unit.pk]
        if options["record"]:
            with translation.override(settings.LANGUAGE_CODE):
                frequency.frequent_topics_record(semester=semester)
        lines = [
            {
                "unit": group.unit.name,
                "rank": line.rank,
                "label": line.topic.label,
                "requests": line.tickets,
                "share": round(line.share, 4),
                "requesters": line.topic.requesters,
                "repeats": line.repeats,
                "reopened": line.reopened,
                "previous_semester": line.topic.previous,
                "measures": len(line.measures),
            }
            for group in frequency.ranking(semester, units)
            for line in group.topics
        ]
        if options["json"]:
            self.stdout.write(
                json.dumps({"semester": semester.key, "topics": lines}, ensure_ascii=False, indent=2)
            )
            return
        for item in lines:
            self.stdout.write(
                f"{item['unit']} #{item['rank']} {item['label']}: {item['requests']} requests "
                f"({item['share']:.0%}), previous semester {item['previous_semester']}"
            )
        if not lines:
            self.stdout.write(f"no high-frequency issue in {semester.key}")

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
