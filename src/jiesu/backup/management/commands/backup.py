"""`jiesu backup --out FILE.tar`: a consistent snapshot of the database and the attachments, with a manifest
(versions, counts, the history's SHA-256, every member's SHA-256). Failures print ``{"error": {"code",
"message"}}`` on stderr and exit with status 2; no partial archive is left."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from jiesu.backup.archive import backup_create
from jiesu.backup.errors import BackupError
from jiesu.cli import CliError, JsonErrorCommand


class Command(JsonErrorCommand):
    help = "Back up the database and the attachments into one tar file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="the .tar file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CliError("bad_arguments", f"no such folder: {out.parent}")
        try:
            result = backup_create(out=out)
        except BackupError as error:
            raise CliError(error.code, error.message) from None
        finally:
            out.with_name(out.name + ".partial").unlink(missing_ok=True)
        summary = {
            "archive": str(result.path),
            "tickets": result.manifest["counts"].get("tickets_ticket", 0),
            "history_sha256": result.manifest["history_sha256"],
            "files": len(result.manifest["files"]),
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
