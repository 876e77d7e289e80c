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
from jiesu.tickets.models import CohandlingRequest, Level, RedispatchRequest, Reply, Ticket
from jiesu.tickets.permissions import relations
from jiesu.tickets.services.followup import max_rounds
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

    def action(self, name: str) -> str:
        return self.gate or name


def _units(kit: Kit) -> dict[str, Any]:
    return {"units": kit.units}


SPECS: dict[str, Spec] = {
    "approve_reply": Spec(
        f.ApproveForm,
        lambda a, t, d: services.reply_approve(
            actor=a,
            ticket=t,
            comment=d["comment"],
            accept_third_party_wording=d.get("accept_third_party_wording", False),
        ),
        _("The reply was approved and sent to the requester."),
        choices=lambda kit: {"flagged": bool(kit.pending and kit.pending.third_party_flag)},
        when=lambda kit: kit.pending is not None,
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
            actor=a, item=d["item"], answer=d["answer"], finished=d["finished"]
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
            actor=a, ticket=t, outcome=d["outcome"], resolved=d["resolved"], comment=d["comment"]
        ),
        _("The follow-up result was recorded."),
        gate="close",
        label=_("Record the follow-up result"),
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
    return ActionView(name, str(label), form, kit.ticket.number, next_url)


def available(kit: Kit) -> list[ActionView]:
    """The forms the ticket page shows this person, in the order of SPECS."""
    return [build(kit, name) for name in SPECS if allowed(kit, name)]
