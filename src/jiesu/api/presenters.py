"""Turn tickets into API payloads. Who sees what is decided by jiesu.tickets.permissions (R10.1–R10.3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jiesu.org.models import Unit, User
from jiesu.privacy import mask_email, mask_phone
from jiesu.tickets import selectors
from jiesu.tickets.models import (
    Clock,
    CohandlingRequest,
    Followup,
    FollowupAttempt,
    Note,
    RedispatchRequest,
    Reply,
    Ticket,
)
from jiesu.tickets.permissions import is_requester, may_see_full_contact, relations
from jiesu.tickets.states import ACTIONS, Actor, Status


def _unit(unit: Unit | None) -> dict[str, str] | None:
    return {"code": unit.code, "name": unit.name} if unit is not None else None


def row(ticket: Ticket) -> dict[str, Any]:
    """One worklist row; reads only the listing's select_related columns (no query per row)."""
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "type": ticket.type,
        "channel": ticket.channel,
        "status": ticket.status,
        "status_label": str(Status(ticket.status).label),
        "urgent": ticket.urgent,
        "level": ticket.level,
        "round": ticket.round,
        "received_at": ticket.received_at,
        "campus": ticket.campus.name,
        "lead_unit": ticket.lead_unit.name if ticket.lead_unit else None,
        "requester_name": ticket.requester_name,
        "next_due_at": ticket.next_due_at,
        "next_clock": ticket.next_clock,
        "clock_state": getattr(ticket, "clock_state", ""),
    }


def clock_status(clock: Clock, now: dt.datetime) -> str:
    """R4.8 for one ticket's handful of clocks (the worklists derive the same in SQL); R4.9 superseded."""
    if clock.superseded_at is not None:
        return "superseded"
    if clock.met_at is not None:
        return "met"
    if now >= clock.due_at:
        return "overdue"
    return "due_soon" if now >= clock.soon_at else "ok"


def contact(user: User, ticket: Ticket) -> dict[str, Any]:
    """R10.2: masked for staff, as on the ticket page; the need-to-know call ``POST contact/reveal`` (audited,
    so every full view is logged). The requester always sees their own contact."""
    full = is_requester(user, ticket)
    return {
        "name": ticket.requester_name,
        "kind": ticket.requester_kind,
        "phone": ticket.contact_phone if full else mask_phone(ticket.contact_phone),
        "email": ticket.contact_email if full else mask_email(ticket.contact_email),
        "masked": not full,
        "revealable": not full and may_see_full_contact(user, ticket),
    }


def allowed_actions(ticket: Ticket, related: frozenset[Actor]) -> list[str]:
    """The state machine's rows this caller may take now (a hint for clients; the services decide)."""
    return [
        name
        for name, action in ACTIONS.items()
        if ticket.status in action.sources and related & action.actors
    ]


def _reply(reply: Reply, *, full: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": reply.pk,
        "stage": reply.stage,
        "kind": reply.kind,
        "state": reply.state,
        "round": reply.round,
        "body": reply.body,
        "suggestion": reply.suggestion,
        "planned_date": reply.planned_date,
        "sent_at": reply.sent_at,
    }
    if full:
        data.update(
            drafted_by=reply.drafted_by.get_full_name(),
            drafted_at=reply.drafted_at,
            review_comment=reply.review_comment,
            third_party_flag=reply.third_party_flag,
        )
    return data


def _event(event: Any, *, full: bool) -> dict[str, Any]:
    return {
        "at": event.at,
        "action": event.action,
        "actor": event.actor.get_full_name() if full and event.actor else None,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "reason": event.reason,
        "before": event.before if full else None,
        "after": event.after if full else None,
    }


def _note(note: Note) -> dict[str, Any]:
    return {
        "id": note.pk,
        "kind": note.kind,
        "at": note.at,
        "author": note.author.get_full_name(),
        "party": note.party,
        "body": note.body,
        "answered": note.answered,
        "responds_to": note.responds_to_id,
    }


def _cohandling(item: CohandlingRequest) -> dict[str, Any]:
    return {
        "id": item.pk,
        "unit": _unit(item.unit),
        "request": item.request,
        "requested_at": item.requested_at,
        "due_at": item.due_at,
        "rule": item.rule,
        "answer": item.answer,
        "finished": item.finished,
        "reason": item.reason,
        "origin": item.origin_id,
        "answered_at": item.answered_at,
        "on_time": item.on_time,
    }


def _redispatch(item: RedispatchRequest) -> dict[str, Any]:
    return {
        "id": item.pk,
        "from_unit": _unit(item.from_unit),
        "suggested_unit": _unit(item.suggested_unit),
        "reason": item.reason,
        "requested_at": item.requested_at,
        "decision": item.decision,
        "decision_note": item.decision_note,
        "new_unit": _unit(item.new_unit),
    }


def _internals(ticket: Ticket) -> dict[str, Any]:
    """What only the people handling the ticket see: notes, co-handling and re-dispatch requests."""
    notes = Note.objects.filter(ticket=ticket).select_related("author")
    cohandling = (
        CohandlingRequest.objects.filter(ticket=ticket).select_related("unit").order_by("requested_at")
    )
    redispatch = (
        RedispatchRequest.objects.filter(ticket=ticket)
        .select_related("from_unit", "suggested_unit", "new_unit")
        .order_by("requested_at")
    )
    followups = Followup.objects.filter(ticket=ticket).order_by("round")
    attempts = FollowupAttempt.objects.filter(ticket=ticket).order_by("at", "id")
    return {
        "notes": [_note(n) for n in notes],
        "cohandling": [_cohandling(c) for c in cohandling],
        "redispatch_requests": [_redispatch(r) for r in redispatch],
        "followups": [
            {
                "round": f.round,
                "outcome": f.outcome,
                "resolved": f.resolved,
                "channel": f.channel,
                "comment": f.comment,
                "explained_accepted": f.explained_accepted,
                "recorded_at": f.recorded_at,
            }
            for f in followups
        ],
        "followup_attempts": [
            {"round": a.round, "at": a.at, "result": a.result, "note": a.note} for a in attempts
        ],
    }


def detail(user: User, ticket: Ticket) -> dict[str, Any]:
    """The ticket page's data. Staff with a relation see the full history; the requester the public one."""
    related = relations(user, ticket)
    full = bool(related)
    now = timezone.now()
    cohandlers = Unit.objects.filter(pk__in=ticket.cohandling_units.values("unit_id")).order_by(
        "sort_order", "id"
    )
    data: dict[str, Any] = {
        "number": ticket.number,
        "subject": ticket.subject,
        "content": ticket.content,
        "type": ticket.type,
        "channel": ticket.channel,
        "status": ticket.status,
        "status_label": str(Status(ticket.status).label),
        "urgent": ticket.urgent,
        # R1.5 / R10: why the receiver marked it urgent is an internal note, never the requester's to read.
        "urgent_reason": ticket.urgent_reason if full else None,
        "campus": ticket.campus.name,
        "lead_unit": _unit(ticket.lead_unit),
        "cohandling_units": [_unit(u) for u in cohandlers],
        "level": ticket.level,
        "round": ticket.round,
        "planned_reply_date": ticket.planned_reply_date,
        "received_at": ticket.received_at,
        "closed_at": ticket.closed_at,
        "anonymous": ticket.anonymous,
        "repeat_of": ticket.repeat_of.number if ticket.repeat_of_id and ticket.repeat_of else None,
        "source_name": ticket.source_name,
        "source_reference": ticket.source_reference,
        "source_due_at": ticket.source_due_at,
        "contact": contact(user, ticket),
        "history_scope": "full" if full else "public",
        "allowed_actions": allowed_actions(ticket, related),
        "clocks": [
            {
                "kind": c.kind,
                "round": c.round,
                "started_at": c.started_at,
                "due_at": c.due_at,
                "met_at": c.met_at,
                "on_time": c.on_time,
                "provisional": c.provisional,
                "rule": c.rule,
                "status": clock_status(c, now),
                "superseded_at": c.superseded_at,
                "missed": c.breached_at is not None,
                "carries_miss": c.carries_miss,
            }
            for c in selectors.clocks(ticket)
        ],
        "history": [_event(e, full=full) for e in selectors.timeline(ticket, public_only=not full)],
        "replies": [_reply(r, full=full) for r in selectors.replies(ticket, sent_only=not full)],
        "notes": [],
        "cohandling": [],
        "redispatch_requests": [],
    }
    if full:
        data.update(_internals(ticket))
    return data


def tracked(ticket: Ticket) -> dict[str, Any]:
    """The public tracking page's data: status and sent replies, nothing more (R10.1)."""
    return {
        "number": ticket.number,
        "status": ticket.status,
        "status_label": str(Status(ticket.status).label),
        "replies": [
            {
                "stage": r.stage,
                "body": r.body,
                "suggestion": r.suggestion,
                "planned_date": r.planned_date,
                "sent_at": r.sent_at,
            }
            for r in Reply.objects.filter(ticket=ticket, state=Reply.State.SENT).order_by("sent_at", "id")
        ],
    }
