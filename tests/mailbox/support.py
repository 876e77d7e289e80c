"""Shared steps of the mailbox tests (this module holds no tests)."""

from __future__ import annotations

from jiesu.tickets import services as tickets
from jiesu.tickets.models import Ticket
from tests.support import reply_and_approve, user


def unit_replies(ticket: Ticket, body: str = "已调整。") -> None:
    """The lead unit (后勤管理处) acknowledges, sets the level, drafts the formal reply; its head approves."""
    tickets.ticket_acknowledge(actor=user("officer"), ticket=ticket)
    tickets.ticket_set_level(actor=user("officer"), ticket=ticket, level="direct")
    reply_and_approve(ticket, body=body)
