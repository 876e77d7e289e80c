"""The bulk loader's histories: one request's rows (ticket, clocks, events, replies) built with the tickets app's
own builders, without the per-step queries.

Clocks come from ``clockwork`` (``intake_clocks``, ``new_clock``, ``mark_met``, ``default_reply_deadline``,
``level_deadline``, ``planned_deadline``, ``show_nearest``) and the workcalendar's rules, history rows from
``services.base.history``: the same builders the services store through. What is the demo's own is the story:
intake → dispatch → acknowledge → level → initial reply → formal reply → head approval → follow-up (the reached
call, the round's result, "closed"), and when each step happens. Old requests have been followed up and closed
(the steady state of a school's database); recent ones stop where the present finds them; a few are neglected
or stall (overdue now).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from jiesu.demo import phrases, timeline
from jiesu.demo.plan import LATE_PROFILES, LATE_UNITS, weighted
from jiesu.tickets import clockwork
from jiesu.tickets.clockwork import DueRule
from jiesu.tickets.models import (
    DIRECT_CHANNELS,
    Channel,
    Clock,
    ClockKind,
    Event,
    Followup,
    FollowupAttempt,
    FollowupOutcome,
    Level,
    Reply,
    ReplyKind,
    Ticket,
    UnreachableReview,
)
from jiesu.tickets.services.base import history
from jiesu.tickets.services.followup import EXPLAINED_KINDS, max_rounds
from jiesu.tickets.states import Status
from jiesu.tickets.sweep import OUTLIVE_CLOSING
from jiesu.workcalendar import clocks as rules
from jiesu.workcalendar.core import WorkCalendar

PROFILES = (("prompt", 80), ("slow", 14), ("neglect", 5), ("stuck", 1))
# R7.1: the requester's verdict on the call (as the service-path story's); a second round is mostly settled.
VERDICTS = (
    (FollowupOutcome.SATISFIED, 68),
    (FollowupOutcome.BASICALLY_SATISFIED, 17),
    (FollowupOutcome.DISSATISFIED, 15),
)
REOPEN_REPLY = (
    "您好！回访中您反映的问题尚未完全解决，我们非常重视，已重新核查并安排专人跟进落实，相关问题已处理完毕。"
    "如仍有问题，请随时与我们联系。"
)
# R7.3 / R7.2: a few requesters never answer the follow-up call (the Office closes them as unreachable), fewer
# stay dissatisfied round after round (closed unsatisfied after three rounds); the rest answer as VERDICTS fall.
REQUESTERS = (("", 960), ("unreachable", 30), ("persistent", 10))
# A stalled request is noticed within weeks (the overdue board, supervision): older ones were handled late.
STUCK_AT_MOST = dt.timedelta(days=45)
LEVELS = (Level.DIRECT, Level.DEPARTMENT, Level.SCHOOL)
LEVEL_WEIGHTS = (62, 92, 100)  # cumulative: 62 % direct, 30 % department, 8 % school


@dataclass
class Staff:
    """User ids acting in the bulk histories."""

    workers: dict[str, list[int]]
    heads: dict[str, int]
    dispatchers: list[int]
    duty: list[int]
    clerk: int


@dataclass
class Built:
    """One request's rows, not yet saved. ``reply_refs``: history rows naming a reply, whose id the reply gets
    when it is inserted (``bulk_write`` fills it in)."""

    ticket: Ticket
    clocks: list[Clock] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    followups: list[Followup] = field(default_factory=list)
    attempts: list[FollowupAttempt] = field(default_factory=list)
    reply_refs: list[tuple[Event, Reply]] = field(default_factory=list)
    reviews: list[UnreachableReview] = field(default_factory=list)


class BulkStory:
    """Builds the rows of one request at a time; ``now`` is the present the histories stop at."""

    def __init__(self, *, rng: random.Random, calendar: WorkCalendar, staff: Staff, now: dt.datetime) -> None:
        self.rng, self.calendar, self.staff, self.now = rng, calendar, staff, now
        self.max_rounds = max_rounds()  # R7.2
        self.kind: str = ReplyKind.ANSWER  # the current round's formal reply

    def build(self, ticket: Ticket, unit: str, reply_body: str, lead_unit_id: int, unit_name: str) -> Built:
        """Complete ``ticket`` (its intake fields set, not saved) with status, clocks, events and replies."""
        rng = self.rng
        self.built = Built(ticket)
        self.unit = unit
        direct = ticket.channel in DIRECT_CHANNELS
        # As intake writes it (R2, R4.1, R4.5, R4.7): the receiving unit leads a direct channel's request.
        ticket.status = Status.DISPATCHED if direct else Status.NEW
        ticket.lead_unit_id = ticket.receiving_unit_id if direct else None
        ticket.accepted_at = ticket.received_at if direct else None  # R4.0: Office channels at their dispatch
        self.clocks: dict[str, Clock] = {}
        self.replaced: list[Clock] = []
        for clock in clockwork.intake_clocks(ticket):
            clock.ticket = ticket
            self.clocks[clock.kind] = clock
        after = {"channel": ticket.channel, "type": ticket.type, "lead_unit": unit_name if direct else None}
        self._event(
            "create", ticket.received_at, ticket.recorded_by_id, from_status="-", after=after, public=True
        )
        profile = weighted(rng, LATE_PROFILES if unit in LATE_UNITS else PROFILES)
        if profile == "stuck" and self.now - ticket.received_at > STUCK_AT_MOST:
            profile = "neglect"  # handled in the end, late: no request of last year still sits overdue
        self.late = {"neglect": rng.choice(["dispatch", "acknowledge", "reply", "approve"])}.get(profile, "")
        self.slow = profile == "slow"
        stuck = rng.choice(["dispatch", "acknowledge", "reply"]) if profile == "stuck" else ""
        self.requester = weighted(rng, REQUESTERS)
        self.kind = ReplyKind.ANSWER
        self._play(ticket, direct, stuck, reply_body, lead_unit_id, unit_name)
        self.built.clocks = [*self.replaced, *self.clocks.values()]
        clockwork.show_nearest(ticket, self.built.clocks)
        return self.built

    # --- rows, through the tickets app's builders ------------------------------------------------------

    def _clock(self, kind: ClockKind, start: dt.datetime, deadline: DueRule, at: dt.datetime) -> None:
        """``clockwork.set_clock`` in memory: the kind's clock of this round is (re)computed at ``at``; an open
        clock it replaces ends as superseded, and a passed one hands its miss on (R4.9, R4.2)."""
        old = self.clocks.get(kind)
        if old is not None and old.met_at is None and (old.started_at, old.due_at) == (start, deadline.due):
            return
        carries = self._drop(kind, at)
        self.clocks[kind] = clockwork.new_clock(self.built.ticket, kind, start, deadline)
        self.clocks[kind].carries_miss = carries

    def _drop(self, kind: ClockKind, at: dt.datetime) -> bool:
        """``clockwork.drop_clock`` in memory: an open clock that no longer applies ends as superseded (R4.9); one
        that had passed stays missed and counted once (as ``clockwork.supersede``). Returns whether it carried
        or made a miss. (The bulk loader writes no sweep rows: its breaches are the clocks' own flags.)"""
        clock = self.clocks.get(kind)
        if clock is None or clock.met_at is not None:
            return False
        clock.superseded_at = at
        missed = clock.due_at <= at
        if missed:
            clock.breached_at = clock.breached_at or at
            if not clock.carries_miss:
                self.built.ticket.overdue_count += 1
        self.replaced.append(self.clocks.pop(kind))
        return missed or clock.carries_miss

    def _meet(self, kind: ClockKind, at: dt.datetime) -> None:
        clock = self.clocks.get(kind)
        if clock is not None and clock.met_at is None:
            clockwork.mark_met(self.built.ticket, clock, at)

    def _event(self, action: str, at: dt.datetime, actor: int | None, **facts: Any) -> Event:
        event = history(self.built.ticket, actor_id=actor, action=action, at=at, **facts)
        self.built.events.append(event)
        return event

    def _move(self, action: str, at: dt.datetime, actor: int | None, target: Status, **facts: Any) -> Event:
        ticket = self.built.ticket
        event = self._event(action, at, actor, from_status=ticket.status, to_status=target, **facts)
        ticket.status = target
        return event

    def _reply(self, stage: str, at: dt.datetime, actor: int, body: str, **extra: Any) -> Reply:
        reply = Reply(
            ticket=self.built.ticket,
            stage=stage,
            kind=ReplyKind.ANSWER,
            round=1,
            body=body,
            state=Reply.State.SENT,
            drafted_by_id=actor,
            drafted_at=at,
            sent_at=at,
        )
        for name, value in extra.items():
            setattr(reply, name, value)
        self.built.replies.append(reply)
        return reply

    def _names(self, event: Event, reply: Reply) -> None:
        """``event.after["reply"]`` is the reply's id, known once the reply is inserted."""
        self.built.reply_refs.append((event, reply))

    def _acknowledge(self, at: dt.datetime, actor: int | None) -> None:
        """R4.1 as ``dispatch.acknowledged`` writes it: the response clock met, the default reply clock (R4.2)."""
        ticket = self.built.ticket
        self._meet(ClockKind.RESPONSE, at)
        if not ticket.level:
            deadline = clockwork.default_reply_deadline(ticket, self.calendar)
            self._clock(ClockKind.REPLY, clockwork.accepted(ticket), deadline, at)
        self._move("acknowledge", at, actor, Status.HANDLING, public=True)

    # --- the steps -----------------------------------------------------------------------------------

    def _at(self, step: str, t: dt.datetime, prompt: dt.datetime, slow: dt.datetime) -> dt.datetime | None:
        """When ``step`` happens (None: not yet, by the present)."""
        at = prompt
        if self.late == step:
            at = prompt + timeline.hours(self.rng, 30, 140)
        elif self.slow and self.rng.random() < 0.5:
            at = slow
        at = max(at, t)
        return at if at <= self.now else None

    def _worker(self) -> int:
        return self.rng.choice(self.staff.workers.get(self.unit) or [self.staff.heads[self.unit]])

    def _play(
        self, ticket: Ticket, direct: bool, stuck: str, reply_body: str, lead: int, unit_name: str
    ) -> None:
        t = self._intake(ticket, direct, stuck, lead, unit_name)
        if t is None or stuck == "acknowledge":
            return
        t = t + timeline.minutes(self.rng, 2, 40)
        if t > self.now:
            return
        self._level(ticket, t)
        if ticket.level != Level.DIRECT:
            t = self._initial(ticket, t)
            if t is None:
                return
        if stuck != "reply":
            self._formal(ticket, t, reply_body)

    def _intake(
        self, ticket: Ticket, direct: bool, stuck: str, lead: int, unit_name: str
    ) -> dt.datetime | None:
        """R4.1 / R4.5: dispatch (Office channels) and acknowledgement; None when the present comes first."""
        rng, t = self.rng, ticket.received_at
        if direct and rng.random() < 0.6:  # answered on the call (R4.1)
            t = t + timeline.minutes(rng, 0, 4)
            if t > self.now:
                return None
            self._acknowledge(t, ticket.recorded_by_id)
        if ticket.status == Status.NEW:
            prompt = timeline.awake(rng, t + timeline.minutes(rng, 10, 90))
            at = self._at("dispatch", t, prompt, prompt + timeline.hours(rng, 4, 20))
            if at is None or stuck == "dispatch":
                return None
            t = at
            mailbox = ticket.channel == Channel.MAILBOX
            actor = self.staff.clerk if mailbox else rng.choice(self.staff.dispatchers)
            ticket.lead_unit_id = lead
            ticket.accepted_at = t  # R4.0: 受理 is the dispatch; the unit's response clock starts now (R4.1)
            self._meet(ClockKind.DISPATCH, t)
            self._meet(ClockKind.MAILBOX, t)
            self._clock(ClockKind.RESPONSE, t, clockwork.response_deadline(ticket), t)
            after = {"lead_unit": unit_name, "cohandling_units": []}
            self._move("dispatch", t, actor, Status.DISPATCHED, public=True, after=after)
        if ticket.status == Status.DISPATCHED:
            prompt = timeline.awake(rng, t + timeline.minutes(rng, 5, 80))
            at = self._at("acknowledge", t, prompt, prompt + timeline.hours(rng, 2, 10))
            if at is None:
                return None
            t = at
            self._acknowledge(t, self._worker())
        return t

    def _level(self, ticket: Ticket, t: dt.datetime) -> None:
        """R4.2 as ``clockwork.level_clocks`` computes it: the level's clock, counted from receipt."""
        ticket.level = self.rng.choices(LEVELS, cum_weights=LEVEL_WEIGHTS)[0]
        self._event("set_level", t, self._worker(), before={"level": ""}, after={"level": ticket.level})
        kind, deadline = clockwork.level_deadline(ticket, self.calendar)
        if kind == ClockKind.REPLY:
            self._drop(ClockKind.INITIAL_REPLY, t)
        else:
            self._drop(ClockKind.REPLY, t)  # no planned date yet: the formal reply waits for it
        self._clock(kind, clockwork.accepted(ticket), deadline, t)

    def _initial(self, ticket: Ticket, t: dt.datetime) -> dt.datetime | None:
        """R4.2: the initial reply names the planned date; the formal reply is due at its end."""
        rng, cal = self.rng, self.calendar
        due = self.clocks[ClockKind.INITIAL_REPLY].due_at
        prompt = timeline.office(rng, t + timeline.hours(rng, 1, 20), cal)
        if prompt >= due:
            prompt = max(t, due - timeline.hours(rng, 1, 5))
        at = self._at("initial", t, prompt, timeline.office(rng, due + timeline.hours(rng, 2, 20), cal))
        if at is None:
            return None
        span = rng.randint(3, 8) if ticket.level == Level.DEPARTMENT else rng.randint(5, 12)
        planned = cal.add_working_days(timeline.local_date(at), span)
        body = f"您好！您反映的“{ticket.subject}”已收悉，我们正在研究处理，计划于{planned.month}月{planned.day}日前给您正式回复。"
        reply = self._reply(Reply.Stage.INITIAL, at, self._worker(), body, planned_date=planned)
        self._meet(ClockKind.INITIAL_REPLY, at)
        ticket.planned_reply_date = planned
        self._clock(ClockKind.REPLY, clockwork.accepted(ticket), clockwork.planned_deadline(planned), at)
        event = self._event(
            "initial_reply",
            at,
            self._worker(),
            public=True,
            before={"planned_date": None},
            after={"planned_date": str(planned), "reply": None},
            reason=body,
        )
        self._names(event, reply)
        return at

    def _formal(self, ticket: Ticket, t: dt.datetime, body: str) -> None:
        """R4.3: drafted, approved by the head and sent; R4.6 follow-up, then closed (销账) once satisfied."""
        rng, cal = self.rng, self.calendar
        due = self.clocks[ClockKind.REPLY].due_at
        if ticket.level == Level.DIRECT:
            prompt = timeline.office(rng, t + timeline.minutes(rng, 30, 300), cal)
            if prompt >= due:
                prompt = max(t, due - timeline.hours(rng, 0.5, 3))
        else:
            assert ticket.planned_reply_date is not None  # noqa: S101 - the initial reply named it
            day = ticket.planned_reply_date - dt.timedelta(days=rng.randint(0, 2))
            prompt = timeline.office(rng, dt.datetime.combine(day, dt.time(9), tzinfo=timeline.SHANGHAI), cal)
        at = self._at("reply", t, prompt, timeline.office(rng, due + timeline.hours(rng, 2, 30), cal))
        if at is None:
            return
        drafter, head = self._worker(), self.staff.heads[self.unit]
        kind, body, suggestion = self._reply_kind(ticket, body)
        reply = self._reply(
            Reply.Stage.FORMAL,
            at,
            drafter,
            body,
            kind=kind,
            suggestion=suggestion,
            state=Reply.State.PENDING,
            sent_at=None,
        )
        after: dict[str, Any] = {"reply": None, "kind": kind, "third_party_flag": False}
        self._names(self._move("submit_reply", at, drafter, Status.PENDING_APPROVAL, after=after), reply)
        prompt = timeline.office(rng, at + timeline.minutes(rng, 20, 240), cal)
        approved = self._at("approve", at, prompt, timeline.office(rng, at + timeline.hours(rng, 4, 30), cal))
        if approved is None:
            return
        reply.state, reply.reviewed_by_id, reply.reviewed_at, reply.sent_at = (
            Reply.State.SENT,
            head,
            approved,
            approved,
        )
        self._meet(ClockKind.REPLY, approved)
        self._meet(ClockKind.INITIAL_REPLY, approved)
        # As ``reply_approve``: R1.3 an anonymous letter closes on approval (no follow-up, no rating); otherwise
        # the R4.6 follow-up clock starts.
        if ticket.anonymous:
            ticket.closed_at = approved
        else:
            self._clock(ClockKind.FOLLOWUP, approved, rules.followup_due(approved), approved)
        target = Status.CLOSED if ticket.anonymous else Status.REPLIED
        after = {"reply": None, "kind": kind}
        self._names(self._move("approve_reply", approved, head, target, public=True, after=after), reply)
        if ticket.anonymous:
            return
        called = approved + (
            timeline.hours(rng, 50, 80) if self.slow and rng.random() < 0.3 else timeline.hours(rng, 2, 40)
        )
        if called > self.now:
            return
        self._followup(ticket, called)

    def _reply_kind(self, ticket: Ticket, body: str) -> tuple[str, str, str]:
        """(kind, body, suggestion) of the formal reply, as the service-path story drafts it: mostly an answer;
        R6.2 out of remit (a referral from outside the school) or not solvable now (an opinion or suggestion)."""
        roll = self.rng.random()
        if ticket.channel == Channel.REFERRAL and ticket.requester_kind == "external" and roll < 0.3:
            self.kind = ReplyKind.OUT_OF_REMIT
            return self.kind, phrases.OUT_OF_REMIT[0].format(subject=ticket.subject), phrases.OUT_OF_REMIT[1]
        if ticket.type in ("opinion", "suggestion") and roll < 0.12:
            self.kind = ReplyKind.UNSOLVABLE
            return self.kind, phrases.UNSOLVABLE[0].format(subject=ticket.subject), phrases.UNSOLVABLE[1]
        self.kind = ReplyKind.ANSWER
        return self.kind, body, ""

    def _followup(self, ticket: Ticket, called: dt.datetime) -> None:
        """R7.1 / R7.2 as ``followup_complete`` writes it: the reached call, the round's result, the follow-up
        clock met; closed (销账) with a public "closed" event, R6.2 closed as explained when the requester accepts
        an explaining reply, or, when the requester is not satisfied, reopened for a new round: a new formal
        reply within 1 working day, approved by the head, followed up again. R7.3: an unreachable requester goes
        to the Office; R7.2: one still dissatisfied after three rounds is closed unsatisfied by the Office."""
        rng = self.rng
        if self.requester == "unreachable":
            self._unreachable(ticket, called)
            return
        persistent = self.requester == "persistent"
        if persistent and ticket.round > self.max_rounds:
            self._close_unsatisfied(ticket, called)
            return
        verdict = weighted(rng, VERDICTS) if ticket.round == 1 else weighted(rng, VERDICTS[:2])
        if persistent:
            verdict = FollowupOutcome.DISSATISFIED
        resolved = verdict != FollowupOutcome.DISSATISFIED
        explained = (
            not persistent
            and self.kind in EXPLAINED_KINDS
            and (not resolved or rng.random() < 0.8)  # as the service-path story
        )
        if explained:  # R6.2: accepted as explained (basically satisfied, not resolved)
            verdict, resolved = FollowupOutcome.BASICALLY_SATISFIED, False
        worker = self._worker()
        self.built.attempts.append(
            FollowupAttempt(
                ticket=ticket,
                round=ticket.round,
                at=called,
                result=FollowupAttempt.Result.REACHED,
                by_id=worker,
            )
        )
        self.built.followups.append(
            Followup(
                ticket=ticket,
                round=ticket.round,
                outcome=verdict,
                resolved=resolved,
                channel=Followup.Channel.PHONE,
                explained_accepted=explained,
                recorded_by_id=worker,
                recorded_at=called,
            )
        )
        self._meet(ClockKind.FOLLOWUP, called)
        facts = {"outcome": verdict, "resolved": resolved, "via": Followup.Channel.PHONE, "comment": ""}
        if explained:
            ticket.closed_at = called
            self._move("closed_explained", called, worker, Status.CLOSED_EXPLAINED, public=True, after=facts)
            return
        if resolved:
            ticket.closed_at = called
            self._move("closed", called, worker, Status.CLOSED, public=True, after=facts)
            return
        self._reopen(ticket, called, worker, facts)

    def _unreachable(self, ticket: Ticket, called: dt.datetime) -> None:
        """R7.3 as ``followup_attempt_record``, ``followup_complete`` (unreachable) and ``unreachable_close``
        write it: three unanswered calls on two days, the follow-up clock met and the ticket passed to the
        Office, which closes it within a few days (the latest still wait in its review list)."""
        rng, cal = self.rng, self.calendar
        worker, t = self._worker(), called
        for attempt in range(3):
            if attempt:
                t = timeline.office(rng, t + timeline.hours(rng, 20, 30), cal)
            if t > self.now:
                return
            result = FollowupAttempt.Result.NO_ANSWER
            self.built.attempts.append(
                FollowupAttempt(
                    ticket=ticket,
                    round=ticket.round,
                    at=t,
                    result=result,
                    note=phrases.UNREACHABLE_NOTE,
                    by_id=worker,
                )
            )
            after = {"result": result, "round": ticket.round}
            self._event("followup_attempt", t, worker, after=after, reason=phrases.UNREACHABLE_NOTE)
        self._meet(ClockKind.FOLLOWUP, t)
        review = UnreachableReview(
            ticket=ticket, round=ticket.round, attempts=3, referred_by_id=worker, referred_at=t
        )
        self.built.reviews.append(review)
        after = {"round": ticket.round, "attempts": 3}
        self._move("unreachable_review", t, worker, Status.UNREACHABLE_REVIEW, after=after)
        decided = timeline.office(rng, t + timeline.hours(rng, 40, 240), cal)
        if decided > self.now:
            return
        office, why = rng.choice(self.staff.dispatchers), phrases.UNREACHABLE_CLOSE
        review.decision, review.decided_by_id, review.decided_at, review.note = (
            UnreachableReview.Decision.CLOSED,
            office,
            decided,
            why,
        )
        self.built.followups.append(
            Followup(
                ticket=ticket,
                round=ticket.round,
                outcome=FollowupOutcome.UNREACHABLE,
                resolved=False,
                channel=Followup.Channel.PHONE,
                comment=why,
                recorded_by_id=office,
                recorded_at=decided,
            )
        )
        ticket.closed_at = decided
        after = {"round": ticket.round}
        self._move(
            "closed_unreachable",
            decided,
            office,
            Status.CLOSED_UNREACHABLE,
            public=True,
            after=after,
            reason=why,
        )

    def _close_unsatisfied(self, ticket: Ticket, at: dt.datetime) -> None:
        """R7.2 as ``ticket_close_unsatisfied`` writes it: after three rounds without satisfaction the Office
        ends the ticket; the round's open clocks end there, neither on time nor late — one already passed stays
        missed and counted once (R4.9, as ``clockwork.end_open_clocks``); an owed report back stays open (R2.6)."""
        office = self.rng.choice(self.staff.dispatchers)
        for clock in self.clocks.values():
            if clock.met_at is None and clock.kind not in OUTLIVE_CLOSING:
                if clock.due_at <= at:
                    clock.breached_at = clock.breached_at or at
                    if not clock.carries_miss:
                        self.built.ticket.overdue_count += 1
                clock.met_at, clock.on_time = at, None
        ticket.closed_at = at
        self._move(
            "closed_unsatisfied",
            at,
            office,
            Status.CLOSED_UNSATISFIED,
            public=True,
            after={"round": ticket.round},
            reason=phrases.CLOSE_UNSATISFIED,
        )

    def _reopen(self, ticket: Ticket, at: dt.datetime, worker: int, facts: dict[str, Any]) -> None:
        """R7.2 as ``_conclude`` and ``reopen_reply_clock`` write it, then the new round's reply and call."""
        rng, cal = self.rng, self.calendar
        previous = ticket.round
        self.replaced.extend(self.clocks.values())  # the last round's clocks, all met
        self.clocks = {}
        self.kind = ReplyKind.ANSWER  # the new round's reply answers (REOPEN_REPLY)
        ticket.round = previous + 1
        due = rules.reply_due(at, level=Level.DIRECT, calendar=cal)
        self._clock(ClockKind.REPLY, at, clockwork.ReopenedDeadline(due.due, due.provisional), at)
        self._move(
            "reopened",
            at,
            worker,
            Status.HANDLING,
            public=True,
            before={"round": previous},
            after={**facts, "round": ticket.round},
        )
        drafted = timeline.office(rng, at + timeline.hours(rng, 1, 6), cal)
        approved = timeline.office(rng, drafted + timeline.minutes(rng, 20, 180), cal)
        if approved > self.now:
            return
        drafter, head = self._worker(), self.staff.heads[self.unit]
        reply = self._reply(
            Reply.Stage.FORMAL,
            drafted,
            drafter,
            REOPEN_REPLY,
            round=ticket.round,
            state=Reply.State.SENT,
            reviewed_by_id=head,
            reviewed_at=approved,
            sent_at=approved,
        )
        after: dict[str, Any] = {"reply": None, "kind": ReplyKind.ANSWER, "third_party_flag": False}
        self._names(self._move("submit_reply", drafted, drafter, Status.PENDING_APPROVAL, after=after), reply)
        self._meet(ClockKind.REPLY, approved)
        self._clock(ClockKind.FOLLOWUP, approved, rules.followup_due(approved), approved)
        after = {"reply": None, "kind": ReplyKind.ANSWER}
        self._names(
            self._move("approve_reply", approved, head, Status.REPLIED, public=True, after=after), reply
        )
        called = approved + timeline.hours(rng, 2, 40)
        if called <= self.now:
            self._followup(ticket, called)
