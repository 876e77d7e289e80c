"""The only writers of the channels app (R2.1, R2.4, R2.5). Each is one transaction with its log rows."""

from jiesu.channels.services.petitions import petition_create, petition_step_add
from jiesu.channels.services.reception import (
    booking_cancel,
    booking_create,
    booking_record_visit,
    booking_ticket_create,
    reception_reminders,
    session_create,
)
from jiesu.channels.services.symposiums import (
    symposium_issues_to_tickets,
    symposium_record,
    symposium_reminders,
    symposium_schedule,
)

__all__ = [
    "booking_cancel",
    "booking_create",
    "booking_record_visit",
    "booking_ticket_create",
    "petition_create",
    "petition_step_add",
    "reception_reminders",
    "session_create",
    "symposium_issues_to_tickets",
    "symposium_record",
    "symposium_reminders",
    "symposium_schedule",
]
