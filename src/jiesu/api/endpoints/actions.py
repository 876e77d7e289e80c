"""One endpoint per ticket action (rules §3, §4, §6, §10). Each calls exactly one service; the state machine in
jiesu.tickets.states decides whether the move is allowed (409) and whether this person may make it (403)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from jiesu.api.auth import caller
from jiesu.api.endpoints import inputs
from jiesu.api.endpoints.tickets import ERRORS
from jiesu.api.schemas import (
    ActionOut,
    ApproveIn,
    BodyIn,
    CohandlingAnswerIn,
    CohandlingIn,
    CommentIn,
    ContactRevealOut,
    DispatchIn,
    EscalateIn,
    InitialReplyIn,
    LevelIn,
    PlannedDateIn,
    RedispatchDecideIn,
    RedispatchIn,
    ReplyIn,
    ReportBackIn,
    RewordIn,
    ThirdPartyIn,
)
from jiesu.tickets import services
from jiesu.tickets.models import CohandlingRequest, Note, RedispatchRequest, Ticket
from jiesu.tickets.permissions import get_ticket_for
from jiesu.tickets.states import Status

router = Router(tags=["actions"])
RESPONSES: dict[int, Any] = {200: ActionOut, **ERRORS}


def _done(ticket: Ticket, made: Any = None) -> dict[str, Any]:
    """The ticket's state after the action (re-read: the service worked on its own locked copy)."""
    status = Ticket.objects.filter(pk=ticket.pk).values_list("status", flat=True).get()
    return {
        "number": ticket.number,
        "status": status,
        "status_label": str(Status(status).label),
        "id": getattr(made, "pk", None),
    }


@router.post("/tickets/{number}/dispatch", response=RESPONSES, summary="Dispatch to a lead unit (R4.5)")
def dispatch(request: HttpRequest, number: str, payload: DispatchIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    services.ticket_dispatch(
        actor=user,
        ticket=ticket,
        lead_unit=inputs.unit(payload.lead_unit, "lead_unit"),
        cohandling_units=inputs.units(payload.cohandling_units, "cohandling_units"),
        note=payload.note,
    )
    return _done(ticket)


@router.post("/tickets/{number}/acknowledge", response=RESPONSES, summary="Acknowledge (R4.1)")
def acknowledge(request: HttpRequest, number: str) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    services.ticket_acknowledge(actor=user, ticket=ticket)
    return _done(ticket)


@router.post("/tickets/{number}/level", response=RESPONSES, summary="Set the handling level (R4.2)")
def level(request: HttpRequest, number: str, payload: LevelIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    services.ticket_set_level(actor=user, ticket=ticket, level=payload.level, reason=payload.reason)
    return _done(ticket)


@router.post("/tickets/{number}/contacts", response=RESPONSES, summary="Log contact with the requester")
def contacts(request: HttpRequest, number: str, payload: BodyIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    return _done(ticket, services.contact_log(actor=user, ticket=ticket, body=payload.body))


@router.post("/tickets/{number}/cohandling", response=RESPONSES, summary="Ask a unit to co-handle (R3.3)")
def cohandling(request: HttpRequest, number: str, payload: CohandlingIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    item = services.cohandling_request(
        actor=user, ticket=ticket, unit=inputs.unit(payload.unit, "unit"), request=payload.request
    )
    return _done(ticket, item)


@router.post(
    "/tickets/{number}/cohandling/{item_id}/answer",
    response=RESPONSES,
    summary="Answer a co-handling request (R3.3)",
)
def cohandling_answer(
    request: HttpRequest, number: str, item_id: int, payload: CohandlingAnswerIn
) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    item = get_object_or_404(
        CohandlingRequest.objects.select_related("ticket", "unit"), pk=item_id, ticket=ticket
    )
    answered = services.cohandling_answer(
        actor=user,
        item=item,
        answer=payload.answer,
        finished=payload.finished,
        reason=payload.reason,
        stage=payload.stage,
    )
    return _done(ticket, answered)


@router.post("/tickets/{number}/initial-reply", response=RESPONSES, summary="Send the initial reply (R4.2)")
def initial_reply(request: HttpRequest, number: str, payload: InitialReplyIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    reply = services.initial_reply_send(
        actor=user, ticket=ticket, body=payload.body, planned_date=payload.planned_date
    )
    return _done(ticket, reply)


@router.post(
    "/tickets/{number}/planned-date", response=RESPONSES, summary="Move the planned reply date (R4.2)"
)
def planned_date(request: HttpRequest, number: str, payload: PlannedDateIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    services.planned_date_move(
        actor=user, ticket=ticket, planned_date=payload.planned_date, reason=payload.reason
    )
    return _done(ticket)


@router.post(
    "/tickets/{number}/escalate", response=RESPONSES, summary="Ask a leader for an instruction (R6.3)"
)
def escalate(request: HttpRequest, number: str, payload: EscalateIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    note = services.escalate(
        actor=user, ticket=ticket, leader=inputs.person(payload.leader, "leader"), body=payload.body
    )
    return _done(ticket, note)


@router.post("/tickets/{number}/instruct", response=RESPONSES, summary="Record a leader's instruction (R6.3)")
def instruct(request: HttpRequest, number: str, payload: BodyIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    return _done(ticket, services.instruct(actor=user, ticket=ticket, body=payload.body))


@router.post(
    "/tickets/{number}/instructions/{note_id}/respond",
    response=RESPONSES,
    summary="Record what the unit did about a leader's instruction (R6.3)",
)
def instruction_respond(request: HttpRequest, number: str, note_id: int, payload: BodyIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    note = get_object_or_404(Note, pk=note_id, ticket=ticket, kind=Note.Kind.INSTRUCTION)
    return _done(
        ticket, services.instruction_respond(actor=user, ticket=ticket, instruction=note, body=payload.body)
    )


@router.post(
    "/tickets/{number}/third-party", response=RESPONSES, summary="Record a third party contacted (R6.5)"
)
def third_party(request: HttpRequest, number: str, payload: ThirdPartyIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    return _done(
        ticket, services.third_party_record(actor=user, ticket=ticket, party=payload.party, body=payload.body)
    )


@router.post(
    "/tickets/{number}/reply", response=RESPONSES, summary="Submit the formal reply for approval (R4.3)"
)
def reply(request: HttpRequest, number: str, payload: ReplyIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    made = services.reply_submit(
        actor=user,
        ticket=ticket,
        body=payload.body,
        kind=payload.kind,
        suggestion=payload.suggestion,
        repeat_of=inputs.visible_ticket(user, payload.repeat_of, "repeat_of"),
    )
    return _done(ticket, made)


@router.post(
    "/tickets/{number}/reply/approve", response=RESPONSES, summary="Approve and send the reply (R4.3)"
)
def reply_approve(request: HttpRequest, number: str, payload: ApproveIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    made = services.reply_approve(actor=user, ticket=ticket, comment=payload.comment)
    return _done(ticket, made)


@router.post(
    "/tickets/{number}/reply/reword",
    response=RESPONSES,
    summary="Reword a reply flagged for sending the requester to a third party (R6.5)",
)
def reply_reword(request: HttpRequest, number: str, payload: RewordIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    made = services.reply_reword(actor=user, ticket=ticket, body=payload.body, suggestion=payload.suggestion)
    return _done(ticket, made)


@router.post(
    "/tickets/{number}/report-back",
    response=RESPONSES,
    summary="Record the report back to the referring body (R2.6)",
)
def report_back(request: HttpRequest, number: str, payload: ReportBackIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    made = services.referral_report_back(
        actor=user, ticket=ticket, text=payload.text, at=inputs.aware(payload.at)
    )
    return _done(ticket, made)


@router.post(
    "/tickets/{number}/reply/return", response=RESPONSES, summary="Return the reply with comments (R4.3)"
)
def reply_return(request: HttpRequest, number: str, payload: CommentIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    return _done(ticket, services.reply_return(actor=user, ticket=ticket, comment=payload.comment))


@router.post(
    "/tickets/{number}/redispatch", response=RESPONSES, summary="Ask the Office to re-dispatch (R3.2)"
)
def redispatch(request: HttpRequest, number: str, payload: RedispatchIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    made = services.redispatch_request(
        actor=user,
        ticket=ticket,
        reason=payload.reason,
        suggested_unit=inputs.optional_unit(payload.suggested_unit, "suggested_unit"),
    )
    return _done(ticket, made)


@router.post(
    "/tickets/{number}/redispatch/{request_id}/decide",
    response=RESPONSES,
    summary="Approve or reject a re-dispatch request (R3.2)",
)
def redispatch_decide(
    request: HttpRequest, number: str, request_id: int, payload: RedispatchDecideIn
) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    item = get_object_or_404(RedispatchRequest.objects.select_related("ticket"), pk=request_id, ticket=ticket)
    services.redispatch_decide(
        actor=user,
        request=item,
        approve=payload.approve,
        new_unit=inputs.optional_unit(payload.new_unit, "new_unit"),
        note=payload.note,
    )
    return _done(ticket, item)


@router.post("/tickets/{number}/amendments", response=RESPONSES, summary="Append an amendment (R1.2)")
def amendments(request: HttpRequest, number: str, payload: BodyIn) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    return _done(ticket, services.amendment_add(actor=user, ticket=ticket, body=payload.body))


@router.post(
    "/tickets/{number}/contact/reveal",
    response={200: ContactRevealOut, **ERRORS},
    summary="Show the full contact, audited (R10.2)",
)
def contact_reveal(request: HttpRequest, number: str) -> dict[str, str]:
    user = caller(request)
    ticket = get_ticket_for(user, number)
    return services.contact_reveal(actor=user, ticket=ticket)
