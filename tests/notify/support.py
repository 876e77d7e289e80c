"""Helpers shared by the notify tests (this module holds no tests)."""

from __future__ import annotations

from jiesu.notify.models import Notification, Outbox
from jiesu.tickets import services
from jiesu.tickets.models import Ticket
from tests.tickets.test_services_support import beijing, unit, user


def told(event: str, ticket: Ticket | None = None) -> set[str]:
    """Usernames with an inbox notification for ``event`` (about ``ticket``)."""
    rows = Notification.objects.filter(event=event)
    if ticket is not None:
        rows = rows.filter(ticket=ticket)
    return set(rows.values_list("recipient__username", flat=True))


def sent_to(event: str, channel: str = "email") -> list[Outbox]:
    return list(Outbox.objects.filter(event=event, channel=channel).order_by("id"))


def addresses(event: str, channel: str = "email") -> set[str]:
    return {row.address for row in sent_to(event, channel)}


def hotline_call(
    *,
    phone: str = "13900002222",
    email: str = "wang@example.com",
    content: str = "3号楼热水器坏了。",
    acknowledge: bool = False,
) -> Ticket:
    """A caller without an account, recorded by the logistics officer (the receiving unit leads, R2)."""
    return services.ticket_create(
        actor=user("officer"),
        channel="hotline",
        type="help",
        campus=beijing(),
        content=content,
        requester_name="王先生",
        contact_phone=phone,
        contact_email=email,
        receiving_unit=unit("logistics"),
        acknowledge=acknowledge,
    ).ticket


def reply_and_approve(ticket: Ticket, body: str = "已安排维修师傅上门检修。") -> None:
    services.reply_submit(actor=user("officer"), ticket=ticket, body=body)
    services.reply_approve(actor=user("head"), ticket=ticket)
