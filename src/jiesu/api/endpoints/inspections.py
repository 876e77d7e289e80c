"""Inspections (R8.5, Art. 15) and the assessment (R8.6) over HTTP. Thin: the permission module, selectors and
services of ``jiesu.supervision``, as the inspection and assessment pages use them.

Contacts of sampled tickets are always masked here; an inspector who calls the requester reveals the contact with
``POST /tickets/{number}/contact/reveal`` — the same audited ``contact_reveal`` as the sampled-ticket page."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja import Status as HttpStatus

from jiesu.api.auth import caller
from jiesu.api.endpoints import inputs
from jiesu.api.endpoints.orders import MAX_ID
from jiesu.api.endpoints.tickets import ERRORS
from jiesu.api.errors import InputError
from jiesu.api.schemas_supervision import (
    AssessmentOut,
    AssessmentQuery,
    FindingIn,
    InspectionDetail,
    InspectionIn,
    InspectionPage,
    InspectionQuery,
)
from jiesu.org.models import User
from jiesu.privacy import mask_email, mask_phone
from jiesu.supervision import selectors_orders as reads
from jiesu.supervision.assessment import AssessmentReport
from jiesu.supervision.errors import NotAllowed
from jiesu.supervision.figures import Period, PeriodError
from jiesu.supervision.models import Finding, Inspection
from jiesu.supervision.permissions import may_inspect, may_see_inspections
from jiesu.supervision.services import inspections as services
from jiesu.tickets.models import Ticket
from jiesu.tickets.permissions import may_see_full_contact

router = Router(tags=["supervision inspections"])


def _person(user: User) -> str:
    return user.get_full_name() or user.username


def _row(inspection: Inspection) -> dict[str, Any]:
    return {
        "id": inspection.pk,
        "unit": {"code": inspection.unit.code, "name": inspection.unit.name},
        "first_day": inspection.first_day,
        "last_day": inspection.last_day,
        "seed": inspection.seed,
        "size": inspection.size,
        "population": len(inspection.population),
        "sampled": len(inspection.sample),
        "created_by": _person(inspection.created_by),
        "created_at": inspection.created_at,
    }


def _finding(finding: Finding | None) -> dict[str, Any] | None:
    if finding is None:
        return None
    return {
        "response": finding.response,
        "resolution": finding.resolution,
        "satisfaction": finding.satisfaction,
        "called": finding.called,
        "call_note": finding.call_note,
        "finding": finding.finding,
        "has_problem": finding.has_problem,
        "recorded_by": _person(finding.recorded_by),
        "recorded_at": finding.recorded_at,
    }


def _sample(user: User, ticket: Ticket, finding: Finding | None) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "received_at": ticket.received_at,
        "lead_unit": ticket.lead_unit.name if ticket.lead_unit else None,
        "contact": {
            "name": ticket.requester_name,
            "kind": ticket.requester_kind,
            "phone": mask_phone(ticket.contact_phone),
            "email": mask_email(ticket.contact_email),
            "masked": True,
            "revealable": may_inspect(user) and may_see_full_contact(user, ticket),
        },
        "finding": _finding(finding),
    }


def _detail(user: User, inspection: Inspection) -> dict[str, Any]:
    """The sample in drawing order with each ticket's finding: three queries whatever the sample's size."""
    tickets = Ticket.objects.select_related("lead_unit").in_bulk(inspection.sample)
    found = {f.ticket_id: f for f in inspection.findings.select_related("recorded_by")}
    notices = inspection.notices.select_related("issued_by").defer("content")
    return {
        **_row(inspection),
        "population_ids": inspection.population,
        "sample": [_sample(user, tickets[pk], found.get(pk)) for pk in inspection.sample if pk in tickets],
        "notices": [
            {
                "id": n.pk,
                "title": n.title,
                "sha256": n.sha256,
                "issued_by": _person(n.issued_by),
                "issued_at": n.issued_at,
                "url": reverse("supervision:notice_file", args=[n.pk]),
            }
            for n in notices
        ],
    }


def _reader(user: User) -> None:
    """Inspectors, the Office and leaders, as on the inspection pages; anyone else 403 whatever they ask."""
    if not may_see_inspections(user):
        raise NotAllowed(_("You may not see inspections."))


def _inspection(user: User, pk: int) -> Inspection:
    _reader(user)
    if not 1 <= pk <= MAX_ID:
        raise Http404
    found = reads.inspections().filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _period(first: Any, last: Any) -> Period:
    try:
        return Period(first, last)
    except PeriodError as exc:
        raise InputError(exc.message, field="last_day" if exc.field == "to" else "first_day") from None


@router.get(
    "/inspections", response={200: InspectionPage, **ERRORS}, summary="Inspections, newest first (R8.5)"
)
def inspection_list(request: HttpRequest, filters: Query[InspectionQuery]) -> dict[str, Any]:
    user = caller(request)
    _reader(user)
    rows = reads.inspections().order_by("-created_at", "-id")
    if filters.unit:
        rows = rows.filter(unit=inputs.unit(filters.unit, "unit"))
    page = list(rows[filters.offset : filters.offset + filters.limit])
    count = len(page) if filters.offset == 0 and len(page) < filters.limit else rows.count()
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_row(i) for i in page],
    }


@router.get(
    "/inspections/{inspection_id}",
    response={200: InspectionDetail, **ERRORS},
    summary="One inspection: its sample, findings and notices (R8.5)",
)
def inspection_detail(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    user = caller(request)
    return _detail(user, _inspection(user, inspection_id))


@router.post(
    "/inspections",
    response={201: InspectionDetail, **ERRORS},
    summary="Draw a sample of a unit's tickets (inspectors, R8.5)",
)
def inspection_create(request: HttpRequest, payload: InspectionIn) -> HttpStatus[dict[str, Any]]:
    """The seed and the population are recorded: the same seed over the same period draws the same sample, here
    and on the inspection page alike."""
    user = caller(request)
    if not may_inspect(user):
        raise NotAllowed(_("Only inspectors carry out inspections."))
    unit = inputs.unit(payload.unit, "unit")
    if not unit.is_active:
        raise InputError(_("Unknown unit “%(code)s”.") % {"code": payload.unit}, field="unit")
    made = services.inspection_create(
        actor=user,
        unit=unit,
        period=_period(payload.first_day, payload.last_day),
        size=payload.size,
        seed=payload.seed,
    )
    return HttpStatus(201, _detail(user, _inspection(user, made.pk)))


@router.post(
    "/inspections/{inspection_id}/samples/{number}/finding",
    response={201: InspectionDetail, **ERRORS},
    summary="Record the finding for a sampled ticket (inspectors, R8.5)",
)
def finding_record(
    request: HttpRequest, inspection_id: int, number: str, payload: FindingIn
) -> HttpStatus[dict[str, Any]]:
    """Once per sampled ticket; a problem needs the finding written out, a call what the requester said. A
    ticket not in the sample is 404."""
    user = caller(request)
    inspection = _inspection(user, inspection_id)
    ticket = Ticket.objects.filter(number=number, pk__in=inspection.sample).first()
    if ticket is None:
        raise Http404
    services.finding_record(
        actor=user,
        inspection=inspection,
        ticket=ticket,
        response=payload.response,
        resolution=payload.resolution,
        satisfaction=payload.satisfaction,
        called=payload.called,
        call_note=payload.call_note,
        finding=payload.finding,
    )
    return HttpStatus(201, _detail(user, inspection))


@router.get(
    "/assessment",
    response={200: AssessmentOut, **ERRORS},
    summary="The assessment per lead unit, as `jiesu assess --json` (R8.6)",
)
def assessment(request: HttpRequest, period: Query[AssessmentQuery]) -> dict[str, Any]:
    """Tickets received from ``from`` to ``to`` (Asia/Shanghai dates): the Office, leaders, inspectors and
    assessors (aggregates only, no tickets)."""
    user = caller(request)
    if not AssessmentReport.is_available_to(user):
        raise NotAllowed(_("You may not see the assessment."))
    try:
        chosen = Period(period.first_day, period.last_day)
    except PeriodError as exc:
        raise InputError(exc.message, field=exc.field or "from") from None
    report = AssessmentReport(chosen, as_of=timezone.now())
    return {
        "first_day": chosen.first,
        "last_day": chosen.last,
        "as_of": report.as_of,
        "weights": report.weights,
        "units": report.as_json(),
        "total": report.total().as_json(),
    }
