"""`jiesu ledger-export --out FILE.xlsx [--unit CODE] [--from DATE] [--to DATE] [--full-contacts --reason TEXT]`.

Big ledger exports off the web. Uses the same ``LedgerReport`` and workbook writer as the web export (constant
memory), school-wide or for one unit's ledger (tickets it leads or co-handles, R10.3). Contacts are masked unless
``--full-contacts`` is given with a ``--reason`` (issue 17 item 4); every run is recorded in ``LedgerExport`` like
a web export, and a full-contact run notes itself in each exported ticket's history. Failures print
``{"error": {"code", "message"}}`` on stderr and exit with status 2; nothing is written.
"""

from __future__ import annotations

import datetime as dt
from array import array
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.utils import translation

from jiesu.cli import CliError, JsonErrorCommand
from jiesu.ledger import services
from jiesu.ledger.models import LedgerExport
from jiesu.ledger.permissions import Scope, ScopeKind
from jiesu.ledger.reports import LedgerFilter, LedgerReport
from jiesu.org.models import Unit
from jiesu.tickets.errors import DomainError


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CliError("bad_arguments", f"not a date (YYYY-MM-DD): {value}") from None


class Command(JsonErrorCommand):
    help = "Export the ledger (R8.1) to an .xlsx file, school-wide or for one unit, with constant memory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="the .xlsx file to write")
        parser.add_argument("--unit", help="a unit code: that unit's ledger (tickets it leads or co-handles)")
        parser.add_argument(
            "--from", dest="received_from", type=_date, help="received on or after (YYYY-MM-DD)"
        )
        parser.add_argument("--to", dest="received_to", type=_date, help="received on or before (YYYY-MM-DD)")
        parser.add_argument(
            "--full-contacts", action="store_true", help="write contacts unmasked (needs --reason; audited)"
        )
        parser.add_argument("--reason", default="", help="why full contacts are exported (recorded)")

    def handle(self, *args: Any, **options: Any) -> None:
        scope = Scope(ScopeKind.SCHOOL)
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CliError("unknown_unit", f"no unit with code {options['unit']!r}")
            scope = Scope(ScopeKind.UNIT, frozenset({unit.pk}))
        start, end = options["received_from"], options["received_to"]
        if start and end and start > end:
            raise CliError("bad_arguments", "--from is after --to")
        full = bool(options["full_contacts"])
        reason = ""
        if full:
            try:
                reason = services.export_reason_clean(options["reason"])
            except DomainError as error:
                raise CliError(error.code, str(error)) from None
        elif options["reason"]:
            raise CliError("bad_arguments", "--reason is only for --full-contacts")
        report = LedgerReport(
            user=None, scope=scope, filters=LedgerFilter(received_from=start, received_to=end)
        )
        full_ids: array[int] = array("q")
        out = Path(options["out"])
        try:
            with translation.override(settings.LANGUAGE_CODE):
                rows = report.write_xlsx(out, full_contacts=full, full_ids=full_ids)
            services.ledger_export_record(
                actor=None,
                report=report,
                row_count=rows,
                source=LedgerExport.Source.COMMAND,
                full_contacts=full,
                reason=reason,
                full_ids=full_ids,
            )
        except BaseException:
            out.unlink(missing_ok=True)  # an unrecorded export must not stay on disk
            raise
        self.stdout.write(f"{rows} rows → {out}")
