"""Every write of the referrals app (R2.6, issue 15 item 5): upload a sheet (its preview), confirm it, run it.

- ``referral_import_upload`` reads and judges the whole sheet; a sheet refused as a whole (not Excel, empty,
  a required column missing) raises ``SheetError`` and records nothing. Otherwise one ``ReferralImport``
  awaits the Office's confirmation, with its figures and each faulty row's errors.
- ``referral_import_confirm`` queues it; a background worker runs it (the hook the worker app registers with
  ``on_import_requested``; without one — the command line — the caller runs it).
- ``referral_import_run`` records the sheet's valid rows through the one intake path
  (``tickets.services.ticket_create_many``: the same validation, ticket, clocks, history and notifications as
  the referral form and the API) in chunks, each committed with its ``ReferralRow`` keys and the batch's
  progress. A crash leaves the committed chunks recorded; running the batch again skips them (the database's
  unique key on (source, reference) makes a second recording impossible, even by two workers at once).
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.org.models import Campus, User
from jiesu.privacy import mask_phone
from jiesu.referrals.models import ImportStatus, ReferralImport, ReferralLog, ReferralRow
from jiesu.referrals.permissions import may_import
from jiesu.referrals.rows import Checked, check_recorded, check_sheet, pack, source_key, unpack
from jiesu.referrals.selectors import imported_numbers
from jiesu.referrals.sheet import SheetError, read_sheet
from jiesu.tickets.errors import DomainError, NotAllowed
from jiesu.tickets.models import Channel, TicketType
from jiesu.tickets.services import ticket_create_many
from jiesu.tickets.services.intake import validate

log = logging.getLogger(__name__)

CHUNK = 500  # rows recorded per transaction: progress moves, and a crash loses at most one chunk's work
MAX_FILE_BYTES = 20 * 1024 * 1024
KEPT_FAILURES = 50_000
PREVIEW_ROWS = 20

_hooks: list[Callable[[int], None]] = []


def on_import_requested(hook: Callable[[int], None]) -> None:
    """The worker app registers how a confirmed batch reaches a worker (this app never imports the queue)."""
    if hook not in _hooks:
        _hooks.append(hook)


def _log(batch: ReferralImport, actor: User | None, action: str, **details: Any) -> None:
    ReferralLog.objects.create(at=timezone.now(), actor=actor, batch=batch, action=action, details=details)


def _intake_fields(batch: ReferralImport, actor: User, fields: dict[str, Any]) -> dict[str, Any]:
    """A row's fields as ``ticket_create_many`` (and the preview's ``validate``) takes them (R2.6)."""
    return {
        **fields,
        "actor": actor,
        "channel": Channel.REFERRAL,
        "type": batch.type,
        "campus": batch.campus,
    }


def _judge(
    data: bytes, batch: ReferralImport, actor: User, *, intake: bool = True
) -> tuple[dict[str, str], list[Checked], bytes]:
    """The sheet read and every row judged, with intake's own checks (``intake``: the run leaves them to
    ``ticket_create_many``, which makes them anyway); also the judgement from the sheet alone, packed for the
    run (``rows.pack``). Nothing is written."""
    sheet = read_sheet(data)
    checked = check_sheet(sheet, default_source=batch.source_name)
    judged = pack(checked)

    def intake_check(fields: dict[str, Any]) -> str | None:
        try:
            validate(**_intake_fields(batch, actor, fields))
        except DomainError as error:
            return str(error.message)
        return None

    check_recorded(checked, imported_numbers, intake_check if intake else None)
    return sheet.columns, checked, judged


def _judged(batch: ReferralImport, actor: User) -> list[Checked]:
    """The run's rows: the upload's judgement taken up again (or, for a batch without one, the sheet read
    again), then checked against what is recorded by now."""
    checked = unpack(bytes(batch.judged)) if batch.judged else None
    if checked is None:
        return _judge(bytes(batch.content), batch, actor, intake=False)[1]
    return check_recorded(checked, imported_numbers, None)


def _failures(checked: Iterable[Checked]) -> list[dict[str, Any]]:
    return [{"line": c.line, "reference": c.reference, "errors": c.errors} for c in checked if c.errors][
        :KEPT_FAILURES
    ]


def _preview(checked: Checked) -> dict[str, Any]:
    fields = checked.fields
    received, due = fields["received_at"], fields["source_due_at"]
    return {
        "line": checked.line,
        "reference": checked.reference,
        "source": checked.source_name,
        "requester": fields["requester_name"],
        "phone": mask_phone(fields["contact_phone"]),
        "received": timezone.localtime(received).strftime("%Y-%m-%d %H:%M") if received else "",
        "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if due else "",
        "content": fields["content"][:80],
        "errors": checked.errors,
        "duplicate_of": checked.duplicate_of,
    }


def referral_import_check(
    *, actor: User, filename: str, data: bytes, source_name: str, campus: Campus, type: str
) -> ReferralImport:
    """Read and judge a sheet without writing anything: an unsaved ``ReferralImport`` with the preview's
    figures (the command line's ``--dry-run``, and the first half of ``referral_import_upload``)."""
    if not may_import(actor):
        raise NotAllowed(_("Referral sheets are imported by the Party and Administration Office."))
    source = source_key(source_name)
    if not source:
        raise DomainError(_("Name the body that referred these requests."), field="source_name")
    if len(source) > 100:  # noqa: PLR2004 - Ticket.source_name's length
        raise DomainError(_("The source's name is too long (at most 100 characters)."), field="source_name")
    if type not in TicketType.values:
        raise DomainError(_("Unknown request type."), field="type")
    if len(data) > MAX_FILE_BYTES:
        raise SheetError("too_large", _("The file is too large (at most 20 MB)."))
    batch = ReferralImport(
        source_name=source,
        campus=campus,
        type=type,
        filename=filename[:200],
        content=data,
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    columns, checked, batch.judged = _judge(data, batch, actor)
    batch.columns = columns
    batch.total_rows = len(checked)
    batch.valid_rows = sum(1 for c in checked if c.ok)
    batch.duplicate_count = sum(1 for c in checked if c.duplicate_of)
    batch.failed_count = sum(1 for c in checked if c.errors)
    batch.failures = _failures(checked)
    batch.preview = [_preview(c) for c in checked[:PREVIEW_ROWS]]
    return batch


def referral_import_upload(
    *, actor: User, filename: str, data: bytes, source_name: str, campus: Campus, type: str
) -> ReferralImport:
    """Read and judge an uploaded sheet; record it, awaiting confirmation, with its preview's figures. A sheet
    refused as a whole raises ``SheetError`` and records nothing."""
    batch = referral_import_check(
        actor=actor, filename=filename, data=data, source_name=source_name, campus=campus, type=type
    )
    with transaction.atomic():
        batch.save(force_insert=True)
        _log(batch, actor, "uploaded", rows=batch.total_rows, valid=batch.valid_rows, sha256=batch.sha256)
    return batch


RESUMABLE = (ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.FAILED)


def referral_import_confirm(
    *, actor: User, batch: ReferralImport, queue: bool = True, resume: bool = False
) -> ReferralImport:
    """The Office confirms the preview: the batch is queued and (``queue``) a worker is asked for it after the
    commit. ``resume`` queues again a batch that stopped or whose worker died: rows already recorded are
    skipped, so a second run never doubles one."""
    if not may_import(actor):
        raise NotAllowed(_("Referral sheets are imported by the Party and Administration Office."))
    if not resume and batch.valid_rows == 0:
        raise DomainError(_("No row of this sheet can be imported: correct the sheet and upload it again."))
    with transaction.atomic():
        updated = ReferralImport.objects.filter(
            pk=batch.pk, status__in=RESUMABLE if resume else (ImportStatus.PREVIEWED,)
        ).update(status=ImportStatus.QUEUED, error="")
        if updated != 1:
            raise DomainError(_("This import has already been started."), code="conflict")
        _log(batch, actor, "resumed" if resume else "confirmed")
        for hook in _hooks if queue else []:
            transaction.on_commit(lambda hook=hook: hook(batch.pk))  # type: ignore[misc]
    batch.refresh_from_db()
    return batch


def referral_import_run(
    *, batch_id: int, progress: Callable[[ReferralImport], None] | None = None
) -> ReferralImport:
    """Record the batch's valid rows in chunks (see the module's docstring). Safe to run again after a crash or
    by two workers: rows already recorded — by this batch or an earlier one — are skipped, never doubled."""
    batch = ReferralImport.objects.select_related("campus", "uploaded_by").get(pk=batch_id)
    if batch.status == ImportStatus.DONE:
        return batch
    actor = batch.uploaded_by
    with transaction.atomic():
        ReferralImport.objects.filter(pk=batch.pk).update(
            status=ImportStatus.RUNNING, started_at=timezone.now()
        )
        _log(batch, None, "started")
    try:
        _run(batch, actor, progress)
    except SheetError as error:  # the bytes were judged at upload: only a damaged row in the database
        _stop(batch, error.message)
        raise
    except Exception as error:
        _stop(batch, str(error)[:500])
        raise
    batch.refresh_from_db()
    return batch


def _stop(batch: ReferralImport, message: str) -> None:
    with transaction.atomic():
        ReferralImport.objects.filter(pk=batch.pk).update(
            status=ImportStatus.FAILED, error=message, finished_at=timezone.now()
        )
        _log(batch, None, "stopped", error=message)


@dataclass
class _Outcome:
    """What a run has done so far (committed with each chunk: the page polls it)."""

    batch: ReferralImport
    processed: int
    created: int
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)

    def save(self) -> None:
        batch = self.batch
        batch.processed_rows = self.processed
        batch.created_count = self.created
        batch.duplicates = self.duplicates
        batch.duplicate_count = len(self.duplicates)
        batch.failures = self.failures
        batch.failed_count = len(self.failures)
        batch.save(
            update_fields=[
                "processed_rows",
                "created_count",
                "duplicates",
                "duplicate_count",
                "failures",
                "failed_count",
            ]
        )


def _run(batch: ReferralImport, actor: User, progress: Callable[[ReferralImport], None] | None) -> None:
    checked = _judged(batch, actor)
    with _frozen():
        _record(batch, actor, checked, progress)


@contextmanager
def _frozen() -> Iterator[None]:
    """Python's cyclic garbage collector set aside for what exists now (``gc.freeze``: the process's modules,
    the batch's judged rows): the run creates and drops a chunk's objects by the thousand, and every full
    collection would otherwise walk all of those again — a fifth of the run's time, and growing with the sheet.
    The chunks' own objects are still collected; ``gc.unfreeze`` hands everything back at the end."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _record(
    batch: ReferralImport,
    actor: User,
    checked: list[Checked],
    progress: Callable[[ReferralImport], None] | None,
) -> None:
    mine = set(ReferralRow.objects.filter(batch=batch).values_list("line", flat=True))
    outcome = _Outcome(batch, processed=0, created=len(mine), failures=_failures(checked))
    todo: list[Checked] = []
    for item in checked:
        if item.duplicate_of and item.line in mine:
            continue  # recorded by an earlier run of this batch
        if item.duplicate_of:
            outcome.duplicates.append(
                {"line": item.line, "reference": item.reference, "number": item.duplicate_of}
            )
        elif item.ok:
            todo.append(item)
    outcome.processed = len(checked) - len(todo)
    outcome.save()
    for start in range(0, len(todo), CHUNK):
        chunk = todo[start : start + CHUNK]
        _record_chunk(batch, actor, chunk, outcome)
        outcome.processed += len(chunk)
        outcome.save()
        if progress is not None:
            progress(batch)
    with transaction.atomic():
        ReferralImport.objects.filter(pk=batch.pk).update(
            status=ImportStatus.DONE, finished_at=timezone.now()
        )
        _log(
            batch,
            None,
            "finished",
            created=outcome.created,
            duplicates=len(outcome.duplicates),
            failed=len(outcome.failures),
        )


def _record_chunk(batch: ReferralImport, actor: User, chunk: list[Checked], outcome: _Outcome) -> None:
    """One chunk in one transaction: its tickets and their keys. A key recorded meanwhile by someone else
    (another worker) rolls the chunk back, and a row intake refuses (``ticket_create_many`` names it) is set
    aside as failed; the chunk is then recorded again without them."""
    rows = list(chunk)
    for _attempt in range(len(chunk) + 3):
        known = imported_numbers({(c.source_name, c.reference) for c in rows})
        fresh = [c for c in rows if (c.source_name, c.reference) not in known]
        try:
            with transaction.atomic():
                created = ticket_create_many([_intake_fields(batch, actor, c.fields) for c in fresh])
                ReferralRow.objects.bulk_create(
                    ReferralRow(
                        batch=batch,
                        line=c.line,
                        source_name=c.source_name,
                        reference=c.reference,
                        ticket=made.ticket,
                    )
                    for c, made in zip(fresh, created, strict=True)
                )
        except IntegrityError:
            log.info("referral import %s: a chunk met keys recorded meanwhile; trying again", batch.pk)
            continue
        except DomainError as error:
            bad = fresh[getattr(error, "index", 0)]
            outcome.failures.append(
                {"line": bad.line, "reference": bad.reference, "errors": [str(error.message)]}
            )
            rows.remove(bad)
            continue
        outcome.created += len(fresh)
        outcome.duplicates.extend(
            {"line": c.line, "reference": c.reference, "number": known[(c.source_name, c.reference)]}
            for c in rows
            if (c.source_name, c.reference) in known
        )
        return
    raise DomainError(_("The import keeps meeting rows recorded at the same time; run it again."))


def referral_import_now(*, actor: User, batch: ReferralImport) -> ReferralImport:
    """Confirm and run in this process (the command line, and a page without a worker)."""
    referral_import_confirm(actor=actor, batch=batch, queue=False)
    return referral_import_run(batch_id=batch.pk)
