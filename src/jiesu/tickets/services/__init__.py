"""Every write to a ticket goes through these services (conventions: services for writes)."""

from jiesu.tickets.services.base import TicketEvent, publish, subscribe, unsubscribe
from jiesu.tickets.services.dispatch import (
    redispatch_decide,
    redispatch_request,
    ticket_acknowledge,
    ticket_dispatch,
)
from jiesu.tickets.services.handling import (
    amendment_add,
    cohandling_answer,
    cohandling_request,
    contact_log,
    contact_reveal,
    escalate,
    initial_reply_send,
    instruct,
    planned_date_move,
    third_party_record,
    ticket_set_level,
)
from jiesu.tickets.services.intake import Created, ticket_create
from jiesu.tickets.services.replies import flags_third_party, reply_approve, reply_return, reply_submit

__all__ = [
    "Created",
    "TicketEvent",
    "amendment_add",
    "cohandling_answer",
    "cohandling_request",
    "contact_log",
    "contact_reveal",
    "escalate",
    "flags_third_party",
    "initial_reply_send",
    "instruct",
    "planned_date_move",
    "publish",
    "redispatch_decide",
    "redispatch_request",
    "reply_approve",
    "reply_return",
    "reply_submit",
    "subscribe",
    "third_party_record",
    "ticket_acknowledge",
    "ticket_create",
    "ticket_dispatch",
    "ticket_set_level",
    "unsubscribe",
]
