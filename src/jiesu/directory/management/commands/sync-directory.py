"""`jiesu sync-directory`: bring units and people in line with the campus directory (LDAP), as the nightly task
does. Idempotent; ``--dry-run`` reports what would change and writes nothing; ``--json`` prints the report."""

from __future__ import annotations

import json
from typing import Any

from jiesu.cli import CliError, JsonErrorCommand
from jiesu.directory.models import SyncRun
from jiesu.directory.services import SyncReport
from jiesu.directory.sync import DirectoryUnavailable, directory_sync


def render(report: SyncReport) -> str:
    lines = ["directory sync" + (" (dry run: nothing written)" if report.dry_run else "")]
    for label, tally in (("units", report.units), ("people", report.people)):
        lines.append(
            f"{label}: {tally.created} created, {tally.updated} updated, {tally.retired} retired, "
            f"{tally.unchanged} unchanged"
        )
    lines.append(f"errors: {len(report.errors)}")
    lines.extend(f"  {e['target']} {e['key']}: {e['message']}" for e in report.errors)
    return "\n".join(lines)


class Command(JsonErrorCommand):
    help = (
        "Sync units and people from the campus directory (JIESU_LDAP_*): creates, updates and retires what the "
        "directory keeps; roles from the configured group mapping. Idempotent."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = directory_sync(trigger=SyncRun.Trigger.COMMAND, dry_run=options["dry_run"])
        except DirectoryUnavailable as exc:
            raise CliError("directory_unavailable", str(exc), exit_status=1) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(render(report))
