"""`jiesu import-referrals FILE --source 12345`: import a referral sheet (R2.6) from the command line.

The same services as the page: the sheet is read and judged (``--dry-run`` stops there and writes nothing),
then recorded in chunks through the one intake path. Errors are one JSON object on stderr (exit status 2 for
bad input: not an Excel file, a missing column …); ``--json`` prints the outcome as JSON on stdout. When rows
were refused the exit status is 1 and each is listed with its errors (``failures``). Without ``--dry-run`` a
sheet with no row to record writes nothing either.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from jiesu.cli import CliError, JsonErrorCommand
from jiesu.org.models import Campus, User
from jiesu.org.selectors import roles_for
from jiesu.referrals.models import ReferralImport
from jiesu.referrals.services import referral_import_check, referral_import_now, referral_import_upload
from jiesu.referrals.sheet import SheetError
from jiesu.tickets.errors import DomainError
from jiesu.tickets.models import TicketType


def _actor(username: str | None) -> User:
    """The Office person recorded as the importer: the one named, else the first active Office person."""
    people = User.objects.filter(is_active=True).order_by("pk")
    if username:
        person = people.filter(username=username).first()
        if person is None:
            raise CliError("unknown_actor", f"no active user {username!r}")
        return person
    for person in people.filter(memberships__isnull=False).distinct():
        if roles_for(person).is_office:
            return person
    raise CliError("no_actor", "no active Office person to record the import; name one with --actor")


def _outcome(batch: ReferralImport, *, dry_run: bool) -> dict[str, Any]:
    return {
        "batch": batch.pk,
        "dry_run": dry_run,
        "source": batch.source_name,
        "status": batch.status,
        "rows": batch.total_rows,
        "valid": batch.valid_rows,
        "created": batch.created_count,
        "duplicates": batch.duplicate_count,
        "failed": batch.failed_count,
        "failures": batch.failures,
    }


class Command(JsonErrorCommand):
    help = (
        "Import a referral sheet (.xlsx: 工单编号, 受理时间, 诉求人, 联系电话, 诉求内容, optional 办理时限 and 来源). "
        "A referral already imported (same source and reference) is skipped, never recorded twice."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the sheet (.xlsx)")
        parser.add_argument("--source", required=True, help="the referring body (12345 for the city hotline)")
        parser.add_argument("--campus", help="campus code (default: the first campus)")
        parser.add_argument("--type", default=TicketType.HELP, choices=TicketType.values, help="request type")
        parser.add_argument("--actor", help="username of the Office person recorded as the importer")
        parser.add_argument("--dry-run", action="store_true", help="read and check only; write nothing")
        parser.add_argument("--json", action="store_true", help="print the outcome as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CliError("file_not_found", f"no such file: {path}")
        campus = (
            Campus.objects.filter(code=options["campus"]).first()
            if options["campus"]
            else Campus.objects.first()
        )
        if campus is None:
            raise CliError("unknown_campus", f"no campus {options['campus'] or ''!r}".strip())
        fields = {
            "actor": _actor(options["actor"]),
            "filename": path.name,
            "data": path.read_bytes(),
            "source_name": options["source"],
            "campus": campus,
            "type": options["type"],
        }
        try:
            batch = referral_import_check(**fields)
            if not options["dry_run"] and batch.valid_rows:
                batch = referral_import_now(actor=fields["actor"], batch=referral_import_upload(**fields))
        except SheetError as error:
            failure = CliError(error.code, error.message)
            failure.details = dict(error.details)  # e.g. the missing columns' keys
            raise failure from None
        except DomainError as error:
            raise CliError(error.code, str(error.message), field=error.field) from None
        outcome = _outcome(batch, dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(outcome, ensure_ascii=False))
            if batch.failed_count:
                sys.exit(1)
            return
        self.stdout.write(
            f"{path.name}: {outcome['rows']} rows, {outcome['valid']} valid, {outcome['created']} created, "
            f"{outcome['duplicates']} skipped as duplicates, {outcome['failed']} failed"
            + (" (dry run: nothing written)" if options["dry_run"] else "")
        )
        for failure in batch.failures[:20]:
            self.stdout.write(f"  row {failure['line']}: {'; '.join(failure['errors'])}")
        if batch.failed_count:
            sys.exit(1)  # the sheet was read, but some rows were refused (listed above / in "failures")
