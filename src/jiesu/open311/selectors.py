"""Reads for Open311: the services (the catalogue's leaves), and requests as the public may see them — status,
the public reply and the unit, never the requester or what they wrote (R10.1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from jiesu import privacy
from jiesu.catalogue import selectors as catalogue
from jiesu.catalogue.models import Matter
from jiesu.mailbox.selectors import writer_names
from jiesu.open311.models import ServiceRequest
from jiesu.tickets.models import Reply, Ticket
from jiesu.tickets.states import CLOSED_STATUSES

LIMIT = 1000  # the spec's default: the first 1000 requests …
SPAN = dt.timedelta(days=90)  # … of a span of 90 days


def services() -> list[dict[str, Any]]:
    rows = list(catalogue.matters())  # one read of the catalogue for the leaves and their paths
    leaves = catalogue.leaves(rows)
    path = catalogue.paths([m for m in rows if m.is_active])
    return [
        {
            "service_code": m.code,
            "service_name": m.name,
            "description": path.get(m.pk, m.name),
            "metadata": True,
            "type": "realtime",
            "keywords": ",".join(m.keywords.split()),
            "group": path.get(m.pk, m.name).split(" › ")[0],
        }
        for m in leaves
    ]


def service(code: str) -> Matter | None:
    """A service one may request: a leaf of the catalogue in use."""
    return next((m for m in catalogue.leaves() if m.code == code), None)


def requests(
    *,
    numbers: Sequence[str] = (),
    codes: Sequence[str] = (),
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    statuses: Sequence[str] = (),
) -> QuerySet[ServiceRequest]:
    qs = ServiceRequest.objects.select_related(
        "ticket__lead_unit", "ticket__requester", "matter"
    ).prefetch_related(
        Prefetch(
            "ticket__replies",
            queryset=Reply.objects.filter(state=Reply.State.SENT, stage=Reply.Stage.FORMAL)
            .select_related("drafted_by", "reviewed_by")
            .order_by("sent_at"),
            to_attr="sent_formal",
        )
    )
    if numbers:
        return qs.filter(ticket__number__in=numbers)[:LIMIT]
    if codes:
        qs = qs.filter(matter__code__in=codes)
    if not start and not end:
        start = timezone.now() - SPAN
    if start:
        qs = qs.filter(submitted_at__gte=start)
    if end:
        qs = qs.filter(submitted_at__lte=end)
    if set(statuses) == {"open"}:
        qs = qs.exclude(ticket__status__in=CLOSED_STATUSES)
    elif set(statuses) == {"closed"}:
        qs = qs.filter(ticket__status__in=CLOSED_STATUSES)
    return qs[:LIMIT]


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _notes(ticket: Ticket, reply: Reply) -> str:
    """The formal reply as the public may read it (R2.2's checker, R10.1): a reply is written to the requester,
    so it often greets them by name or gives a contact; names (the requester's, one given in the request, the
    staff who wrote and approved the reply), phone numbers, e-mail addresses and ID or student numbers are
    masked, as on the board."""
    names = writer_names(ticket)
    names.update(
        person.get_full_name() for person in (reply.drafted_by, reply.reviewed_by) if person is not None
    )
    return privacy.mask(reply.body, (name for name in names if name))


def public(request: ServiceRequest) -> dict[str, Any]:
    """One request as anyone may see it: no name, contact or description (R10.1); the public reply only,
    with any personal data in it masked."""
    ticket = request.ticket
    replies = getattr(ticket, "sent_formal", [])
    reply = replies[-1] if replies else None
    return {
        "service_request_id": ticket.number,
        "status": "closed" if ticket.status in CLOSED_STATUSES else "open",
        "status_notes": _notes(ticket, reply) if reply else None,
        "service_name": request.matter.name,
        "service_code": request.matter.code,
        "agency_responsible": ticket.lead_unit.name if ticket.lead_unit else None,
        "service_notice": None,
        "requested_datetime": _iso(request.submitted_at),
        "updated_datetime": _iso(reply.sent_at if reply else request.submitted_at),
        "expected_datetime": None,
    }
