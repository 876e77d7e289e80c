"""Every write to a ticket goes through these services (conventions: services for writes)."""

from jiesu.tickets.services.base import (
    TicketEvent,
    publish,
    subscribe,
    subscribe_in_transaction,
    unsubscribe,
    unsubscribe_in_transaction,
)
from jiesu.tickets.services.dispatch import (
    redispatch_decide,
    redispatch_request,
    ticket_acknowledge,
    ticket_dispatch,
)
from jiesu.tickets.services.followup import (
    followup_attempt_record,
    followup_complete,
    followup_rate_online,
    ticket_close_unsatisfied,
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
    instruction_respond,
    letter_refer_to_leader,
    planned_date_move,
    third_party_record,
    ticket_set_level,
)
from jiesu.tickets.services.intake import Created, ticket_create, ticket_create_many
from jiesu.tickets.services.referrals import referral_report_back
from jiesu.tickets.services.replies import (
    flags_third_party,
    reply_approve,
    reply_return,
    reply_reword,
    reply_submit,
)
from jiesu.tickets.services.unreachable import unreachable_close, unreachable_retry

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
    "followup_attempt_record",
    "followup_complete",
    "followup_rate_online",
    "initial_reply_send",
    "instruct",
    "instruction_respond",
    "letter_refer_to_leader",
    "planned_date_move",
    "publish",
    "redispatch_decide",
    "redispatch_request",
    "referral_report_back",
    "reply_approve",
    "reply_return",
    "reply_reword",
    "reply_submit",
    "subscribe",
    "subscribe_in_transaction",
    "third_party_record",
    "ticket_acknowledge",
    "ticket_close_unsatisfied",
    "ticket_create",
    "ticket_create_many",
    "ticket_dispatch",
    "ticket_set_level",
    "unreachable_close",
    "unreachable_retry",
    "unsubscribe",
    "unsubscribe_in_transaction",
]
