"""The bulk loader's histories: one request's rows (ticket, clocks, events, replies) as the services would write them.

Same steps and clock arithmetic as the service path (the workcalendar's pure functions, ``clockwork.soon_at``),
without the per-step queries: intake → dispatch → acknowledge → level → initial reply → formal reply →
head approval → follow-up (the reached call, the round's result, "closed"). Old requests have been followed up and closed (the steady state of a school's
database); recent ones stop where the present finds them; a few are neglected or stall (overdue now).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from jiesu.demo import timeline
from jiesu.demo.plan import weighted
from jiesu.tickets.clockwork import PlannedDeadline, soon_at
from jiesu.tickets.models import (
    DIRECT_CHANNELS,
    Channel,
    ClockKind,
    Followup,
    FollowupAttempt,
    FollowupOutcome,
    Level,
    Reply,
    ReplyKind,
)
from jiesu.tickets.states import Status
from jiesu.workcalendar import clocks as rules
from jiesu.workcalendar.clocks import end_of_day
from jiesu.workcalendar.core import WorkCalendar

Row = dict[str, Any]
PROFILES = (("prompt", 80), ("slow", 14), ("neglect", 5), ("stuck", 1))
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
    ticket: Row
    clocks: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    replies: list[Row] = field(default_factory=list)
    followups: list[Row] = field(default_factory=list)
    attempts: list[Row] = field(default_factory=list)


class BulkStory:
    """Builds rows for one request at a time; ``now`` is the present the histories stop at."""

    def __init__(
        self,
        *,
        rng: random.Random,
        calendar: WorkCalendar,
        staff: Staff,
        now: dt.datetime,
        next_reply_id: int,
    ) -> None:
        self.rng, self.calendar, self.staff, self.now = rng, calendar, staff, now
        self.next_reply_id = next_reply_id
        self.rule_texts: dict[tuple[str, object], str] = {}

    def build(self, ticket: Row, unit: str, reply_body: str) -> Built:
        """Complete ``ticket`` (its intake fields set) with status, clocks, events and replies."""
        rng, t0 = self.rng, ticket["received_at"]
        self.built = Built(ticket)
        self.clocks: dict[str, Row] = {}
        self.unit = unit
        direct = ticket["channel"] in DIRECT_CHANNELS
        ticket.update(
            status=Status.DISPATCHED if direct else Status.NEW,
            lead_unit_id=None,
            level="",
            overdue_count=0,
            planned_reply_date=None,
            closed_at=None,
            round=1,
        )
        if direct:
            ticket["lead_unit_id"] = ticket["receiving_unit_id"]
        self._clock(ClockKind.RESPONSE, t0, rules.response_due(t0, urgent=ticket["urgent"]))
        if ticket["channel"] == Channel.MAILBOX:
            self._clock(ClockKind.MAILBOX, t0, rules.mailbox_due(t0))
        elif not direct:
            self._clock(ClockKind.DISPATCH, t0, rules.dispatch_due(t0))
        unit_name = ticket.pop("_lead_unit_name")
        self._event(
            "create",
            t0,
            ticket["recorded_by_id"],
            "-",
            ticket["status"],
            public=True,
            after={
                "channel": ticket["channel"],
                "type": ticket["type"],
                "lead_unit": unit_name if direct else None,
            },
        )
        profile = weighted(rng, PROFILES)
        self.late = {"neglect": rng.choice(["dispatch", "acknowledge", "reply", "approve"])}.get(profile, "")
        self.slow = profile == "slow"
        stuck = rng.choice(["dispatch", "acknowledge", "reply"]) if profile == "stuck" else ""
        lead = ticket.pop("_lead_unit_id")
        self._play(ticket, direct, stuck, reply_body, lead, unit_name)
        self._denormalize()
        return self.built

    # --- rows ----------------------------------------------------------------------------------------

    def _rule(self, deadline: rules.Deadline | PlannedDeadline) -> str:
        """The rule's words (one translation per distinct rule, not per clock)."""
        key = (getattr(deadline, "rule_key", ""), getattr(deadline, "rule_params", ()))
        text = self.rule_texts.get(key)
        if text is None:
            text = self.rule_texts[key] = deadline.rule_text[:200]
        return text

    def _clock(self, kind: str, start: dt.datetime, deadline: rules.Deadline | PlannedDeadline) -> None:
        self.clocks[kind] = {
            "kind": kind,
            "round": 1,
            "started_at": start,
            "due_at": deadline.due,
            "soon_at": soon_at(start, deadline.due),
            "met_at": None,
            "on_time": None,
            "provisional": deadline.provisional,
            "rule": self._rule(deadline),
            "breached_at": None,
        }

    def _meet(self, kind: str, at: dt.datetime) -> None:
        clock = self.clocks.get(kind)
        if clock is None or clock["met_at"] is not None:
            return
        clock["met_at"], clock["on_time"] = at, at <= clock["due_at"]
        if not clock["on_time"]:
            self.built.ticket["overdue_count"] += 1

    def _event(
        self,
        action: str,
        at: dt.datetime,
        actor: int | None,
        from_status: str = "",
        to_status: str = "",
        *,
        public: bool = False,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        reason: str = "",
    ) -> None:
        self.built.events.append(
            {
                "at": at,
                "actor_id": actor,
                "action": action,
                "from_status": from_status,
                "to_status": to_status,
                "before": before or {},
                "after": after or {},
                "reason": reason,
                "public": public,
            }
        )

    def _move(self, action: str, at: dt.datetime, actor: int, target: str, **extra: Any) -> None:
        ticket = self.built.ticket
        self._event(action, at, actor, ticket["status"], target, **extra)
        ticket["status"] = target

    def _reply(self, stage: str, at: dt.datetime, actor: int, body: str, **extra: Any) -> int:
        reply_id = self.next_reply_id
        self.next_reply_id += 1
        row = {
            "id": reply_id,
            "stage": stage,
            "kind": ReplyKind.ANSWER,
            "round": 1,
            "body": body,
            "suggestion": "",
            "planned_date": None,
            "state": Reply.State.SENT,
            "third_party_flag": False,
            "drafted_by_id": actor,
            "drafted_at": at,
            "reviewed_by_id": None,
            "reviewed_at": None,
            "review_comment": "",
            "sent_at": at,
        }
        row.update(extra)
        self.built.replies.append(row)
        return reply_id

    def _denormalize(self) -> None:
        """R4.8: the nearest unmet clock on the ticket, as ``clockwork.refresh_next_due`` stores it."""
        ticket = self.built.ticket
        self.built.clocks = list(self.clocks.values())
        unmet = [c for c in self.built.clocks if c["met_at"] is None]
        nearest = min(unmet, key=lambda c: c["due_at"]) if unmet else None
        ticket["next_due_at"] = nearest["due_at"] if nearest else None
        ticket["next_soon_at"] = nearest["soon_at"] if nearest else None
        ticket["next_clock"] = nearest["kind"] if nearest else ""

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
        self, ticket: Row, direct: bool, stuck: str, reply_body: str, lead: int, unit_name: str
    ) -> None:
        t = self._intake(ticket, direct, stuck, lead, unit_name)
        if t is None or stuck == "acknowledge":
            return
        t = t + timeline.minutes(self.rng, 2, 40)
        if t > self.now:
            return
        self._level(ticket, t)
        if ticket["level"] != Level.DIRECT:
            t = self._initial(ticket, t)
            if t is None:
                return
        if stuck != "reply":
            self._formal(ticket, t, reply_body)

    def _intake(self, ticket: Row, direct: bool, stuck: str, lead: int, unit_name: str) -> dt.datetime | None:
        """R4.1 / R4.5: dispatch (Office channels) and acknowledgement; None when the present comes first."""
        rng, t = self.rng, ticket["received_at"]
        if direct and rng.random() < 0.6:  # answered on the call (R4.1)
            t = t + timeline.minutes(rng, 0, 4)
            if t > self.now:
                return None
            self._meet(ClockKind.RESPONSE, t)
            self._move("acknowledge", t, ticket["recorded_by_id"], Status.HANDLING, public=True)
        if ticket["status"] == Status.NEW:
            prompt = timeline.awake(rng, t + timeline.minutes(rng, 10, 90))
            at = self._at("dispatch", t, prompt, prompt + timeline.hours(rng, 4, 20))
            if at is None or stuck == "dispatch":
                return None
            t = at
            mailbox = ticket["channel"] == Channel.MAILBOX
            actor = self.staff.clerk if mailbox else rng.choice(self.staff.dispatchers)
            ticket["lead_unit_id"] = lead
            self._meet(ClockKind.DISPATCH, t)
            self._meet(ClockKind.MAILBOX, t)
            after = {"lead_unit": unit_name, "cohandling_units": []}
            self._move("dispatch", t, actor, Status.DISPATCHED, public=True, after=after)
        if ticket["status"] == Status.DISPATCHED:
            prompt = timeline.awake(rng, t + timeline.minutes(rng, 5, 80))
            at = self._at("acknowledge", t, prompt, prompt + timeline.hours(rng, 2, 10))
            if at is None:
                return None
            t = at
            self._meet(ClockKind.RESPONSE, t)
            self._move("acknowledge", t, self._worker(), Status.HANDLING, public=True)
        return t

    def _level(self, ticket: Row, t: dt.datetime) -> None:
        level = self.rng.choices(LEVELS, cum_weights=LEVEL_WEIGHTS)[0]
        ticket["level"] = level
        self._event("set_level", t, self._worker(), before={"level": ""}, after={"level": level})
        deadline = rules.reply_due(ticket["received_at"], level=level, calendar=self.calendar)
        kind = ClockKind.REPLY if level == Level.DIRECT else ClockKind.INITIAL_REPLY
        self._clock(kind, ticket["received_at"], deadline)

    def _initial(self, ticket: Row, t: dt.datetime) -> dt.datetime | None:
        """R4.2: the initial reply names the planned date; the formal reply is due at its end."""
        rng, cal = self.rng, self.calendar
        due = self.clocks[ClockKind.INITIAL_REPLY]["due_at"]
        prompt = timeline.office(rng, t + timeline.hours(rng, 1, 20), cal)
        if prompt >= due:
            prompt = max(t, due - timeline.hours(rng, 1, 5))
        at = self._at("initial", t, prompt, timeline.office(rng, due + timeline.hours(rng, 2, 20), cal))
        if at is None:
            return None
        span = rng.randint(3, 8) if ticket["level"] == Level.DEPARTMENT else rng.randint(5, 12)
        planned = cal.add_working_days(timeline.local_date(at), span)
        body = f"您好！您反映的“{ticket['subject']}”已收悉，我们正在研究处理，计划于{planned.month}月{planned.day}日前给您正式回复。"
        reply = self._reply(Reply.Stage.INITIAL, at, self._worker(), body, planned_date=planned)
        self._meet(ClockKind.INITIAL_REPLY, at)
        ticket["planned_reply_date"] = planned
        self._clock(ClockKind.REPLY, ticket["received_at"], PlannedDeadline(end_of_day(planned)))
        self._event(
            "initial_reply",
            at,
            self._worker(),
            public=True,
            before={"planned_date": None},
            after={"planned_date": str(planned), "reply": reply},
            reason=body,
        )
        return at

    def _formal(self, ticket: Row, t: dt.datetime, body: str) -> None:
        """R4.3: drafted, approved by the head and sent; R4.6 follow-up, then closed (销账) once satisfied."""
        rng, cal = self.rng, self.calendar
        due = self.clocks[ClockKind.REPLY]["due_at"]
        if ticket["level"] == Level.DIRECT:
            prompt = timeline.office(rng, t + timeline.minutes(rng, 30, 300), cal)
            if prompt >= due:
                prompt = max(t, due - timeline.hours(rng, 0.5, 3))
        else:
            day = ticket["planned_reply_date"] - dt.timedelta(days=rng.randint(0, 2))
            prompt = timeline.office(rng, dt.datetime.combine(day, dt.time(9), tzinfo=timeline.SHANGHAI), cal)
        at = self._at("reply", t, prompt, timeline.office(rng, due + timeline.hours(rng, 2, 30), cal))
        if at is None:
            return
        drafter, head = self._worker(), self.staff.heads[self.unit]
        reply = self._reply(Reply.Stage.FORMAL, at, drafter, body, state=Reply.State.PENDING, sent_at=None)
        self._move(
            "submit_reply",
            at,
            drafter,
            Status.PENDING_APPROVAL,
            after={"reply": reply, "kind": ReplyKind.ANSWER, "third_party_flag": False},
        )
        prompt = timeline.office(rng, at + timeline.minutes(rng, 20, 240), cal)
        approved = self._at("approve", at, prompt, timeline.office(rng, at + timeline.hours(rng, 4, 30), cal))
        if approved is None:
            return
        self.built.replies[-1].update(
            state=Reply.State.SENT, reviewed_by_id=head, reviewed_at=approved, sent_at=approved
        )
        self._meet(ClockKind.REPLY, approved)
        self._meet(ClockKind.INITIAL_REPLY, approved)
        if ticket["anonymous"]:  # R1.3: no follow-up and no rating: closed on approval
            ticket["closed_at"] = approved
            self._move(
                "approve_reply",
                approved,
                head,
                Status.CLOSED,
                public=True,
                after={"reply": reply, "kind": ReplyKind.ANSWER},
            )
            return
        self._clock(ClockKind.FOLLOWUP, approved, rules.followup_due(approved))
        self._move(
            "approve_reply",
            approved,
            head,
            Status.REPLIED,
            public=True,
            after={"reply": reply, "kind": ReplyKind.ANSWER},
        )
        called = approved + (
            timeline.hours(rng, 50, 80) if self.slow and rng.random() < 0.3 else timeline.hours(rng, 2, 40)
        )
        if called > self.now:
            return
        self._followup(ticket, called)

    def _followup(self, ticket: Row, called: dt.datetime) -> None:
        """R7.1 / R7.2 as ``followup_complete`` writes it: the reached call, the round's result, the follow-up
        clock met, closed (销账) with a public "closed" event."""
        worker = self._worker()
        outcome = (
            FollowupOutcome.SATISFIED if self.rng.random() < 0.8 else FollowupOutcome.BASICALLY_SATISFIED
        )
        self.built.attempts.append(
            {"round": 1, "at": called, "result": FollowupAttempt.Result.REACHED, "note": "", "by_id": worker}
        )
        self.built.followups.append(
            {
                "round": 1,
                "outcome": outcome,
                "resolved": True,
                "channel": Followup.Channel.PHONE,
                "comment": "",
                "recorded_by_id": worker,
                "recorded_at": called,
            }
        )
        self._meet(ClockKind.FOLLOWUP, called)
        ticket["closed_at"] = called
        self._move(
            "closed",
            called,
            worker,
            Status.CLOSED,
            public=True,
            after={"outcome": outcome, "resolved": True, "via": Followup.Channel.PHONE, "comment": ""},
        )
