"""`jiesu assess --from 2026-09-01 --to 2026-12-31 [--json]`: the assessment (R8.6) per lead unit.

With ``--json`` a JSON list, one object per unit ranked by score: ``unit``, ``received``, ``response_rate``,
``ontime_rate``, ``resolution_rate``, ``satisfaction_rate`` (fractions 0–1, null when nothing to rate),
``score`` (points 0–100) and ``rank``. Bad input prints ``{"error": {"code", "message", "field"}}`` on stderr
and exits with status 2.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.utils import translation

from jiesu.cli import CliError, JsonErrorCommand
from jiesu.supervision.assessment import AssessmentReport
from jiesu.supervision.figures import Period, PeriodError


class Command(JsonErrorCommand):
    help = "Assess every lead unit over the requests received in a period (R8.6)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", required=True, help="first day received (YYYY-MM-DD)")
        parser.add_argument("--to", dest="last", required=True, help="last day received (YYYY-MM-DD)")
        parser.add_argument("--json", action="store_true", help="print a JSON list")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            try:
                period = Period.parse(options["first"], options["last"])
            except PeriodError as exc:
                raise CliError("bad_arguments", exc.message, field=exc.field) from None
            report = AssessmentReport(period)
            if options["json"]:
                self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
                return
            for row in report.rows():
                data = row.as_json()
                rates = "  ".join(
                    f"{key.removesuffix('_rate')}={'—' if data[key] is None else f'{data[key]:.1%}'}"
                    for key in ("response_rate", "ontime_rate", "resolution_rate", "satisfaction_rate")
                )
                self.stdout.write(
                    f"{data['rank'] or '—':>3}  {data['unit']}  received={data['received']}  {rates}  "
                    f"score={'—' if data['score'] is None else data['score']}"
                )
