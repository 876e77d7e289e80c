"""Play one demo request through the real services, step by step on the simulated clock.

Most requests are handled promptly; some slowly (clocks met late); some are neglected at one step for days
(overdue now, or met late); a few stall for good (the long-running list). After the reply, the follow-up
(R4.6, R7): most requesters are satisfied and the ticket closes; some are not and it is reopened, replied to
again and followed up again. Steps that would happen after the real present are not played, so the newest
requests still await dispatch, acknowledgement, a reply or their follow-up.
"""

from __future__ import annotations

import datetime as dt

from jiesu.demo import phrases
from jiesu.demo.corpus import THIRD_PARTIES, partners_for
from jiesu.demo.plan import Plan
from jiesu.demo.story_reply import Fate, ReplySteps
from jiesu.demo.timeline import Stop, awake, hours, local_date, minutes, office
from jiesu.org.models import User
from jiesu.tickets import services
from jiesu.tickets.models import DIRECT_CHANNELS, Channel, Level, Ticket
from jiesu.tickets.states import Status
from jiesu.workcalendar import clocks as rules
from jiesu.workcalendar.clocks import SHANGHAI

LEVELS = {  # R4.2: how far up a request of each type usually has to go
    "consultation": (85, 13, 2),
    "help": (65, 28, 7),
    "complaint": (50, 38, 12),
    "opinion": (35, 45, 20),
    "suggestion": (35, 45, 20),
}


class Story(ReplySteps):
    """Plays demo plans in order of receipt; ``tickets`` maps plan index → ticket (for repeats, R6.1)."""

    # --- the story ---------------------------------------------------------------------------------

    def play(self, plan: Plan) -> Ticket:
        fate = self._fate(plan)
        self.named = []
        ticket = self._create(plan)
        self.tickets[plan.index] = ticket
        try:
            t = self.clock.at
            if plan.channel == Channel.RECEPTION_DAY:  # R2.1: the record carries the leader's instruction
                t = self.clock.set(t + minutes(self.rng, 20, 90))
                services.instruct(
                    actor=self.rng.choice(self.cast.leaders),
                    ticket=ticket,
                    body=phrases.RECEPTION_INSTRUCTION,
                )
            if ticket.status == Status.NEW:
                self._stuck(fate, "dispatch")
                t = self._dispatch(plan, ticket, fate, t)
            if ticket.status == Status.DISPATCHED:
                t = self._acknowledge(plan, ticket, fate, t)
            self._stuck(fate, "acknowledge")
            if plan.repeat_of is not None:
                self._repeat_reply(plan, ticket, t)
                return ticket
            t = self._handle(plan, ticket, fate, t)
            self._stuck(fate, "reply")
            self._reply(plan, ticket, fate, t)
            self._follow_up(plan, ticket, fate=fate)
        except Stop:
            pass
        return ticket

    def _create(self, plan: Plan) -> Ticket:
        cast, rng = self.cast, self.rng
        requester = self.requesters[plan.requester]
        unit = cast.units[plan.unit_code]
        direct = plan.channel in DIRECT_CHANNELS
        recorders: dict[str, User] = {
            Channel.WEB: requester,
            Channel.DUTY_ROOM: rng.choice(cast.duty),
            Channel.MAILBOX: cast.clerk,
        }
        actor = recorders.get(plan.channel, self._worker(unit) if direct else rng.choice(cast.dispatchers))
        self.clock.set(plan.received_at + minutes(rng, 0, 1 if plan.channel == Channel.WEB else 4))
        acknowledge = direct and rng.random() < (0.8 if plan.channel == Channel.WALK_IN else 0.5)
        created = services.ticket_create(
            actor=actor,
            channel=plan.channel,
            type=plan.type,
            campus=cast.campuses[plan.campus_code],
            subject=plan.subject,
            content=plan.content,
            requester=None if plan.anonymous else requester,
            anonymous=plan.anonymous,
            urgent=bool(plan.urgent_reason),
            urgent_reason=plan.urgent_reason,
            received_at=plan.received_at,
            receiving_unit=unit if direct else None,
            acknowledge=acknowledge,
            source_name=plan.source_name,
            source_reference=plan.source_reference,
            source_due_at=plan.received_at + dt.timedelta(days=7) if plan.source_name else None,
        )
        return created.ticket

    def _dispatch(self, plan: Plan, ticket: Ticket, fate: Fate, t: dt.datetime) -> dt.datetime:
        rng, cast = self.rng, self.cast
        if plan.channel == Channel.MAILBOX:  # R4.7: letters are read once a day
            prompt = office(rng, t + hours(rng, 1, 16), cast.calendar) - t
        elif 8 <= t.astimezone(SHANGHAI).hour < 21 or plan.channel == Channel.DUTY_ROOM:
            prompt = awake(rng, t + minutes(rng, 10, 90)) - t
        else:
            prompt = awake(rng, t + hours(rng, 2, 4)) - t
        t = self.clock.set(t + self._late(fate, "dispatch", prompt, prompt + hours(rng, 4, 20)))
        lead = plan.unit_code
        if fate.redispatch == "approve":
            lead = rng.choice(partners_for(plan.unit_code))
        cohandlers = (
            [cast.units[rng.choice([p for p in partners_for(plan.unit_code) if p != lead])]]
            if rng.random() < 0.08
            else []
        )
        actor = cast.clerk if plan.channel == Channel.MAILBOX else rng.choice(cast.dispatchers)
        services.ticket_dispatch(
            actor=actor, ticket=ticket, lead_unit=cast.units[lead], cohandling_units=cohandlers
        )
        ticket.status, ticket.lead_unit = Status.DISPATCHED, cast.units[lead]
        self.named = [u.code for u in cohandlers]
        if fate.redispatch:
            t = self._redispatch(plan, ticket, fate, t)
        return t

    def _redispatch(self, plan: Plan, ticket: Ticket, fate: Fate, t: dt.datetime) -> dt.datetime:
        """R3.2: the unit asks the Office in writing; the Office approves (new lead unit) or rejects."""
        rng, cast = self.rng, self.cast
        approve = fate.redispatch == "approve"
        assert ticket.lead_unit is not None  # noqa: S101 - dispatched
        other = (
            cast.units[plan.unit_code] if approve else cast.units[rng.choice(partners_for(plan.unit_code))]
        )
        t = self.clock.set(awake(rng, t + minutes(rng, 20, 120)))
        request = services.redispatch_request(
            actor=self._worker(ticket.lead_unit),
            ticket=ticket,
            suggested_unit=other,
            reason=phrases.REDISPATCH_REASON.format(topic=plan.subject[:20], other=other.name),
        )
        t = self.clock.set(awake(rng, t + minutes(rng, 30, 240)))
        services.redispatch_decide(
            actor=rng.choice(cast.dispatchers),
            request=request,
            approve=approve,
            new_unit=other if approve else None,
            note="" if approve else phrases.REDISPATCH_REJECT,
        )
        if approve:
            ticket.lead_unit = other
        return t

    def _acknowledge(self, plan: Plan, ticket: Ticket, fate: Fate, t: dt.datetime) -> dt.datetime:
        rng = self.rng
        prompt = awake(rng, t + minutes(rng, 5, 80)) - t
        t = self.clock.set(t + self._late(fate, "acknowledge", prompt, prompt + hours(rng, 2, 10)))
        assert ticket.lead_unit is not None  # noqa: S101 - dispatched
        services.ticket_acknowledge(actor=self._worker(ticket.lead_unit), ticket=ticket)
        ticket.status = Status.HANDLING
        return t

    def _handle(self, plan: Plan, ticket: Ticket, fate: Fate, t: dt.datetime) -> dt.datetime:
        """R4.2–R4.4, R6.3, R6.5: level, contact, co-handling, initial reply, escalation, third party."""
        rng, cast = self.rng, self.cast
        lead = ticket.lead_unit
        assert lead is not None  # noqa: S101 - acknowledged
        officer = self._worker(lead)
        level = rng.choices(list(Level.values), weights=LEVELS[plan.type])[0]
        t = self.clock.set(t + minutes(rng, 2, 40))
        services.ticket_set_level(actor=officer, ticket=ticket, level=level)
        ticket.level = level
        if rng.random() < 0.35:
            t = self.clock.set(t + minutes(rng, 10, 120))
            services.contact_log(actor=officer, ticket=ticket, body=rng.choice(phrases.CONTACTS))
        named = self.named
        if named or rng.random() < (0.1 if level == Level.DIRECT else 0.22):
            t = self._cohandle(ticket, fate, t, named[0] if named else rng.choice(partners_for(lead.code)))
        if level != Level.DIRECT:
            t = self._initial_reply(plan, ticket, fate, t, level)
        if lead.code in THIRD_PARTIES and rng.random() < 0.06:
            t = self.clock.set(office(rng, t + hours(rng, 1, 20), cast.calendar))
            party = rng.choice(THIRD_PARTIES[lead.code])
            services.third_party_record(
                actor=officer, ticket=ticket, party=party, body=phrases.THIRD_PARTY.format(party=party)
            )
        return t

    def _cohandle(self, ticket: Ticket, fate: Fate, t: dt.datetime, code: str) -> dt.datetime:
        """R3.3 / R4.4: ask a named unit; it answers in writing within a working day (mostly)."""
        rng, cast = self.rng, self.cast
        if ticket.lead_unit and code == ticket.lead_unit.code:
            return t
        t = self.clock.set(office(rng, t + minutes(rng, 20, 180), cast.calendar))
        item = services.cohandling_request(
            actor=self._worker(ticket.lead_unit or code),
            ticket=ticket,
            unit=cast.units[code],
            request=rng.choice(phrases.COHANDLING_ASKS),
        )
        late = fate.profile == "slow" and rng.random() < 0.5
        due = rules.cohandling_due(t, calendar=cast.calendar).due  # R4.4, as the request's clock
        answer_at = (
            office(rng, due + hours(rng, 1, 20), cast.calendar)
            if late
            else office(rng, t + hours(rng, 1, 6), cast.calendar)
        )
        t = self.clock.set(answer_at)
        if rng.random() >= 0.9:
            # R3.3: a progress report (reason and stage) keeps the request open; the result follows later.
            services.cohandling_answer(
                actor=self._worker(code),
                item=item,
                finished=False,
                reason=phrases.COHANDLING_REASON,
                stage=phrases.COHANDLING_PROGRESS,
            )
            t = self.clock.set(office(rng, t + hours(rng, 2, 6), cast.calendar))
        services.cohandling_answer(
            actor=self._worker(code), item=item, answer=rng.choice(phrases.COHANDLING_ANSWERS)
        )
        return t

    def _initial_reply(
        self, plan: Plan, ticket: Ticket, fate: Fate, t: dt.datetime, level: str
    ) -> dt.datetime:
        """R4.2: an initial reply naming the planned date; school-level items may go to a leader (R6.3)."""
        rng, cast = self.rng, self.cast
        assert ticket.lead_unit is not None  # noqa: S101
        officer = self._worker(ticket.lead_unit)
        due = rules.reply_due(plan.received_at, level=level, calendar=cast.calendar).due  # the level's clock
        at = office(rng, t + hours(rng, 1, 20), cast.calendar)
        if at >= due:
            at = max(t + minutes(rng, 5, 30), due - hours(rng, 1, 5))
        if fate.profile == "slow" and rng.random() < 0.4:
            at = office(rng, due + hours(rng, 2, 20), cast.calendar)
        t = self.clock.set(at)
        span = rng.randint(3, 8) if level == Level.DEPARTMENT else rng.randint(5, 12)
        planned = cast.calendar.add_working_days(local_date(t), span)
        body = phrases.INITIAL_REPLY.format(
            subject=plan.subject,
            unit=ticket.lead_unit.name,
            planned=f"{planned.month}月{planned.day}日",
            extra=phrases.INITIAL_EXTRA[level],
        )
        services.initial_reply_send(actor=officer, ticket=ticket, body=body, planned_date=planned)
        if rng.random() < (0.4 if level == Level.SCHOOL else 0.06):
            t = self.clock.set(office(rng, t + hours(rng, 2, 24), cast.calendar))
            partner = cast.units[rng.choice(partners_for(ticket.lead_unit.code))]
            leader = rng.choice(cast.leaders)
            services.escalate(
                actor=officer,
                ticket=ticket,
                leader=leader,
                body=phrases.ESCALATION.format(partner=partner.name),
            )
            t = self.clock.set(office(rng, t + hours(rng, 3, 40), cast.calendar))
            services.instruct(
                actor=leader,
                ticket=ticket,
                body=rng.choice(phrases.INSTRUCTIONS).format(
                    unit=ticket.lead_unit.name, partner=partner.name
                ),
            )
        if rng.random() < 0.1:
            t = self.clock.set(office(rng, t + hours(rng, 20, 60), cast.calendar))
            if local_date(t) < planned:
                planned = cast.calendar.add_working_days(planned, rng.randint(3, 6))
                services.planned_date_move(
                    actor=officer,
                    ticket=ticket,
                    planned_date=planned,
                    reason=rng.choice(phrases.PLANNED_MOVE_REASONS),
                )
        ticket.planned_reply_date = planned
        return t
