"""A ticket's status in the requester's words (issue 4 item 7): the requester vocabulary of ``vocabulary``."""

from __future__ import annotations

from jiesu.tickets.vocabulary import BADGE, REQUESTER_STATUS, badge, next_step, requester_status

PLAIN_STATUS = REQUESTER_STATUS
plain_status = requester_status

__all__ = ["BADGE", "PLAIN_STATUS", "badge", "next_step", "plain_status"]
