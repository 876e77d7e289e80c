"""The ledger report (台账, R8.1): one class, one availability check, several outputs.

Rows are read newest first on the ``ticket_received`` index (received_at desc, id desc) with keyset paging, so
a page costs the same at 1,000 tickets and at 1,000,000. The page never counts the whole filtered set: it shows
"more" links and a count capped at ``COUNT_CAP``; the summary (counts by status, channel and type) is one
``values().annotate()`` query that the page loads separately.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.ledger.export import (
    closing_kind,
    export_queryset,
    format_row,
    labels,
    shows_full,
    ticket_id,
    work_annotations,
    write_workbook,
)
from jiesu.ledger.permissions import (
    MASKED,
    Scope,
    contact_policy,
    may_export_full_contacts,
    scoped_tickets,
    scopes_for,
)
from jiesu.org.models import User
from jiesu.tickets.models import Channel, Ticket, TicketType
from jiesu.tickets.selectors import TicketFilter, apply_filter, clock_status
from jiesu.tickets.states import Status

PAGE_SIZE = 50
COUNT_CAP = 1000
# R10.3: an aggregate-only reader (the organization department) never sees a count under 5, nor one it could be
# worked out from: a small cell names people as surely as a row does.
SMALL_CELL = 5
PAGE_FIELDS = (
    "id",
    "number",
    "received_at",
    "channel",
    "type",
    "subject",
    "status",
    "level",
    "round",
    "urgent",
    "next_due_at",
    "overdue_count",
    "lead_unit__name",
    "campus__name",
    "source_due_at",  # R2.6: a referral's own deadline
    "content",
    "closed_at",
)
WORK_FIELDS = ("formal_reply", "followup_outcome", "followup_resolved")


@dataclass(frozen=True)
class LedgerFilter:
    """The ledger's filters (R8.1): received dates, channel, type, lead unit, status, overdue, campus, search."""

    received_from: dt.date | None = None
    received_to: dt.date | None = None
    channel: str = ""
    type: str = ""
    status: str = ""
    unit_id: int | None = None
    campus_id: int | None = None
    overdue: bool = False
    q: str = ""

    def as_json(self) -> dict[str, Any]:
        """The non-empty filters, JSON-ready (for the export audit)."""
        data = asdict(self)
        return {
            k: (v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in data.items()
            if v not in (None, "", False)
        }


def overdue_q(now: dt.datetime) -> Q:
    """A ticket is late when a clock is overdue now or any clock was met late or breached (R4.8)."""
    return Q(next_due_at__lte=now) | Q(overdue_count__gt=0)


@dataclass(frozen=True)
class Cursor:
    """A keyset position: the last row's (received_at, id). Encoded as ``<epoch microseconds>.<id>``."""

    received_at: dt.datetime
    id: int

    def encode(self) -> str:
        delta = self.received_at - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        return f"{delta // dt.timedelta(microseconds=1)}.{self.id}"

    @classmethod
    def decode(cls, raw: str) -> Cursor | None:
        micros, _dot, pk = raw.partition(".")
        try:
            at = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(micros))
            return cls(at, int(pk))
        except (ValueError, OverflowError):
            return None


@dataclass
class Page:
    rows: list[dict[str, Any]]
    next_cursor: str | None  # older rows
    prev_cursor: str | None  # newer rows


@dataclass
class Tally:
    value: str
    label: str
    n: int | None  # None: suppressed (small cell)


@dataclass
class Summary:
    """Counts for the filtered set (aggregates only: safe for the organization department, R10.3). A count is
    None where it is suppressed (``suppressed`` says whether any is)."""

    total: int | None = 0
    late: int | None = 0
    by_status: list[Tally] = field(default_factory=list)
    by_channel: list[Tally] = field(default_factory=list)
    by_type: list[Tally] = field(default_factory=list)
    suppressed: bool = False

    @property
    def groups(self) -> list[tuple[str, list[Tally], str]]:
        """(title, tallies, key) per breakdown, for display."""
        return [
            (_("By status"), self.by_status, "status"),
            (_("By channel"), self.by_channel, "channel"),
            (_("By type"), self.by_type, "type"),
        ]


def _tallies(counts: dict[str, int], choices: list[tuple[str, Any]]) -> list[Tally]:
    return [Tally(value, str(label), counts[value]) for value, label in choices if counts.get(value)]


def _small(n: int) -> bool:
    return 0 < n < SMALL_CELL


def _suppress_tallies(tallies: list[Tally]) -> None:
    """Hide every count under ``SMALL_CELL``; when only one is hidden, the shown total would give it away, so
    the next smallest is hidden too (secondary suppression)."""
    hidden = [t for t in tallies if t.n is not None and _small(t.n)]
    for t in hidden:
        t.n = None
    if len(hidden) == 1:
        rest = sorted((t for t in tallies if t.n is not None), key=lambda t: t.n or 0)
        if rest:
            rest[0].n = None


def suppress_small_cells(summary: Summary) -> Summary:
    """R10.3 for aggregate-only readers: no count under 5, and none derivable from what is shown."""
    total, late = summary.total or 0, summary.late or 0
    groups = (summary.by_status, summary.by_channel, summary.by_type)
    if total < SMALL_CELL:
        summary.total = summary.late = None
        for tally in (t for group in groups for t in group):
            tally.n = None
    else:
        if _small(late) or _small(total - late):  # "late" and its complement, "not late"
            summary.late = None
        for group in groups:
            _suppress_tallies(group)
    summary.suppressed = (
        summary.total is None or summary.late is None or any(t.n is None for g in groups for t in g)
    )
    return summary


class LedgerReport:
    """The tracked register of tickets, per unit or school-wide (R8.1), as a page, a summary or a workbook."""

    def __init__(
        self, *, user: User | None, scope: Scope, filters: LedgerFilter, now: dt.datetime | None = None
    ) -> None:
        self.user = user
        self.scope = scope
        self.filters = filters
        self.now = now or timezone.now()

    @staticmethod
    def is_available_to(user: User | Any) -> bool:
        """Office, leaders, inspectors, unit members and assessors (summary only); never a plain requester."""
        return bool(scopes_for(user))

    @classmethod
    def for_user(cls, user: User, filters: LedgerFilter, scope_kind: str = "") -> LedgerReport:
        """The report in the scope the person asked for, else their widest one; PermissionDenied if none."""
        scopes = scopes_for(user)
        if not scopes:
            raise PermissionDenied
        chosen = next((s for s in scopes if s.kind == scope_kind), scopes[0])
        return cls(user=user, scope=chosen, filters=filters)

    @property
    def shows_rows(self) -> bool:
        return self.scope.shows_rows

    # -- queries -------------------------------------------------------------------------------------------
    def tickets(self) -> QuerySet[Ticket]:
        """The scoped, filtered tickets (unordered)."""
        f = self.filters
        qs = scoped_tickets(self.user, self.scope)
        common = TicketFilter(
            status=f.status,
            channel=f.channel,
            type=f.type,
            # R10.3: aggregates only — no search by number or words, which would single out a ticket.
            q=f.q.strip() if self.shows_rows else "",
            unit_id=f.unit_id,
            received_from=f.received_from,
            received_to=f.received_to,
        )
        qs = apply_filter(qs, common, self.now)
        if f.campus_id:
            qs = qs.filter(campus_id=f.campus_id)
        if f.overdue:
            qs = qs.filter(overdue_q(self.now))
        return qs

    def _rows(self) -> QuerySet[Ticket]:
        if not self.shows_rows:
            raise PermissionDenied  # R10.3: aggregates only
        return self.tickets()

    def page(self, *, after: str = "", before: str = "", size: int = PAGE_SIZE) -> Page:
        """One page of rows, newest first, by keyset on (received_at, id)."""
        qs = (
            self._rows()
            .annotate(clock_state=clock_status(self.now), **work_annotations())
            .values(*PAGE_FIELDS, *WORK_FIELDS, "clock_state")
        )
        newer = Cursor.decode(before) if before else None
        older = Cursor.decode(after) if after and not newer else None
        if newer:
            qs = qs.filter(
                Q(received_at__gt=newer.received_at) | Q(received_at=newer.received_at, id__gt=newer.id)
            )
            rows = list(qs.order_by("received_at", "id")[: size + 1])
            has_newer, rows = len(rows) > size, rows[:size][::-1]
            has_older = True
        else:
            if older:
                qs = qs.filter(
                    Q(received_at__lt=older.received_at) | Q(received_at=older.received_at, id__lt=older.id)
                )
            rows = list(qs.order_by("-received_at", "-id")[: size + 1])
            has_older, rows = len(rows) > size, rows[:size]
            has_newer = older is not None
        names = labels()
        for row in rows:
            row["late"] = bool(row["overdue_count"]) or row["clock_state"] == "overdue"
            for key in ("channel", "type", "status"):
                row[f"{key}_label"] = names[key].get(row[key], row[key])
            outcome = row["followup_outcome"]
            row["outcome_label"] = names["outcome"].get(outcome, outcome) if outcome else ""
            row["closing_label"] = closing_kind(row["status"], names["status"])
        return Page(
            rows=rows,
            next_cursor=Cursor(rows[-1]["received_at"], rows[-1]["id"]).encode()
            if rows and has_older
            else None,
            prev_cursor=Cursor(rows[0]["received_at"], rows[0]["id"]).encode()
            if rows and has_newer
            else None,
        )

    def capped_count(self, cap: int = COUNT_CAP) -> tuple[int, bool]:
        """How many rows match, counting at most ``cap`` (a bounded query); True when there are more."""
        n = self._rows().order_by()[: cap + 1].count()
        return min(n, cap), n > cap

    def summary(self) -> Summary:
        """Counts by status, channel and type in one grouped query (at most 7 × 9 × 5 groups)."""
        groups = (
            self.tickets()
            .order_by()
            .values("status", "channel", "type")
            .annotate(n=Count("id"), late=Count("id", filter=overdue_q(self.now)))
        )
        status: dict[str, int] = {}
        channel: dict[str, int] = {}
        kind: dict[str, int] = {}
        total = late = 0
        for g in groups:  # one row per group, not per ticket
            status[g["status"]] = status.get(g["status"], 0) + g["n"]
            channel[g["channel"]] = channel.get(g["channel"], 0) + g["n"]
            kind[g["type"]] = kind.get(g["type"], 0) + g["n"]
            total += g["n"]
            late += g["late"]
        found = Summary(
            total=total,
            late=late,
            by_status=_tallies(status, Status.choices),
            by_channel=_tallies(channel, Channel.choices),
            by_type=_tallies(kind, TicketType.choices),
        )
        return found if self.shows_rows else suppress_small_cells(found)

    # -- export --------------------------------------------------------------------------------------------
    def may_export_full_contacts(self) -> bool:
        """Whether this person may ask for an export with full contacts (issue 17 item 4)."""
        return self.shows_rows and may_export_full_contacts(self.user)

    def export_rows(
        self, *, full_contacts: bool = False, full_ids: array[int] | None = None, chunk_size: int = 2000
    ) -> Iterator[list[Any]]:
        """Every row of the ledger, formatted for the workbook, streamed from the database in chunks.

        Contacts are masked unless ``full_contacts`` (asked for with a reason); then R10.2 decides per row, and
        the id of every ticket whose contact is written in full is appended to ``full_ids``.
        """
        policy = contact_policy(self.user, full_for_operator=True) if full_contacts else MASKED
        names = labels()
        for values in export_queryset(self._rows()).iterator(chunk_size=chunk_size):
            if full_ids is not None and full_contacts and shows_full(values, policy):
                full_ids.append(ticket_id(values))
            yield format_row(values, policy=policy, labels=names, now=self.now)

    def write_xlsx(
        self, target: Any, *, full_contacts: bool = False, full_ids: array[int] | None = None
    ) -> int:
        """Write the workbook to ``target`` (a path or binary file); returns the number of ticket rows."""
        return write_workbook(target, self.export_rows(full_contacts=full_contacts, full_ids=full_ids))


__all__ = ["COUNT_CAP", "PAGE_SIZE", "Cursor", "LedgerFilter", "LedgerReport", "Page", "Summary"]
