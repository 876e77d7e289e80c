"""Reads: worklists, queues and the ticket page's data. Every list is scoped by permissions.visible_tickets
and sorts on indexed, stored columns (R4.8): the clock status is derived in the query, never in Python."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from jiesu.org.models import Role, User
from jiesu.org.selectors import roles_for
from jiesu.tickets.models import (
    DIRECT_CHANNELS,
    Clock,
    ClockKind,
    CohandlingRequest,
    Event,
    Followup,
    FollowupAttempt,
    Note,
    RedispatchRequest,
    Reply,
    Ticket,
    TicketCohandlingUnit,
    UnreachableReview,
)
from jiesu.tickets.permissions import visible_tickets
from jiesu.tickets.states import CLOSED_STATUSES, OPEN_STATUSES, Status
from jiesu.tickets.text import search_text, similarity

OK, DUE_SOON, OVERDUE = "ok", "due_soon", "overdue"
LIST_FIELDS = (
    "id",
    "number",
    "subject",
    "type",
    "channel",
    "status",
    "urgent",
    "received_at",
    "level",
    "round",
    "next_due_at",
    "next_soon_at",
    "next_clock",
    "lead_unit__name",
    "campus__name",
    "requester_name",
)


def clock_status(now: dt.datetime | None = None) -> Case:
    """R4.8 as SQL: overdue past the due instant, due soon past the soon instant, else ok."""
    now = now or timezone.now()
    return Case(
        When(next_due_at__isnull=True, then=Value("")),
        When(next_due_at__lte=now, then=Value(OVERDUE)),
        When(next_soon_at__lte=now, then=Value(DUE_SOON)),
        default=Value(OK),
        output_field=CharField(),
    )


@dataclass(frozen=True)
class TicketFilter:
    status: str = ""
    channel: str = ""
    type: str = ""
    clock: str = ""  # ok / due_soon / overdue
    q: str = ""
    unit_id: int | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None


def apply_filter(qs: QuerySet[Ticket], f: TicketFilter, now: dt.datetime | None = None) -> QuerySet[Ticket]:
    now = now or timezone.now()
    if f.status:
        qs = qs.filter(status=f.status)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.type:
        qs = qs.filter(type=f.type)
    if f.unit_id:
        qs = qs.filter(lead_unit_id=f.unit_id)
    if f.clock == OVERDUE:
        qs = qs.filter(next_due_at__lte=now)
    elif f.clock == DUE_SOON:
        qs = qs.filter(next_due_at__gt=now, next_soon_at__lte=now)
    elif f.clock == OK:
        qs = qs.filter(next_soon_at__gt=now)
    if f.received_from:
        qs = qs.filter(received_at__gte=_start_of(f.received_from))
    if f.received_to:
        qs = qs.filter(received_at__lt=_start_of(f.received_to + dt.timedelta(days=1)))
    if f.q:
        qs = qs.filter(Q(number__startswith=f.q) | Q(subject__icontains=f.q))
    return qs


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _listing(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return qs.select_related("lead_unit", "campus").annotate(clock_state=clock_status())


def unit_inbox(user: User, f: TicketFilter | None = None) -> QuerySet[Ticket]:
    """Open tickets the person's units lead, nearest deadline first (R4.8)."""
    units = roles_for(user).unit_ids(Role.UNIT_HEAD, Role.INFO_OFFICER, Role.UNIT_STAFF)
    qs: QuerySet[Ticket] = Ticket.objects.filter(lead_unit_id__in=units, status__in=OPEN_STATUSES)
    if f:
        qs = apply_filter(qs, f)
    # Nearest deadline first; tickets without an open clock last (NULLS LAST on both databases).
    return _listing(qs).order_by(F("next_due_at").asc(nulls_last=True), "id")


def approval_queue(user: User) -> QuerySet[Ticket]:
    """R4.3: replies awaiting this head's approval."""
    units = roles_for(user).unit_ids(Role.UNIT_HEAD)
    return _listing(Ticket.objects.filter(lead_unit_id__in=units, status=Status.PENDING_APPROVAL)).order_by(
        "next_due_at", "id"
    )


def dispatch_queue(user: User) -> QuerySet[Ticket]:
    """R4.5: the Office's queue, oldest first."""
    return _listing(visible_tickets(user, Ticket.objects.filter(status=Status.NEW))).order_by(
        "received_at", "id"
    )


def overdue_board(user: User, now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """Open tickets past a deadline, across units, most overdue first (uses the partial index on next_due_at)."""
    now = now or timezone.now()
    return _listing(visible_tickets(user, Ticket.objects.filter(next_due_at__lte=now))).order_by(
        "next_due_at", "id"
    )


def overdue_by_unit(user: User, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    now = now or timezone.now()
    rows = (
        visible_tickets(user, Ticket.objects.filter(next_due_at__lte=now))
        .values("lead_unit__name")
        .annotate(n=Count("id"))
        .order_by("-n", "lead_unit__name")
    )
    return [dict(row) for row in rows]


def redispatch_queue() -> QuerySet[RedispatchRequest]:
    return (
        RedispatchRequest.objects.filter(decision=RedispatchRequest.Decision.PENDING)
        .select_related("ticket", "from_unit", "suggested_unit", "requested_by")
        .order_by("requested_at")
    )


def redispatch_counts() -> dict[str, int]:
    """R3.2: approved and rejected requests are counted."""
    rows = RedispatchRequest.objects.values("decision").annotate(n=Count("id"))
    return {row["decision"]: row["n"] for row in rows}


def instruction_requests(user: User) -> QuerySet[Note]:
    """R6.3: open requests for this leader's instruction."""
    return (
        Note.objects.filter(kind=Note.Kind.ESCALATION, leader=user, answered=False)
        .select_related("ticket", "ticket__lead_unit", "author")
        .order_by("at")
    )


def cohandling_inbox(user: User) -> QuerySet[CohandlingRequest]:
    """R3.3: co-handling requests to the person's units still waiting for an answer, nearest due first."""
    units = roles_for(user).unit_ids(Role.UNIT_HEAD, Role.INFO_OFFICER, Role.UNIT_STAFF)
    return (
        CohandlingRequest.objects.filter(unit_id__in=units, answered_at__isnull=True)
        .exclude(ticket__status__in=CLOSED_STATUSES)  # a closed ticket needs no more help (R7.2)
        .select_related("ticket", "unit")
        .order_by("due_at")
    )


# --- The Office's queues after the reply (R2.6, R7.3, R7.4) ---------------------------------------------------


def report_back_missing(user: User) -> QuerySet[Ticket]:
    """R2.6: referrals whose formal reply was approved but whose result is not yet reported back to the
    referring body, the earliest report-back deadline first (annotated ``report_back_due``)."""
    open_report = Clock.objects.filter(ticket=OuterRef("pk"), kind=ClockKind.REPORT_BACK, met_at__isnull=True)
    due = open_report.order_by("due_at").values("due_at")[:1]
    qs = visible_tickets(user, Ticket.objects.filter(Exists(open_report)))
    return _listing(qs).annotate(report_back_due=Subquery(due)).order_by("report_back_due", "id")


def unreachable_review(user: User) -> QuerySet[Ticket]:
    """R7.3: tickets whose requester could not be reached, waiting for the Office, oldest first."""
    return _listing(visible_tickets(user, Ticket.objects.filter(status=Status.UNREACHABLE_REVIEW))).order_by(
        "updated_at", "id"
    )


def office_replied(user: User) -> QuerySet[Ticket]:
    """R7.4 / Art. 8.3: tickets the Office dispatched whose formal reply was sent and whose follow-up is still
    to come, nearest follow-up deadline first."""
    qs = Ticket.objects.filter(status=Status.REPLIED).exclude(channel__in=DIRECT_CHANNELS)
    return _listing(visible_tickets(user, qs)).order_by(F("next_due_at").asc(nulls_last=True), "id")


def open_instructions_of(ticket_ids: Iterable[int]) -> QuerySet[Note]:
    """R6.3: leaders' instructions on these tickets the lead unit has not yet said what it did about, oldest
    first (the ticket page's banner; the message handing a ticket to a unit)."""
    return Note.objects.filter(ticket_id__in=ticket_ids, kind=Note.Kind.INSTRUCTION, answered=False).order_by(
        "at", "id"
    )


def open_instructions(ticket: Ticket) -> QuerySet[Note]:
    """R6.3: leaders' instructions on this ticket the lead unit has not yet said what it did about."""
    return open_instructions_of([ticket.pk]).select_related("author")


def my_requests(user: User) -> QuerySet[Ticket]:
    """R10.1: the requester's own tickets, newest first."""
    return _listing(Ticket.objects.filter(requester=user)).order_by("-received_at", "-id")


def timeline(ticket: Ticket, *, public_only: bool) -> QuerySet[Event]:
    qs = Event.objects.filter(ticket=ticket).select_related("actor")
    return qs.filter(public=True) if public_only else qs


def clocks(ticket: Ticket) -> QuerySet[Clock]:
    """Every clock of the ticket, superseded ones included (R4.9), nearest deadline first."""
    return Clock.objects.filter(ticket=ticket).order_by("due_at", "id")


def reply_already_late(ticket: Ticket) -> bool:
    """R4.2: the running formal reply clock continues a planned date that was missed (the reply will be late)."""
    return (
        Clock.objects.live()
        .filter(ticket=ticket, kind="reply", met_at__isnull=True, carries_miss=True)
        .exists()
    )


def replies(ticket: Ticket, *, sent_only: bool) -> QuerySet[Reply]:
    qs = Reply.objects.filter(ticket=ticket).select_related("drafted_by", "reviewed_by")
    return qs.filter(state=Reply.State.SENT) if sent_only else qs


@dataclass(frozen=True)
class RepeatCandidate:
    ticket: Ticket
    score: float


def repeat_candidates(
    *,
    viewer: User,
    requester: User | None,
    phone: str,
    subject: str,
    content: str,
    days: int = 90,
    limit: int = 5,
    exclude_id: int | None = None,
) -> list[RepeatCandidate]:
    """R6.1: the same requester's tickets of the last 90 days, ranked by text similarity (rjieba tokens).

    R10.3: only tickets ``viewer`` may open are ever named (or scored): a candidate list is no way to learn of
    other units' tickets, nor of a person's requests."""
    if requester is None and not phone:
        return []
    since = timezone.now() - dt.timedelta(days=days)
    who = Q(requester=requester) if requester is not None else Q(contact_phone=phone)
    qs = (
        visible_tickets(viewer)
        .filter(who, received_at__gte=since)
        .only("id", "number", "subject", "status", "received_at", "search_text")
    )
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    probe = search_text(subject, content)
    scored = [RepeatCandidate(t, similarity(probe, t.search_text)) for t in qs.order_by("-received_at")[:200]]
    return sorted((c for c in scored if c.score > 0), key=lambda c: -c.score)[:limit]


def all_visible(user: User, f: TicketFilter | None = None) -> QuerySet[Ticket]:
    """R10.3: every ticket the person may open, newest first (the API's ``list=all``)."""
    qs = visible_tickets(user)
    if f:
        qs = apply_filter(qs, f)
    return _listing(qs).order_by("-received_at", "-id")


# --- Staff pages: the records a list or the ticket page needs, each in one query -----------------------------


@dataclass(frozen=True)
class ClockInfo:
    """One open clock as a worklist shows it: its kind, due instant, R4.8 state and rule in words."""

    kind: str
    due_at: dt.datetime
    state: str
    rule: str


def pending_clocks(
    ticket_ids: list[int], *, kinds: tuple[str, ...] = (), now: dt.datetime | None = None
) -> dict[int, ClockInfo]:
    """The nearest unmet clock (of ``kinds`` if given) of each ticket, for a page of tickets in one query."""
    now = now or timezone.now()
    qs = Clock.objects.live().filter(ticket_id__in=ticket_ids, met_at__isnull=True)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    state = Case(
        When(due_at__lte=now, then=Value(OVERDUE)),
        When(soon_at__lte=now, then=Value(DUE_SOON)),
        default=Value(OK),
        output_field=CharField(),
    )
    found: dict[int, ClockInfo] = {}
    rows = (
        qs.annotate(state=state)
        .order_by("ticket_id", "due_at", "id")
        .values_list("ticket_id", "kind", "due_at", "state", "rule")
    )
    for ticket_id, clock_kind, due_at, clock_state, rule in rows:
        found.setdefault(ticket_id, ClockInfo(clock_kind, due_at, clock_state, rule))
    return found


def pending_formal_replies(ticket_ids: list[int]) -> dict[int, Reply]:
    """R4.3: the draft awaiting the head's approval, per ticket, in one query."""
    qs = Reply.objects.filter(ticket_id__in=ticket_ids, stage=Reply.Stage.FORMAL, state=Reply.State.PENDING)
    return {reply.ticket_id: reply for reply in qs.select_related("drafted_by")}


def school_leaders() -> QuerySet[User]:
    """R6.3: the people a unit may ask for an instruction."""
    return (
        User.objects.filter(memberships__role=Role.LEADER, is_active=True)
        .distinct()
        .order_by("full_name", "username")
    )


def notes(ticket: Ticket) -> QuerySet[Note]:
    return Note.objects.filter(ticket=ticket).select_related("author", "leader")


def cohandling_requests(ticket: Ticket) -> QuerySet[CohandlingRequest]:
    return (
        CohandlingRequest.objects.filter(ticket=ticket)
        .select_related("unit", "requested_by", "answered_by")
        .order_by("requested_at", "id")
    )


def redispatch_requests(ticket: Ticket) -> QuerySet[RedispatchRequest]:
    return (
        RedispatchRequest.objects.filter(ticket=ticket)
        .select_related("from_unit", "suggested_unit", "new_unit", "requested_by", "decided_by")
        .order_by("requested_at", "id")
    )


def cohandler_units(ticket: Ticket) -> list[str]:
    """Names of the units named as co-handlers (R3.3)."""
    return list(
        TicketCohandlingUnit.objects.filter(ticket=ticket)
        .order_by("unit__sort_order")
        .values_list("unit__name", flat=True)
    )


# --- Follow-up (R4.6, R7) -------------------------------------------------------------------------------------


def followups_due(user: User) -> QuerySet[Ticket]:
    """R4.6: replied tickets of the person's units awaiting their follow-up, nearest follow-up deadline first.

    A replied ticket's only open clock is its follow-up, so the stored nearest deadline is the follow-up's."""
    units = roles_for(user).unit_ids(Role.UNIT_HEAD, Role.INFO_OFFICER, Role.UNIT_STAFF)
    qs = Ticket.objects.filter(lead_unit_id__in=units, status=Status.REPLIED)
    return _listing(qs).order_by(F("next_due_at").asc(nulls_last=True), "id")


def unanswered_attempts(ticket_ids: list[int]) -> dict[int, int]:
    """R7.1: unanswered call attempts of each ticket's current round, for a page of tickets in one query —
    since the Office last ordered another round of calls, if it did (R7.3: earlier ones no longer count)."""
    retried = UnreachableReview.objects.filter(
        ticket_id=OuterRef("ticket_id"),
        round=OuterRef("round"),
        decision=UnreachableReview.Decision.RETRY,
    )
    rows = (
        FollowupAttempt.objects.filter(ticket_id__in=ticket_ids, round=F("ticket__round"))
        .exclude(result=FollowupAttempt.Result.REACHED)
        .exclude(Exists(retried.filter(decided_at__gte=OuterRef("at"))))
        .values("ticket_id")
        .annotate(n=Count("id"))
        .values_list("ticket_id", "n")
    )
    return dict(rows)


@dataclass(frozen=True)
class FollowupRound:
    """One round of the follow-up as the ticket page shows it: the call attempts and the result (if any)."""

    round: int
    attempts: list[FollowupAttempt]
    result: Followup | None


def followup_rounds(ticket: Ticket) -> list[FollowupRound]:
    """R7.1 / R7.2: attempts and results per round, newest round first (two queries)."""
    attempts = FollowupAttempt.objects.filter(ticket=ticket).select_related("by").order_by("at", "id")
    results = {f.round: f for f in Followup.objects.filter(ticket=ticket).select_related("recorded_by")}
    by_round: dict[int, list[FollowupAttempt]] = {}
    for attempt in attempts:
        by_round.setdefault(attempt.round, []).append(attempt)
    current = {ticket.round} if ticket.status == Status.REPLIED else set()
    rounds = sorted(set(by_round) | set(results) | current, reverse=True)
    return [FollowupRound(r, by_round.get(r, []), results.get(r)) for r in rounds]


def rated_reply(ticket: Ticket, round_: int) -> Reply | None:
    """R7.1: the sent formal reply the requester rates (the one of the link's round)."""
    return (
        Reply.objects.filter(ticket=ticket, round=round_, stage=Reply.Stage.FORMAL, state=Reply.State.SENT)
        .order_by("-sent_at", "-id")
        .first()
    )
