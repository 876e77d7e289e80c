"""Intake, worklists and the ticket page over HTTP. Thin: parse, fetch through permissions, call one service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja import Status as HttpStatus

from jiesu.api import presenters
from jiesu.api.auth import caller
from jiesu.api.endpoints import inputs
from jiesu.api.errors import InputError
from jiesu.api.schemas import (
    CreatedOut,
    ErrorOut,
    ListName,
    TicketCreateIn,
    TicketDetail,
    TicketPage,
    TicketQuery,
)
from jiesu.org.models import Role, User
from jiesu.org.selectors import roles_for
from jiesu.ratelimit import intake_throttles
from jiesu.tickets import selectors, services
from jiesu.tickets.models import Channel, Ticket
from jiesu.tickets.permissions import get_ticket_for, sees_everything
from jiesu.tickets.services.base import now
from jiesu.tickets.services.intake import WEB_SERVER_FIELDS, check_backdate

router = Router(tags=["tickets"])
ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}

_LISTS: dict[str, Callable[[User], QuerySet[Ticket]]] = {
    "inbox": lambda user: selectors.unit_inbox(user),
    "mine": selectors.my_requests,
    "dispatch": selectors.dispatch_queue,
    "overdue": lambda user: selectors.overdue_board(user),
    "approvals": selectors.approval_queue,
    "followups": selectors.followups_due,  # R4.6: replied tickets of my units awaiting the call back
    "replied": selectors.office_replied,  # R7.4: the Office's dispatched tickets, replied, follow-up to come
    "unreachable": selectors.unreachable_review,  # R7.3: requesters not reached, awaiting the Office
    "report_back": selectors.report_back_missing,  # R2.6: referrals not yet reported back to their source
    "all": lambda user: selectors.all_visible(user),
}


def default_list(user: User) -> ListName:
    """The worklist a person most likely means: the Office's queue, a unit's inbox, or their own requests."""
    roles = roles_for(user)
    if roles.is_office:
        return "dispatch"
    if roles.unit_ids(Role.UNIT_HEAD, Role.INFO_OFFICER, Role.UNIT_STAFF):
        return "inbox"
    if sees_everything(roles):
        return "all"
    return "mine"


@router.post(
    "/tickets",
    response={201: CreatedOut, 413: ErrorOut, 429: ErrorOut, **ERRORS},
    summary="Record a request (R1, R2)",
    throttle=intake_throttles(),  # per person and per address, one count with the web forms
)
def ticket_create(request: HttpRequest, payload: TicketCreateIn) -> HttpStatus[dict[str, Any]]:
    """A web request is the caller's own (R2); hotline and walk-in name the receiving unit, which leads it."""
    user = caller(request)
    received_at = inputs.aware(payload.received_at)
    if payload.channel == Channel.WEB:
        # Issue 17 item 3: the server and the signed-in person set these; a body that tries is refused.
        sent = sorted(payload.model_fields_set & set(WEB_SERVER_FIELDS))
        if sent:
            raise InputError(
                _("These fields are set by the system for a web request: %(fields)s.")
                % {"fields": ", ".join(sent)},
                field=sent[0],
            )
    else:
        check_backdate(received_at, payload.backdate_reason, now=now())
    created = services.ticket_create(
        actor=user,
        channel=payload.channel,
        type=payload.type,
        campus=inputs.campus(payload.campus),
        content=payload.content,
        subject=payload.subject,
        requester=user if payload.channel == Channel.WEB else None,
        requester_name=payload.requester_name,
        requester_kind=payload.requester_kind or "",
        contact_phone=payload.contact_phone,
        contact_email=payload.contact_email,
        anonymous=payload.anonymous,
        urgent=payload.urgent,
        urgent_reason=payload.urgent_reason,
        received_at=received_at,
        receiving_unit=inputs.optional_unit(payload.receiving_unit, "receiving_unit"),
        acknowledge=payload.acknowledge,
        source_name=payload.source_name,
        source_reference=payload.source_reference,
        source_due_at=inputs.aware(payload.source_due_at),
        backdate_reason=payload.backdate_reason,
    )
    body = {
        "number": created.ticket.number,
        "tracking_code": created.tracking_code,
        "status": created.ticket.status,
    }
    return HttpStatus(201, body)


@router.get(
    "/tickets", response={200: TicketPage, **ERRORS}, summary="The caller's worklist, paged and filtered"
)
def ticket_list(request: HttpRequest, filters: Query[TicketQuery]) -> dict[str, Any]:
    """Every list is scoped to what the caller may see (R10.3) and sorted on stored clock columns (R4.8)."""
    user = caller(request)
    name = filters.list or default_list(user)
    unit = inputs.unit(filters.unit, "unit") if filters.unit else None
    flt = selectors.TicketFilter(
        status=filters.status or "",
        channel=filters.channel or "",
        type=filters.type or "",
        clock=filters.clock or "",
        q=filters.q.strip(),
        unit_id=unit.pk if unit else None,
        received_from=filters.received_from,
        received_to=filters.received_to,
    )
    qs = selectors.apply_filter(_LISTS[name](user), flt)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    # A short first page already is the whole list: spare the COUNT query.
    count = len(page) if filters.offset == 0 and len(page) < filters.limit else qs.count()
    return {
        "list": name,
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [presenters.row(t) for t in page],
    }


@router.get(
    "/tickets/{number}", response={200: TicketDetail, **ERRORS}, summary="One ticket (404 when not visible)"
)
def ticket_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    """R10: the requester sees the public history; handlers the full one; contacts masked unless need-to-know."""
    user = caller(request)
    ticket = get_ticket_for(user, number)
    return presenters.detail(user, ticket)
