"""The ticket actions: one form and ONE service call each, listed as data.

Which forms a person sees comes from the state machine (``states.ACTIONS`` sources and actors) and their
relation to the ticket (``permissions.relations``); the service checks both again when the form is posted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiesu.org.models import Role, Unit, User
from jiesu.org.selectors import roles_for
from jiesu.tickets import forms as f
from jiesu.tickets import forms_followup as ff
from jiesu.tickets import selectors, services
from jiesu.tickets.hints import UnitHint, dispatch_hints, matter_search_template
from jiesu.tickets.models import (
    Channel,
    Clock,
    ClockKind,
    CohandlingRequest,
    Level,
    Note,
    RedispatchRequest,
    Reply,
    Ticket,
)
from jiesu.tickets.permissions import relations
from jiesu.tickets.services.followup import EXPLAINED_KINDS, max_rounds
from jiesu.tickets.states import ACTIONS, Actor

Run = Callable[[User, Ticket, dict[str, Any]], object]


class Kit:
    """The choice lists and facts the action forms of one ticket need, each fetched at most once."""

    def __init__(self, user: User, ticket: Ticket, rels: frozenset[Actor] | None = None) -> None:
        self.user = user
        self.ticket = ticket
        self.rels = relations(user, ticket) if rels is None else rels

    @cached_property
    def units(self) -> list[Unit]:
        return f.active_units()

    @cached_property
    def leaders(self) -> list[User]:
        return list(selectors.school_leaders())

    @cached_property
    def candidates(self) -> list[selectors.RepeatCandidate]:
        t = self.ticket
        return selectors.repeat_candidates(
            viewer=self.user,
            requester=t.requester,
            phone=t.contact_phone,
            subject=t.subject,
            content=t.content,
            exclude_id=t.pk,
        )

    @cached_property
    def open_items(self) -> list[CohandlingRequest]:
        """R3.3: co-handling requests on this ticket to the person's units, still unanswered."""
        units = roles_for(self.user).unit_ids(Role.UNIT_HEAD, Role.INFO_OFFICER, Role.UNIT_STAFF)
        return list(
            CohandlingRequest.objects.filter(ticket=self.ticket, unit_id__in=units, answered_at__isnull=True)
            .select_related("unit")
            .order_by("due_at")
        )

    @cached_property
    def pending(self) -> Reply | None:
        return selectors.pending_formal_replies([self.ticket.pk]).get(self.ticket.pk)

    @cached_property
    def flagged(self) -> bool:
        """R6.5: the draft awaiting approval sends the requester to a third party (never approved)."""
        return bool(self.pending and self.pending.third_party_flag)

    @cached_property
    def instructions(self) -> list[Note]:
        """R6.3: leaders' instructions the lead unit has not yet said what it did about."""
        return list(selectors.open_instructions(self.ticket))

    def use_notes(self, notes: list[Note]) -> None:
        """The ticket page's notes, already fetched: the open instructions come from them (no query)."""
        self.__dict__["instructions"] = [
            n for n in notes if n.kind == Note.Kind.INSTRUCTION and not n.answered
        ]

    @cached_property
    def report_back_open(self) -> bool:
        """R2.6: a referral's report back is due (its formal reply was approved, the source not yet told)."""
        return (
            self.ticket.channel == Channel.REFERRAL
            and Clock.objects.filter(
                ticket=self.ticket, kind=ClockKind.REPORT_BACK, met_at__isnull=True
            ).exists()
        )

    @cached_property
    def explained(self) -> bool:
        """R6.2: the round's sent reply explained (out of remit / not solvable now) instead of solving."""
        return Reply.objects.filter(
            ticket=self.ticket,
            round=self.ticket.round,
            stage=Reply.Stage.FORMAL,
            state=Reply.State.SENT,
            kind__in=EXPLAINED_KINDS,
        ).exists()

    @cached_property
    def redispatch_pending(self) -> bool:
        return RedispatchRequest.objects.filter(
            ticket=self.ticket, decision=RedispatchRequest.Decision.PENDING
        ).exists()


def _none(kit: Kit) -> dict[str, Any]:
    return {}


def _always(kit: Kit) -> bool:
    return True


@dataclass(frozen=True)
class Spec:
    form: type[f.ActionForm]
    run: Run
    done: Promise
    choices: Callable[[Kit], dict[str, Any]] = _none
    when: Callable[[Kit], bool] = _always
    gate: str = ""  # the states.ACTIONS row deciding who sees the form (default: the form's own name)
    label: Promise | None = None  # the form's title (default: the state machine's label of ``gate``)
    outcome: Callable[[Ticket], Promise | None] | None = None  # a message saying more than ``done``

    def action(self, name: str) -> str:
        return self.gate or name

    def message(self, ticket: Ticket) -> Promise:
        """What the person is told after the action succeeded."""
        said = self.outcome(ticket) if self.outcome is not None else None
        return said if said is not None else self.done


def _late_move(ticket: Ticket) -> Promise | None:
    """R4.2: a planned date moved after it passed is a new commitment; the reply is late anyway."""
    if selectors.reply_already_late(ticket):
        return _(
            "The planned reply date had already passed: the missed date stays on record and the formal reply "
            "counts as late; the new date is recorded as a new commitment."
        )
    return None


def _flagged_submit(ticket: Ticket) -> Promise | None:
    """R6.5 / Art. 9.6: the drafter learns at once that the head cannot approve such wording."""
    pending = Reply.objects.filter(ticket=ticket, state=Reply.State.PENDING).order_by("-id").first()
    if pending is not None and pending.third_party_flag:
        return _(
            "The reply was submitted, but it asks the requester to contact a third party themselves, which "
            "Article 9 does not allow: the head cannot approve it. Contact the third party on the requester's "
            "behalf, record it, and reword the reply."
        )
    return None


def _units(kit: Kit) -> dict[str, Any]:
    return {"units": kit.units}


SPECS: dict[str, Spec] = {
    # R6.3: the instruction the unit has not yet acted on comes first.
    "respond_instruction": Spec(
        f.InstructionResponseForm,
        lambda a, t, d: services.instruction_respond(
            actor=a, ticket=t, instruction=d["instruction"], body=d["body"]
        ),
        _("What your unit did about the instruction was recorded."),
        choices=lambda kit: {"instructions": kit.instructions},
        when=lambda kit: bool(kit.instructions),
    ),
    # R6.5 / Art. 9.6: a flagged reply is never approved — only returned, or reworded by the unit.
    "approve_reply": Spec(
        f.ApproveForm,
        lambda a, t, d: services.reply_approve(actor=a, ticket=t, comment=d["comment"]),
        _("The reply was approved and sent to the requester."),
        when=lambda kit: kit.pending is not None and not kit.flagged,
    ),
    "reword_reply": Spec(
        f.RewordForm,
        lambda a, t, d: services.reply_reword(actor=a, ticket=t, body=d["body"], suggestion=d["suggestion"]),
        _("The reworded reply was submitted to the unit head for approval."),
        choices=lambda kit: {"pending": kit.pending},
        when=lambda kit: kit.flagged,
    ),
    # R2.6: the result reported back to the referring body (日清日结).
    "report_back": Spec(
        f.ReportBackForm,
        lambda a, t, d: services.referral_report_back(actor=a, ticket=t, text=d["text"], at=d["at"]),
        _("The report back to the referring body was recorded."),
        when=lambda kit: kit.report_back_open,
    ),
    "return_reply": Spec(
        f.ReturnForm,
        lambda a, t, d: services.reply_return(actor=a, ticket=t, comment=d["comment"]),
        _("The reply was returned to the unit with your comment."),
        when=lambda kit: kit.pending is not None,
    ),
    "dispatch": Spec(
        f.DispatchForm,
        lambda a, t, d: services.ticket_dispatch(
            actor=a,
            ticket=t,
            lead_unit=d["lead_unit"],
            cohandling_units=d["cohandling_units"],
            note=d["note"],
        ),
        _("Dispatched."),
        choices=_units,
    ),
    "acknowledge": Spec(
        f.AcknowledgeForm,
        lambda a, t, d: services.ticket_acknowledge(actor=a, ticket=t),
        _("Acknowledged: the response deadline is met."),
    ),
    "answer_cohandling": Spec(
        f.CohandlingAnswerForm,
        lambda a, t, d: services.cohandling_answer(
            actor=a, item=d["item"], answer=d["answer"], finished=d["finished"], reason=d["reason"]
        ),
        _("Your unit's answer was recorded."),
        choices=lambda kit: {"items": kit.open_items},
        when=lambda kit: bool(kit.open_items),
    ),
    "instruct": Spec(
        f.InstructForm,
        lambda a, t, d: services.instruct(actor=a, ticket=t, body=d["body"]),
        _("Your instruction was recorded on the ticket."),
    ),
    "set_level": Spec(
        f.SetLevelForm,
        lambda a, t, d: services.ticket_set_level(actor=a, ticket=t, level=d["level"], reason=d["reason"]),
        _("The handling level is set; the reply deadlines follow it."),
        when=lambda kit: kit.ticket.round == 1,  # R7.2: a reopened round runs on its own 1-working-day clock
    ),
    "log_contact": Spec(
        f.ContactLogForm,
        lambda a, t, d: services.contact_log(actor=a, ticket=t, body=d["body"]),
        _("The contact was logged."),
    ),
    "send_initial_reply": Spec(
        f.InitialReplyForm,
        lambda a, t, d: services.initial_reply_send(
            actor=a, ticket=t, body=d["body"], planned_date=d["planned_date"]
        ),
        _("The initial reply was sent."),
        when=lambda kit: (
            kit.ticket.round == 1
            and kit.ticket.level in (Level.DEPARTMENT, Level.SCHOOL)
            and kit.ticket.planned_reply_date is None
        ),
    ),
    "move_planned_date": Spec(
        f.PlannedDateMoveForm,
        lambda a, t, d: services.planned_date_move(
            actor=a, ticket=t, planned_date=d["planned_date"], reason=d["reason"]
        ),
        _("The planned date was moved."),
        when=lambda kit: kit.ticket.round == 1 and kit.ticket.planned_reply_date is not None,
        outcome=_late_move,
    ),
    "submit_reply": Spec(
        f.ReplySubmitForm,
        lambda a, t, d: services.reply_submit(
            actor=a,
            ticket=t,
            body=d["body"],
            kind=d["kind"],
            suggestion=d["suggestion"],
            repeat_of=d["repeat_of"],
        ),
        _("The reply was submitted to the unit head for approval."),
        choices=lambda kit: {"candidates": kit.candidates},
        outcome=_flagged_submit,
    ),
    "request_cohandling": Spec(
        f.CohandlingRequestForm,
        lambda a, t, d: services.cohandling_request(actor=a, ticket=t, unit=d["unit"], request=d["request"]),
        _("The unit was asked to co-handle; it answers within 1 working day."),
        choices=_units,
    ),
    "escalate": Spec(
        f.EscalateForm,
        lambda a, t, d: services.escalate(actor=a, ticket=t, leader=d["leader"], body=d["body"]),
        _("The leader was asked for an instruction."),
        choices=lambda kit: {"leaders": kit.leaders},
    ),
    "record_third_party": Spec(
        f.ThirdPartyForm,
        lambda a, t, d: services.third_party_record(actor=a, ticket=t, party=d["party"], body=d["body"]),
        _("The third party contact was recorded."),
    ),
    "request_redispatch": Spec(
        f.RedispatchRequestForm,
        lambda a, t, d: services.redispatch_request(
            actor=a, ticket=t, reason=d["reason"], suggested_unit=d["suggested_unit"]
        ),
        _("The Office was asked to re-dispatch the ticket."),
        choices=_units,
        when=lambda kit: not kit.redispatch_pending,
    ),
    # R7.1: the lead unit's follow-up call; its result closes or reopens (R7.2), both moves share one form.
    "record_followup_attempt": Spec(
        ff.FollowupAttemptForm,
        lambda a, t, d: services.followup_attempt_record(
            actor=a, ticket=t, result=d["result"], note=d["note"]
        ),
        _("The call attempt was recorded."),
    ),
    "followup": Spec(
        ff.FollowupResultForm,
        lambda a, t, d: services.followup_complete(
            actor=a,
            ticket=t,
            outcome=d["outcome"],
            resolved=d["resolved"],
            comment=d["comment"],
            accepts_explanation=bool(d.get("accepts_explanation")),
        ),
        _("The follow-up result was recorded."),
        choices=lambda kit: {"explained": kit.explained},
        gate="close",
        label=_("Record the follow-up result"),
    ),
    # R7.3: the Office decides an unreachable requester: close apart, or another round of calls.
    "close_unreachable": Spec(
        ff.UnreachableDecisionForm,
        lambda a, t, d: services.unreachable_close(actor=a, ticket=t, reason=d["reason"]),
        _("The ticket was closed: the requester could not be reached."),
    ),
    "retry_unreachable": Spec(
        ff.UnreachableDecisionForm,
        lambda a, t, d: services.unreachable_retry(actor=a, ticket=t, reason=d["reason"]),
        _("The unit was asked to call the requester again."),
    ),
    "close_unsatisfied": Spec(
        ff.CloseUnsatisfiedForm,
        lambda a, t, d: services.ticket_close_unsatisfied(actor=a, ticket=t, reason=d["reason"]),
        _("The ticket was closed as unsatisfied."),
        when=lambda kit: kit.ticket.round > max_rounds(),  # R7.2: only after 3 rounds
    ),
    "amend": Spec(
        f.AmendForm,
        lambda a, t, d: services.amendment_add(actor=a, ticket=t, body=d["body"]),
        _("The amendment was added."),
    ),
}


@dataclass
class ActionView:
    """One action form as a page shows it."""

    name: str
    label: str
    form: f.ActionForm
    number: str
    next: str = ""
    hints: tuple[UnitHint, ...] = ()  # R9.5: suggested lead units of a dispatch form (one click accepts)

    @property
    def matter_search(self) -> str:
        """R2.7: the template of the catalogue's matter search above a dispatch form ('' when none)."""
        return matter_search_template() if self.name == "dispatch" else ""

    @property
    def url(self) -> str:
        return reverse("work:act", args=[self.number, self.name])


def allowed(kit: Kit, name: str) -> bool:
    """The state machine allows the action from this status, for this person, and its own condition holds."""
    spec = SPECS[name]
    action = ACTIONS[spec.action(name)]
    return kit.ticket.status in action.sources and bool(kit.rels & action.actors) and spec.when(kit)


def build(kit: Kit, name: str, data: Any = None, next_url: str = "") -> ActionView:
    spec = SPECS[name]
    form = spec.form(data, ticket=kit.ticket, user=kit.user, auto_id=f"id_{name}_%s", **spec.choices(kit))
    label = spec.label or ACTIONS[spec.action(name)].label
    hints = tuple(dispatch_hints([kit.ticket]).get(kit.ticket.pk, ())) if name == "dispatch" else ()
    return ActionView(name, str(label), form, kit.ticket.number, next_url, hints)


def available(kit: Kit) -> list[ActionView]:
    """The forms the ticket page shows this person, in the order of SPECS."""
    return [build(kit, name) for name in SPECS if allowed(kit, name)]
