"""POST requests: a city app's service request becomes a referral ticket (R2.6) through the one intake path
(``tickets.services.ticket_create``), and its Open311 row, in one transaction: both or neither."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from jiesu.catalogue.models import Matter
from jiesu.open311.models import ServiceRequest
from jiesu.org.models import Campus, User
from jiesu.referrals.rows import source_key
from jiesu.tickets import services as tickets
from jiesu.tickets.errors import DomainError
from jiesu.tickets.models import Channel, TicketType

MAX_DESCRIPTION = 4000  # the spec's limit
DEFAULT_SOURCE = "Open311"


class RequestError(Exception):
    """A refused request: ``status`` (400 / 403) and a description for the caller."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


@dataclass(frozen=True)
class Submitted:
    request: ServiceRequest
    notice: str


def _campus(code: str) -> Campus:
    campus = Campus.objects.filter(code=code).first()
    if campus is None:
        raise RequestError(
            400, _("attribute[campus] must be one of: %(codes)s.") % {"codes": _campus_codes()}
        )
    return campus


def _campus_codes() -> str:
    return ", ".join(Campus.objects.order_by("sort_order", "id").values_list("code", flat=True))


def instant(value: str) -> dt.datetime | None:
    """An ISO 8601 date and time as an aware datetime (Asia/Shanghai when it names no offset); None when it is
    not one — Django's ``parse_datetime`` raises on a well-formed impossible date such as 2026-02-30."""
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _due(value: str) -> dt.datetime | None:
    if not value:
        return None
    parsed = instant(value)
    if parsed is None:
        raise RequestError(400, _("attribute[due] must be an ISO 8601 date and time."))
    return parsed


def _content(data: Mapping[str, str]) -> str:
    description = data.get("description", "").strip()
    if not description:
        raise RequestError(400, _("description is required."))
    if len(description) > MAX_DESCRIPTION:
        raise RequestError(
            400, _("description is longer than %(max)d characters.") % {"max": MAX_DESCRIPTION}
        )
    address = data.get("address_string", "").strip()[:250]
    lat, lon = data.get("lat", "").strip(), data.get("long", "").strip()
    if not address and not (lat and lon):
        raise RequestError(400, _("A location is required: lat and long, or address_string."))
    try:
        where = address or f"{float(lat):.6f},{float(lon):.6f}"
    except ValueError:
        raise RequestError(400, _("lat and long must be numbers.")) from None
    label = _("Location")
    return f"{description}\n\n{label}：{where}"


def request_submit(*, user: User, matter: Matter, data: Mapping[str, str]) -> Submitted:
    """Record the request as a referral ticket on the matter's service; the Office dispatches it the same day."""
    kind = data.get("attribute[type]", "") or TicketType.HELP
    if kind not in TicketType.values:
        raise RequestError(
            400, _("attribute[type] must be one of: %(v)s.") % {"v": ", ".join(TicketType.values)}
        )
    content = _content(data)
    fields = {
        "actor": user,
        "channel": Channel.REFERRAL,
        "type": kind,
        "campus": _campus(data.get("attribute[campus]", "")),
        "content": content,
        "subject": matter.name,
        "requester_name": f"{data.get('last_name', '')}{data.get('first_name', '')}".strip()[:64],
        "contact_phone": data.get("phone", "").strip()[:32],
        "contact_email": data.get("email", "").strip()[:254],
        # The same spelling as a referral sheet's (12345 → 12345市民服务热线), so a source reads one way everywhere.
        "source_name": source_key(data.get("attribute[source]", "") or DEFAULT_SOURCE)[:64],
        "source_reference": data.get("attribute[reference]", "").strip()[:64],
        "source_due_at": _due(data.get("attribute[due]", "").strip()),
    }
    try:
        with transaction.atomic():
            created = tickets.ticket_create(**fields)
            request = ServiceRequest.objects.create(
                ticket=created.ticket,
                matter=matter,
                submitted_by=user,
                submitted_at=created.ticket.received_at,
            )
    except DomainError as exc:
        raise RequestError(403 if exc.status == 403 else 400, str(exc)) from None
    notice = _(
        "Recorded as request %(number)s; the Office dispatches it today to %(unit)s or the unit it concerns."
    )
    unit = matter.unit.name if matter.unit else ""
    return Submitted(request, notice % {"number": created.ticket.number, "unit": unit})
