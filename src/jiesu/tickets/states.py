"""The ticket state machine, declared as data (rules §4, §6, §7).

Every move a ticket can make is one row of ``ACTIONS``: the states it may start from, the state it leads to
(None: it stays), and who may take it. ``jiesu.tickets.services`` is the only code that changes a ticket and
checks every call against this table; views, the API, admin actions and commands all call the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("Awaiting dispatch")  # Office-dispatched channels (R2, R4.5)
    DISPATCHED = "dispatched", _("Awaiting acknowledgement")  # lead unit known, response clock running (R4.1)
    HANDLING = "handling", _("Handling")  # acknowledged; level set; co-handling, initial reply (R4.2–R4.4)
    PENDING_APPROVAL = "pending_approval", _("Reply awaiting approval")  # R4.3 head review
    REPLIED = "replied", _("Replied, follow-up due")  # R4.6 / R7 follow-up by call or online rating
    # R7.3: unreachable after 3 attempts on 2 days; the Office closes it or orders another round of calls.
    UNREACHABLE_REVIEW = "unreachable_review", _("Requester unreachable, awaiting the Office")
    CLOSED = "closed", _("Closed")  # 销账 (R7.2) or closed as a repeat (R6.1)
    CLOSED_UNSATISFIED = "closed_unsatisfied", _("Closed unsatisfied")  # R7.2 after 3 rounds
    CLOSED_EXPLAINED = "closed_explained", _("Closed as explained")  # R6.2: explanation accepted
    CLOSED_UNREACHABLE = "closed_unreachable", _("Closed, requester unreachable")  # R7.3, by the Office


OPEN_STATUSES = frozenset({Status.NEW, Status.DISPATCHED, Status.HANDLING, Status.PENDING_APPROVAL})
# Each closure is counted apart (R6.2, R7.2, R7.3): resolved, unsatisfied, explained, unreachable.
CLOSED_STATUSES = frozenset(
    {Status.CLOSED, Status.CLOSED_UNSATISFIED, Status.CLOSED_EXPLAINED, Status.CLOSED_UNREACHABLE}
)


class Actor(StrEnum):
    """Who may take an action, relative to the ticket."""

    OFFICE = "office"  # dispatcher or duty operator
    LEAD = "lead"  # any member (head, officer, staff) of the lead unit
    LEAD_HEAD = "lead_head"  # the lead unit's head (R4.3)
    COHANDLER = "cohandler"  # a member of a co-handling unit that was asked (R3.3)
    LEADER = "leader"  # a school leader (R6.3)
    INSPECTOR = "inspector"  # 纪委办公室 inspectors (R8.5, R10.2)


@dataclass(frozen=True)
class Action:
    name: str
    sources: frozenset[Status]
    target: Status | None
    actors: frozenset[Actor]
    label: str | Promise
    # Other states the move may lead to, chosen by the service from the ticket's facts (still data here).
    alternatives: frozenset[Status] = frozenset()

    def leads_to(self, status: Status) -> bool:
        return status == self.target or status in self.alternatives


def _a(
    name: str,
    sources: set[Status],
    target: Status | None,
    actors: set[Actor],
    label: str | Promise,
    alternatives: frozenset[Status] = frozenset(),
) -> Action:
    return Action(name, frozenset(sources), target, frozenset(actors), label, alternatives)


_WORKING = {Status.HANDLING, Status.PENDING_APPROVAL}
_LED = {Status.DISPATCHED, Status.HANDLING, Status.PENDING_APPROVAL}
# R2.6: a formal reply may have been sent in these states (a reopened round works again on an earlier reply).
_AFTER_REPLY = {*_WORKING, Status.REPLIED, Status.UNREACHABLE_REVIEW, *CLOSED_STATUSES}

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        _a("dispatch", {Status.NEW}, Status.DISPATCHED, {Actor.OFFICE}, _("Dispatch")),
        _a("acknowledge", {Status.DISPATCHED}, Status.HANDLING, {Actor.LEAD}, _("Acknowledge")),
        _a("set_level", {Status.HANDLING}, None, {Actor.LEAD}, _("Set handling level")),
        _a("log_contact", _LED | {Status.REPLIED}, None, {Actor.LEAD}, _("Log contact with the requester")),
        _a("request_cohandling", {Status.HANDLING}, None, {Actor.LEAD}, _("Ask a unit to co-handle")),
        _a("answer_cohandling", _WORKING, None, {Actor.COHANDLER}, _("Answer a co-handling request")),
        _a("send_initial_reply", {Status.HANDLING}, None, {Actor.LEAD}, _("Send the initial reply")),
        _a("move_planned_date", {Status.HANDLING}, None, {Actor.LEAD}, _("Move the planned reply date")),
        _a("escalate", _WORKING, None, {Actor.LEAD}, _("Ask a leader for an instruction")),
        _a("instruct", _LED | {Status.NEW}, None, {Actor.LEADER}, _("Record an instruction")),
        # R6.3: the lead unit records what it did about a leader's instruction (the instruction stays on top of
        # the ticket page until then).
        _a(
            "respond_instruction",
            _LED | {Status.REPLIED, Status.UNREACHABLE_REVIEW},
            None,
            {Actor.LEAD},
            _("Record what was done about the instruction"),
        ),
        _a("record_third_party", _WORKING, None, {Actor.LEAD}, _("Record a third party contacted")),
        _a(
            "submit_reply",
            {Status.HANDLING},
            Status.PENDING_APPROVAL,
            {Actor.LEAD},
            _("Submit the reply for approval"),
        ),
        _a(
            "approve_reply",
            {Status.PENDING_APPROVAL},
            Status.REPLIED,
            {Actor.LEAD_HEAD},
            _("Approve and send the reply"),
            # R6.1 a repeat's reply and R1.3 an anonymous letter's reply close the ticket: no follow-up.
            alternatives=frozenset({Status.CLOSED}),
        ),
        _a(
            "return_reply",
            {Status.PENDING_APPROVAL},
            Status.HANDLING,
            {Actor.LEAD_HEAD},
            _("Return the reply"),
        ),
        # R6.5 / Art. 9.6: a flagged reply is never approved; the unit, having contacted the third party itself,
        # rewords it (the reworded draft replaces the flagged one and awaits the head again).
        _a("reword_reply", {Status.PENDING_APPROVAL}, None, {Actor.LEAD}, _("Reword the flagged reply")),
        # R2.6: the result is reported back to the referring body (日清日结: the day the reply is approved).
        _a(
            "report_back",
            _AFTER_REPLY,
            None,
            {Actor.LEAD, Actor.OFFICE},
            _("Report the result back to the referring body"),
        ),
        # R4.6 / R7: the follow-up. Its outcome closes the ticket (销账) or reopens it for a new round;
        # an online rating by the requester takes the same two moves (actor None: the signed link is the proof).
        _a("record_followup_attempt", {Status.REPLIED}, None, {Actor.LEAD}, _("Record a follow-up call")),
        _a("close", {Status.REPLIED}, Status.CLOSED, {Actor.LEAD}, _("Close after a satisfied follow-up")),
        _a("reopen", {Status.REPLIED}, Status.HANDLING, {Actor.LEAD}, _("Reopen for a new round")),
        # R6.2: an out-of-remit / objectively constrained reply accepted as explained closes apart.
        _a(
            "close_explained",
            {Status.REPLIED},
            Status.CLOSED_EXPLAINED,
            {Actor.LEAD},
            _("Close as explained after the follow-up"),
        ),
        # R7.3: unreachable after 3 attempts on 2 days goes to the Office — never back to handling.
        _a(
            "refer_unreachable",
            {Status.REPLIED},
            Status.UNREACHABLE_REVIEW,
            {Actor.LEAD},
            _("Pass an unreachable requester to the Office"),
        ),
        _a(
            "close_unreachable",
            {Status.UNREACHABLE_REVIEW},
            Status.CLOSED_UNREACHABLE,
            {Actor.OFFICE},
            _("Close as unreachable"),
        ),
        _a(
            "retry_unreachable",
            {Status.UNREACHABLE_REVIEW},
            Status.REPLIED,
            {Actor.OFFICE},
            _("Order another round of calls"),
        ),
        # R7.2: after 3 rounds the Office may end it (the service checks the round counter).
        _a(
            "close_unsatisfied",
            {Status.HANDLING, Status.PENDING_APPROVAL, Status.REPLIED},
            Status.CLOSED_UNSATISFIED,
            {Actor.OFFICE},
            _("Close as unsatisfied"),
        ),
        _a("request_redispatch", _LED, None, {Actor.LEAD}, _("Ask the Office to re-dispatch")),
        # R3.2: a request made while the reply awaited approval is still decided (rejected) after it is sent.
        _a(
            "decide_redispatch",
            set(Status) - {Status.NEW},
            None,
            {Actor.OFFICE},
            _("Decide a re-dispatch request"),
        ),
        _a(
            "amend",
            _LED | {Status.NEW, Status.REPLIED},
            None,
            {Actor.LEAD, Actor.OFFICE},
            _("Append an amendment"),
        ),
        _a(
            "reveal_contact",
            set(Status),
            None,
            {Actor.LEAD, Actor.OFFICE, Actor.INSPECTOR},
            _("Show the full contact"),
        ),
    ]
}
