"""`jiesu report weekly --week 2026-W48 --out FILE.docx [--json]`: the weekly report's draft (R8.3).

Writes the draft document (the week's figures now, the Office's saved texts) to ``--out``; with ``--json`` it
also prints the figures as JSON (``week``, ``from``, ``to``, ``received``, ``by_channel``, ``by_type``,
``units`` with their rates, ``total``, ``overdue``, ``important``, ``meeting``). Bad input prints
``{"error": {"code", "message", "field"}}`` on stderr and exits with status 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.utils import translation

from jiesu.cli import CliError, JsonErrorCommand
from jiesu.reporting.services import weekly_docx
from jiesu.reporting.weekly import Week, WeekError


class Command(JsonErrorCommand):
    help = "Write the weekly report's draft as a Word document (R8.3)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="report", required=True)
        weekly = sub.add_parser("weekly", help="the weekly report (Monday to Monday, Asia/Shanghai)")
        weekly.add_argument("--week", required=True, help="ISO week, e.g. 2026-W48")
        weekly.add_argument("--out", required=True, help="the .docx file to write")
        weekly.add_argument("--json", action="store_true", help="also print the figures as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            try:
                week = Week.parse(options["week"])
            except WeekError as exc:
                raise CliError("bad_arguments", exc.message, field="week") from None
            out = Path(options["out"])
            if not out.parent.is_dir():
                raise CliError("bad_arguments", f"no such directory: {out.parent}", field="out")
            report, content = weekly_docx(week)
            out.write_bytes(content)
            figures = report.figures()
            if options["json"]:
                self.stdout.write(json.dumps(figures.as_json(), ensure_ascii=False, indent=2))
            else:
                self.stdout.write(
                    f"{week.label}: {figures.received} requests; wrote {out} ({len(content)} bytes)"
                )
