"""`jiesu ledger-export --out FILE.xlsx [--unit CODE] [--from DATE] [--to DATE]`: big ledger exports off the web.

Uses the same ``LedgerReport`` and workbook writer as the web export (constant memory), school-wide or for one
unit's ledger (tickets it leads or co-handles, R10.3). Contacts are masked unless ``--full-contacts`` is given;
every run is recorded in ``LedgerExport`` like a web export.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from jiesu.ledger import services
from jiesu.ledger.models import LedgerExport
from jiesu.ledger.permissions import Scope, ScopeKind
from jiesu.ledger.reports import LedgerFilter, LedgerReport
from jiesu.org.models import Unit


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = "Export the ledger (R8.1) to an .xlsx file, school-wide or for one unit, with constant memory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="the .xlsx file to write")
        parser.add_argument("--unit", help="a unit code: that unit's ledger (tickets it leads or co-handles)")
        parser.add_argument(
            "--from", dest="received_from", type=_date, help="received on or after (YYYY-MM-DD)"
        )
        parser.add_argument("--to", dest="received_to", type=_date, help="received on or before (YYYY-MM-DD)")
        parser.add_argument("--full-contacts", action="store_true", help="write contacts unmasked (audited)")

    def handle(self, *args: Any, **options: Any) -> None:
        scope = Scope(ScopeKind.SCHOOL)
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"no unit with code {options['unit']!r}")
            scope = Scope(ScopeKind.UNIT, frozenset({unit.pk}))
        start, end = options["received_from"], options["received_to"]
        if start and end and start > end:
            raise CommandError("--from is after --to")
        report = LedgerReport(
            user=None, scope=scope, filters=LedgerFilter(received_from=start, received_to=end)
        )
        full = bool(options["full_contacts"])
        with translation.override(settings.LANGUAGE_CODE):
            rows = report.write_xlsx(options["out"], full_for_operator=full)
        services.ledger_export_record(
            actor=None, report=report, row_count=rows, source=LedgerExport.Source.COMMAND, full_contacts=full
        )
        self.stdout.write(f"{rows} rows → {options['out']}")
