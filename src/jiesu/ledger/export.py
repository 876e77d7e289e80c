"""The ledger as an Excel workbook (R8.1), written with constant memory.

How it stays constant at a million rows:

* the database is read with ``values_list(...).iterator(chunk_size=2000)``: no model instances, no result cache,
  at most one chunk in memory (a server-side cursor on PostgreSQL, ``fetchmany`` on SQLite);
* clock flags come from two correlated subqueries on the ``(ticket, kind, round)`` unique index, not from a
  prefetch of every clock;
* openpyxl's ``write_only`` workbook serialises each appended row straight into a temporary XML file and writes
  strings inline (no shared-string table that would grow with the row count); ``save()`` then zips that file
  into the target.

Because an .xlsx is a zip whose central directory comes last, the web view writes the workbook into an
anonymous temporary file and streams that file back with ``FileResponse`` (``views.export``). That trades
first-byte latency for simplicity and correctness; memory stays flat either way. Exports too large for a web
request go through ``jiesu ledger-export``, which uses this same code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from jiesu import xlsx
from jiesu.ledger.permissions import ContactPolicy
from jiesu.org.models import RequesterKind
from jiesu.privacy import mask_email, mask_phone
from jiesu.tickets.models import (
    Channel,
    Clock,
    ClockKind,
    Followup,
    FollowupOutcome,
    Level,
    Reply,
    Ticket,
    TicketType,
)
from jiesu.tickets.states import CLOSED_STATUSES, Status

EXPORT_FIELDS = (
    "number",
    "received_at",
    "channel",
    "type",
    "campus__name",
    "subject",
    "lead_unit__name",
    "level",
    "status",
    "round",
    "response_on_time",
    "reply_on_time",
    "next_due_at",
    "overdue_count",
    "requester_kind",
    "requester_name",
    "anonymous",
    "contact_phone",
    "contact_email",
    "lead_unit_id",
    "requester_id",
    # R2.6 referrals: the source's own deadline, whether it was met, whether the report back was on time.
    "source_due_at",
    "source_on_time",
    "report_back_on_time",
    # Issue 14 item 6: the ledger as a working tool — what was asked, what was answered, how it ended.
    "content",
    "formal_reply",
    "followup_outcome",
    "followup_resolved",
    "closed_at",
    # Not written: which ticket, for the history of a full-contact export (issue 17 item 4).
    "id",
)
_LEAD, _REQUESTER, _ID = (EXPORT_FIELDS.index(f) for f in ("lead_unit_id", "requester_id", "id"))


def shows_full(values: tuple[Any, ...], policy: ContactPolicy) -> bool:
    """Whether this exported row carries the full contact under ``policy``."""
    return policy.full(values[_LEAD], values[_REQUESTER])


def ticket_id(values: tuple[Any, ...]) -> int:
    return int(values[_ID])


COLUMN_WIDTHS = (
    16,
    17,
    12,
    8,
    10,
    40,
    18,
    10,
    14,
    6,
    10,
    10,
    17,
    8,
    10,
    10,
    14,
    24,
    17,
    10,
    10,
    50,
    50,
    12,
    10,
    17,
    16,
)


def headers() -> list[str]:
    """The column headers, in the active language (Chinese in production)."""
    return [
        _("Ticket number"),
        _("Received at (local time)"),
        _("Channel"),
        _("Type"),
        _("Campus"),
        _("Subject"),
        _("Lead unit"),
        _("Level"),
        _("Status"),
        _("Round"),
        _("Response on time"),
        _("Reply on time"),
        _("Next deadline"),
        _("Overdue"),
        _("Requester kind"),
        _("Requester name"),
        _("Phone"),
        _("Email"),
        _("Referral source's deadline"),
        _("Source's deadline met"),
        _("Reported back on time"),
        _("Content"),
        _("Formal reply"),
        _("Satisfaction"),
        _("Resolved"),
        _("Closed at"),
        _("Closing kind"),
    ]


def _on_time(kind: str) -> Subquery:
    """The latest round's on-time flag of one clock kind (None while the clock runs or when there is none): its
    live clock's, never a superseded one's (R4.9; a clock replacing a missed one is met late, R4.2)."""
    clocks = (
        Clock.objects.live().filter(ticket=OuterRef("pk"), kind=kind).order_by("-round").values("on_time")[:1]
    )
    return Subquery(clocks)


def work_annotations() -> dict[str, Subquery]:
    """What the ledger shows beside each ticket, as correlated subqueries on indexed foreign keys: the latest
    sent formal reply's text, and the latest round's follow-up (satisfaction and whether it was resolved)."""
    reply = Reply.objects.filter(
        ticket=OuterRef("pk"), stage=Reply.Stage.FORMAL, state=Reply.State.SENT
    ).order_by("-round", "-sent_at", "-id")
    followup = Followup.objects.filter(ticket=OuterRef("pk")).order_by("-round")
    return {
        "formal_reply": Subquery(reply.values("body")[:1]),
        "followup_outcome": Subquery(followup.values("outcome")[:1]),
        "followup_resolved": Subquery(followup.values("resolved")[:1]),
    }


def closing_kind(status: str, status_labels: dict[str, str]) -> str:
    """How the ticket was closed (销账, closed as explained …), "" while it is open."""
    return status_labels.get(status, status) if status in CLOSED_STATUSES else ""


def export_queryset(qs: QuerySet[Ticket]) -> QuerySet[Any]:
    """The rows to export as tuples in ``EXPORT_FIELDS`` order, newest first (the received_at index)."""
    return (
        qs.annotate(
            response_on_time=_on_time(ClockKind.RESPONSE),
            reply_on_time=_on_time(ClockKind.REPLY),
            source_on_time=_on_time(ClockKind.SOURCE),
            report_back_on_time=_on_time(ClockKind.REPORT_BACK),
            **work_annotations(),
        )
        .order_by("-received_at", "-id")
        .values_list(*EXPORT_FIELDS)
    )


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: write the Asia/Shanghai wall time."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def labels() -> dict[str, dict[str, str]]:
    """Choice labels in the active language, resolved once per export rather than once per row."""
    return {
        "channel": {k: str(v) for k, v in Channel.choices},
        "type": {k: str(v) for k, v in TicketType.choices},
        "level": {k: str(v) for k, v in Level.choices},
        "status": {k: str(v) for k, v in Status.choices},
        "requester_kind": {k: str(v) for k, v in RequesterKind.choices},
        "outcome": {k: str(v) for k, v in FollowupOutcome.choices},
        "yes_no": {"yes": _("Yes"), "no": _("No"), "anonymous": _("Anonymous")},
    }


def format_row(
    values: tuple[Any, ...], *, policy: ContactPolicy, labels: dict[str, dict[str, str]], now: dt.datetime
) -> list[Any]:
    """One ticket as a worksheet row; contacts masked unless the policy shows them in full (R10.2)."""
    (
        number,
        received_at,
        channel,
        type_,
        campus,
        subject,
        lead_unit,
        level,
        status,
        round_,
        response_ok,
        reply_ok,
        next_due,
        overdue_count,
        requester_kind,
        name,
        anonymous,
        phone,
        email,
        lead_unit_id,
        requester_id,
        source_due,
        source_ok,
        report_back_ok,
        content,
        formal_reply,
        outcome,
        resolved,
        closed_at,
        _ticket_id,
    ) = values
    late = bool(overdue_count) or (next_due is not None and next_due <= now)
    full = policy.full(lead_unit_id, requester_id)
    yes, no = labels["yes_no"]["yes"], labels["yes_no"]["no"]
    return [
        number,
        _local(received_at),
        labels["channel"].get(channel, channel),
        labels["type"].get(type_, type_),
        campus,
        subject,
        lead_unit or "",
        labels["level"].get(level, level),
        labels["status"].get(status, status),
        round_,
        _flag(response_ok, yes, no),
        _flag(reply_ok, yes, no),
        _local(next_due),
        yes if late else no,
        labels["requester_kind"].get(requester_kind, requester_kind),
        labels["yes_no"]["anonymous"] if anonymous else name,
        phone if full else mask_phone(phone),
        email if full else mask_email(email),
        _local(source_due),
        _flag(source_ok, yes, no),
        _flag(report_back_ok, yes, no),
        content,
        formal_reply or "",
        labels["outcome"].get(outcome, outcome) if outcome else "",
        _flag(resolved, yes, no),
        _local(closed_at),
        closing_kind(status, labels["status"]),
    ]


def _flag(value: bool | None, yes: str, no: str) -> str:
    return "" if value is None else (yes if value else no)


def write_workbook(target: Any, rows: Iterable[list[Any]]) -> int:
    """Write the header and ``rows`` to ``target`` with a write-only workbook; returns the row count."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_("Ledger"))
    for index, width in enumerate(COLUMN_WIDTHS):
        ws.column_dimensions[get_column_letter(index + 1)].width = width
    ws.freeze_panes = "A2"
    ws.append(headers())
    count = 0
    for row in rows:
        ws.append(xlsx.row(ws, row))
        count += 1
    wb.save(target)
    return count
