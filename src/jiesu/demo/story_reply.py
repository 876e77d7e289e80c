"""The demo story's shared parts and its last steps: the formal reply, the head's review (R4.3), repeats (R6.1)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from jiesu.demo import phrases
from jiesu.demo.corpus import THIRD_PARTIES
from jiesu.demo.people import Cast
from jiesu.demo.plan import LATE_PROFILES, LATE_UNITS, Plan
from jiesu.demo.render import greeting, reply_text
from jiesu.demo.timeline import SimClock, Stop, hours, local_date, minutes, office
from jiesu.org.models import Unit, User
from jiesu.tickets import clockwork, services
from jiesu.tickets.models import DIRECT_CHANNELS, Channel, FollowupAttempt, Level, Reply, ReplyKind, Ticket
from jiesu.tickets.services.followup import EXPLAINED_KINDS, closes, max_rounds
from jiesu.workcalendar import clocks as rules
from jiesu.workcalendar.clocks import SHANGHAI

PROFILES = (("prompt", 76), ("slow", 16), ("neglect", 7), ("stuck", 1))
# R7.1: the requester's verdict on the call; "unresolved": satisfied with the answer, the matter not yet settled.
VERDICTS = (("satisfied", 70), ("basically_satisfied", 18), ("dissatisfied", 8), ("unresolved", 4))


@dataclass
class Fate:
    profile: str
    neglected: str  # the step neglected for days ("" when none)
    stuck: str  # the step after which the ticket stalls for good ("" when none)
    redispatch: str  # "", "approve" (dispatched to the wrong unit) or "reject"
    # R7.2 / R7.3: "" (as the verdicts fall), "unreachable" (never answers the follow-up call) or "persistent"
    # (dissatisfied round after round until the Office closes the ticket unsatisfied).
    requester: str = ""


class ReplySteps:
    """What every step of the story needs, and the reply steps."""

    def __init__(self, *, cast: Cast, rng: random.Random, clock: SimClock, requesters: list[User]) -> None:
        self.cast, self.rng, self.clock, self.requesters = cast, rng, clock, requesters
        self.tickets: dict[int, Ticket] = {}
        self.named: list[str] = []  # co-handling units named at dispatch

    def _weighted(self, pairs: tuple[tuple[str, int], ...]) -> str:
        return self.rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]

    def _worker(self, unit: Unit | str) -> User:
        code = unit if isinstance(unit, str) else unit.code
        return self.rng.choice(self.cast.workers.get(code) or [self.cast.heads[code]])

    def _late(self, fate: Fate, step: str, prompt: dt.timedelta, slow: dt.timedelta) -> dt.timedelta:
        if fate.neglected == step:
            return prompt + hours(self.rng, 30, 140)
        return slow if fate.profile == "slow" and self.rng.random() < 0.5 else prompt

    def _stuck(self, fate: Fate, step: str) -> None:
        if fate.stuck == step:
            raise Stop

    def _fate(self, plan: Plan) -> Fate:
        profile = self._weighted(LATE_PROFILES if plan.unit_code in LATE_UNITS else PROFILES)
        steps = ["dispatch", "acknowledge", "reply", "approve"]
        neglected = self.rng.choice(steps) if profile == "neglect" else ""
        stuck = self.rng.choice(steps[:3]) if profile == "stuck" else ""
        redispatch = ""
        if plan.channel not in DIRECT_CHANNELS and plan.repeat_of is None:
            roll = self.rng.random()
            redispatch = "approve" if roll < 0.03 else "reject" if roll < 0.045 else ""
        roll = self.rng.random()
        requester = "unreachable" if roll < 0.05 else "persistent" if roll < 0.09 else ""
        return Fate(profile, neglected, stuck, redispatch, requester)

    def _reply_kind(self, plan: Plan) -> tuple[str, str, str]:
        """(kind, body, suggestion): mostly an answer; R6.2 out of remit or not solvable now, with a suggestion."""
        roll = self.rng.random()
        if plan.channel == Channel.REFERRAL and plan.kind_letter == "e" and roll < 0.3:
            return (
                ReplyKind.OUT_OF_REMIT,
                phrases.OUT_OF_REMIT[0].format(subject=plan.subject),
                phrases.OUT_OF_REMIT[1],
            )
        if plan.type in ("opinion", "suggestion") and roll < 0.12:
            return (
                ReplyKind.UNSOLVABLE,
                phrases.UNSOLVABLE[0].format(subject=plan.subject),
                phrases.UNSOLVABLE[1],
            )
        return ReplyKind.ANSWER, "", ""

    def _answer(self, plan: Plan, ticket: Ticket) -> str:
        assert ticket.lead_unit is not None  # noqa: S101
        return reply_text(
            self.rng,
            unit_name=ticket.lead_unit.name,
            subject=plan.subject,
            answer=plan.answer,
            hello=greeting(ticket.requester_name, plan.kind_letter),
        )

    def _reply(self, plan: Plan, ticket: Ticket, fate: Fate, t: dt.datetime) -> None:
        """R4.2: direct within 1 working day; otherwise by the planned date. Drafted, then reviewed (R4.3)."""
        rng, calendar = self.rng, self.cast.calendar
        lead = ticket.lead_unit
        assert lead is not None  # noqa: S101
        if ticket.level == Level.DIRECT:
            due = rules.reply_due(plan.received_at, level=Level.DIRECT, calendar=calendar).due
            prompt = office(rng, t + minutes(rng, 30, 300), calendar)
            if prompt >= due:
                prompt = max(t + minutes(rng, 10, 40), due - hours(rng, 0.5, 3))
        else:
            assert ticket.planned_reply_date is not None  # noqa: S101 - the initial reply named it
            due = clockwork.planned_deadline(ticket.planned_reply_date).due
            target = ticket.planned_reply_date - dt.timedelta(days=rng.randint(0, 2))
            prompt = office(
                rng, dt.datetime.combine(target, dt.time(9), tzinfo=SHANGHAI) + hours(rng, 0, 6), calendar
            )
            prompt = max(prompt, t + minutes(rng, 30, 120))
        slow = office(rng, due + hours(rng, 2, 30), calendar)
        t = self.clock.set(t + self._late(fate, "reply", prompt - t, slow - t))
        kind, body, suggestion = self._reply_kind(plan)
        flagged = kind == ReplyKind.ANSWER and lead.code in THIRD_PARTIES and rng.random() < 0.03
        party = rng.choice(THIRD_PARTIES[lead.code]) if flagged else ""
        if flagged:
            body = phrases.FLAGGED_DRAFT.format(party=party)
        services.reply_submit(
            actor=self._worker(lead),
            ticket=ticket,
            kind=kind,
            suggestion=suggestion,
            body=body or self._answer(plan, ticket),
        )
        self._approve(plan, ticket, fate, t, party)

    def _approve(self, plan: Plan, ticket: Ticket, fate: Fate, t: dt.datetime, party: str) -> None:
        """R4.3: the head approves; some drafts come back once with comments (R6.5 wording always does)."""
        rng, calendar = self.rng, self.cast.calendar
        lead = ticket.lead_unit
        assert lead is not None  # noqa: S101
        head = self.cast.heads[lead.code]
        prompt = office(rng, t + minutes(rng, 20, 240), calendar)
        t = self.clock.set(
            t + self._late(fate, "approve", prompt - t, office(rng, t + hours(rng, 4, 30), calendar) - t)
        )
        if party or rng.random() < 0.08:
            services.reply_return(
                actor=head,
                ticket=ticket,
                comment=phrases.FLAGGED_RETURN if party else rng.choice(phrases.RETURN_COMMENTS),
            )
            officer = self._worker(lead)
            if party:  # R6.5: the unit contacts the third party itself and records it
                t = self.clock.set(office(rng, t + minutes(rng, 30, 180), calendar))
                services.third_party_record(
                    actor=officer, ticket=ticket, party=party, body=phrases.THIRD_PARTY.format(party=party)
                )
            t = self.clock.set(office(rng, t + minutes(rng, 40, 240), calendar))
            services.reply_submit(actor=officer, ticket=ticket, body=self._answer(plan, ticket))
            t = self.clock.set(office(rng, t + minutes(rng, 20, 180), calendar))
        services.reply_approve(actor=head, ticket=ticket)

    def _repeat_reply(self, plan: Plan, ticket: Ticket, t: dt.datetime) -> None:
        """R6.1: linked to the original, the requester is told its progress; not handled twice (closed)."""
        rng, calendar = self.rng, self.cast.calendar
        assert plan.repeat_of is not None and ticket.lead_unit is not None  # noqa: S101
        original = self.tickets[plan.repeat_of]
        day = local_date(original.received_at)
        body = phrases.REPEAT_REPLY.format(
            when=f"{day.month}月{day.day}日", number=original.number, unit=ticket.lead_unit.name
        )
        t = self.clock.set(office(rng, t + minutes(rng, 30, 180), calendar))
        services.reply_submit(
            actor=self._worker(ticket.lead_unit),
            ticket=ticket,
            body=body,
            kind=ReplyKind.REPEAT,
            repeat_of=original,
        )
        self.clock.set(office(rng, t + minutes(rng, 20, 180), calendar))
        services.reply_approve(actor=self.cast.heads[ticket.lead_unit.code], ticket=ticket)

    def _unreachable(self, ticket: Ticket, t: dt.datetime) -> None:
        """R7.3: three unanswered calls on two days pass the ticket to the Office, which mostly closes it."""
        rng, calendar = self.rng, self.cast.calendar
        assert ticket.lead_unit is not None  # noqa: S101 - replied
        officer = self._worker(ticket.lead_unit)
        for attempt in range(3):
            if attempt:
                t = self.clock.set(office(rng, t + hours(rng, 20, 30), calendar))
            services.followup_attempt_record(
                actor=officer,
                ticket=ticket,
                result=FollowupAttempt.Result.NO_ANSWER,
                note=phrases.UNREACHABLE_NOTE,
            )
        services.followup_complete(actor=officer, ticket=ticket, outcome="unreachable", resolved=False)
        # The Office decides within a few days: the latest ones still wait in its review list.
        self.clock.set(office(rng, t + hours(rng, 40, 240), calendar))
        services.unreachable_close(
            actor=rng.choice(self.cast.dispatchers), ticket=ticket, reason=phrases.UNREACHABLE_CLOSE
        )

    def _explained(self, ticket: Ticket) -> bool:
        """R6.2: the round's sent formal reply explains (out of remit or not solvable now)."""
        kind = (
            Reply.objects.filter(
                ticket=ticket, round=ticket.round, stage=Reply.Stage.FORMAL, state=Reply.State.SENT
            )
            .values_list("kind", flat=True)
            .first()
        )
        return kind in EXPLAINED_KINDS

    def _follow_up(self, plan: Plan, ticket: Ticket, rounds_left: int = 2, fate: Fate | None = None) -> None:
        """R4.6 / R7: the unit calls back, mostly within 48 h (some requesters rate online first); most are
        satisfied (closed, 销账); some are not — reopened, a new reply the head approves, followed up again (R7.2).
        A call that would come after the present is not played: the ticket still awaits its follow-up."""
        if plan.anonymous:
            return  # R1.3: closed on approval, no follow-up
        rng, calendar = self.rng, self.cast.calendar
        lead = ticket.lead_unit
        assert lead is not None  # noqa: S101 - replied
        delay = hours(rng, 50, 120) if rng.random() < 0.08 else hours(rng, 1, 40)  # some overdue (R4.8)
        t = self.clock.set(office(rng, self.clock.at + delay, calendar))
        requester = fate.requester if fate else ""
        if requester == "unreachable":
            self._unreachable(ticket, t)
            return
        if requester == "persistent":
            ticket.refresh_from_db(fields=["round"])  # the services reopened it on their own copy
        if requester == "persistent" and ticket.round > max_rounds():
            # R7.2: after three rounds without satisfaction the Office ends it, with its reason.
            services.ticket_close_unsatisfied(
                actor=rng.choice(self.cast.dispatchers), ticket=ticket, reason=phrases.CLOSE_UNSATISFIED
            )
            return
        verdict = (
            self._weighted(VERDICTS) if rounds_left > 1 else rng.choice(["satisfied", "basically_satisfied"])
        )
        if requester == "persistent":
            verdict, rounds_left = "dissatisfied", 3
        outcome = {"unresolved": "satisfied"}.get(verdict, verdict)
        resolved = verdict not in ("dissatisfied", "unresolved")
        comment = rng.choice(phrases.FOLLOWUP_COMMENTS["dissatisfied" if not resolved else outcome])
        if requester != "persistent" and (not resolved or rng.random() < 0.8) and self._explained(ticket):
            # R6.2: the requester accepts the explanation; the ticket closes as explained.
            services.followup_complete(
                actor=self._worker(lead),
                ticket=ticket,
                outcome="basically_satisfied",
                resolved=False,
                comment=comment,
                accepts_explanation=True,
            )
            return
        if rng.random() < 0.2:  # R7.1: the requester rated online from "my requests"; no call needed
            services.followup_rate_online(
                requester=self.requesters[plan.requester],
                ticket=ticket,
                outcome=outcome,
                resolved=resolved,
                comment=comment,
            )
        else:
            officer = self._worker(lead)
            for _missed in range(rng.choices([0, 1, 2], weights=[80, 15, 5])[0]):
                result = rng.choice([FollowupAttempt.Result.NO_ANSWER, FollowupAttempt.Result.BUSY])
                services.followup_attempt_record(actor=officer, ticket=ticket, result=result)
                t = self.clock.set(t + minutes(rng, 30, 180))
            services.followup_complete(
                actor=officer, ticket=ticket, outcome=outcome, resolved=resolved, comment=comment
            )
        if closes(outcome, resolved):
            return
        # R7.2 再回复、再解释、再落实、再解决: a new formal reply within 1 working day, approved by the head again.
        t = self.clock.set(office(rng, t + hours(rng, 1, 6), calendar))
        body = phrases.FOLLOWUP_REOPEN_REPLY.format(subject=plan.subject, unit=lead.name)
        services.reply_submit(actor=self._worker(lead), ticket=ticket, body=body)
        self.clock.set(office(rng, t + minutes(rng, 20, 180), calendar))
        services.reply_approve(actor=self.cast.heads[lead.code], ticket=ticket)
        self._follow_up(plan, ticket, rounds_left - 1, fate)
