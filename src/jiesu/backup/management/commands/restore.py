"""`jiesu restore FILE.tar [--force]`: put a `jiesu backup` archive back.

Checks every member's SHA-256 against the manifest before touching anything, refuses a database that already
holds rows unless ``--force``, restores the database (all or nothing) and the attachments, then compares the
row counts and the history checksum with the manifest. Failures print ``{"error": {"code", "message"}}`` on
stderr and exit with status 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from jiesu.backup.archive import backup_restore
from jiesu.backup.errors import BackupError
from jiesu.cli import CliError, JsonErrorCommand


class Command(JsonErrorCommand):
    help = "Restore the database and the attachments from a `jiesu backup` archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the .tar file written by `jiesu backup`")
        parser.add_argument("--force", action="store_true", help="replace a database that already holds data")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CliError("bad_arguments", f"no such file: {archive}")
        try:
            manifest = backup_restore(archive=archive, force=options["force"])
        except BackupError as error:
            raise CliError(error.code, error.message) from None
        summary = {
            "restored": str(archive),
            "created_at": manifest["created_at"],
            "tickets": manifest["counts"].get("tickets_ticket", 0),
            "history_sha256": manifest["history_sha256"],
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
