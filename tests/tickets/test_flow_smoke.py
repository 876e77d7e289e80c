"""The main path: web request → dispatch → acknowledge → level → reply → head approves → requester sees it."""

from __future__ import annotations

import pytest

from jiesu.tickets import services
from jiesu.tickets.models import Clock, Event, Reply
from jiesu.tickets.states import Status


@pytest.mark.django_db
def test_main_path(handling_ticket, person) -> None:
    ticket = handling_ticket("direct")
    assert ticket.status == Status.HANDLING
    services.reply_submit(actor=person("officer"), ticket=ticket, body="已安排维修师傅今天下午上门检修暖气。")
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_APPROVAL
    services.reply_approve(actor=person("head"), ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == Status.REPLIED
    assert Reply.objects.get(ticket=ticket, stage="formal").state == "sent"
    kinds = set(Clock.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == {"response", "dispatch", "reply", "followup"}
    actions = list(Event.objects.filter(ticket=ticket).values_list("action", flat=True))
    assert actions == ["create", "dispatch", "acknowledge", "set_level", "submit_reply", "approve_reply"]
