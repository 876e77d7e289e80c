"""R2.5 petitions 信访: recorded by the Office as a ticket (channel petition) plus the steps Art. 4.5 names."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.channels import permissions
from jiesu.channels.models import NOTES_MAX, Petition, PetitionStep
from jiesu.channels.services.common import log, require, text
from jiesu.org.models import Campus, User
from jiesu.textcheck import EARLIEST_YEAR, LATEST_YEAR
from jiesu.tickets.errors import DomainError
from jiesu.tickets.models import Channel, TicketType
from jiesu.tickets.services import ticket_create
from jiesu.tickets.services.intake import check_date


@transaction.atomic
def petition_create(  # noqa: PLR0913 - a petition has many recorded facts
    *,
    actor: User,
    form: str,
    origin: str,
    name: str,
    phone: str,
    address: str,
    people: int,
    content: str,
    campus: Campus,
    type: str = TicketType.COMPLAINT,
    received_at: dt.datetime | None = None,
) -> Petition:
    """The Office records a letter or a visit: the ticket (the one intake path) and the petitioner's details."""
    require(permissions.may_handle_petitions(actor))
    if form not in Petition.Form.values:
        raise DomainError(_("Choose a letter or a visit."), field="form")
    if origin not in Petition.Origin.values:
        raise DomainError(
            _("Say whether the petition comes from inside or outside the school."), field="origin"
        )
    name = text(name, "name", limit=50, required=_("Give the petitioner's name."))
    phone = text(phone, "phone", limit=32, required=_("Give the petitioner's phone number."))
    address = text(address, "address", limit=200)
    if not 1 <= people <= 999:
        raise DomainError(_("Give the number of people (1 to 999)."), field="people")
    check_date(received_at, "received_at")
    created = ticket_create(
        actor=actor,
        channel=Channel.PETITION,
        type=type,
        campus=campus,
        content=content,
        requester_name=name,
        requester_kind="staff" if origin == Petition.Origin.INSIDE else "external",
        contact_phone=phone,
        received_at=received_at,
    )
    petition = Petition.objects.create(
        ticket=created.ticket,
        form=form,
        origin=origin,
        petitioner_name=name,
        petitioner_phone=phone,
        petitioner_address=address,
        people=people,
        created_by=actor,
        created_at=timezone.now(),
    )
    log(
        actor,
        "petition_create",
        f"petition:{petition.pk}",
        ticket=created.ticket.number,
        form=form,
        origin=origin,
    )
    return petition


@transaction.atomic
def petition_step_add(
    *,
    actor: User,
    petition: Petition,
    kind: str,
    body: str,
    reported_to: str = "",
    reported_at: dt.datetime | None = None,
) -> PetitionStep:
    """Record one step: an explanation given, a report upward (to whom, when) or feedback given."""
    require(permissions.may_handle_petitions(actor))
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    if kind not in PetitionStep.Kind.values:
        raise DomainError(_("Choose the step to record."), field="kind")
    body = text(body, "body", limit=NOTES_MAX, required=_("Write what was done."), multiline=True)
    reported_to = text(reported_to, "reported_to", limit=100)
    if kind == PetitionStep.Kind.REPORTED:
        if not reported_to:
            raise DomainError(_("Say to whom it was reported."), field="reported_to")
        if reported_at is None:
            raise DomainError(_("Say when it was reported."), field="reported_at")
        if not (EARLIEST_YEAR <= reported_at.year <= LATEST_YEAR) or reported_at > timezone.now():
            raise DomainError(_("The time of the report cannot be in the future."), field="reported_at")
    else:
        reported_to, reported_at = "", None
    step = PetitionStep.objects.create(
        petition=petition,
        kind=kind,
        body=body,
        reported_to=reported_to,
        reported_at=reported_at,
        actor=actor,
        at=timezone.now(),
    )
    log(
        actor,
        "petition_step",
        f"petition:{petition.pk}",
        kind=kind,
        body=body,
        reported_to=reported_to,
        reported_at=reported_at.isoformat() if reported_at else None,
    )
    return step
