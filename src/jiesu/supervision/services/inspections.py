"""R8.5 / Art. 15 inspections: a reproducible random sample, findings per ticket, and an archived notice 通报."""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from jiesu.org.models import Unit, User
from jiesu.supervision.errors import DomainError, NotAllowed
from jiesu.supervision.figures import Period
from jiesu.supervision.models import Finding, Inspection, Notice
from jiesu.supervision.notice import notice_docx
from jiesu.supervision.permissions import may_inspect
from jiesu.supervision.rules import supervision_rules
from jiesu.tickets.models import Ticket
from jiesu.tickets.services import base as ticket_base

MAX_SAMPLE = 200
CHECKS = frozenset(Finding.Check.values)


def draw_sample(seed: str, population: Sequence[int], size: int) -> list[int]:
    """The same seed and population always give the same sample (Python's ``random.Random`` seeded with a
    string is stable across runs and platforms); the population is sorted first so its order never matters."""
    ordered = sorted(population)
    return random.Random(f"jiesu-inspection:{seed}").sample(ordered, min(size, len(ordered)))  # noqa: S311 - a sample, not a secret


def _population(unit: Unit, period: Period) -> list[int]:
    """The unit's tickets (as lead unit) received in the period, by id."""
    return list(
        Ticket.objects.filter(lead_unit=unit, received_at__gte=period.start, received_at__lt=period.end)
        .order_by("id")
        .values_list("id", flat=True)
    )


def _inspector(actor: User) -> None:
    if not may_inspect(actor):
        raise NotAllowed(_("Only inspectors carry out inspections."))


def inspection_create(
    *, actor: User, unit: Unit, period: Period, size: int | None = None, seed: str = ""
) -> Inspection:
    """Draw the sample and record the seed and the population with it. Without a seed a random one is made
    (and recorded), so anyone can draw the same sample again from the record."""
    _inspector(actor)
    size = size or supervision_rules().INSPECTION_SAMPLE
    if not 1 <= size <= MAX_SAMPLE:
        raise DomainError(_("The sample size must be 1 to 200 tickets."), field="size")
    seed = seed.strip()[:64] or secrets.token_hex(8)
    population = _population(unit, period)
    if not population:
        raise DomainError(_("The unit received no requests in this period."), field="unit")
    with transaction.atomic():
        return Inspection.objects.create(
            unit=unit,
            first_day=period.first,
            last_day=period.last,
            seed=seed,
            size=size,
            population=population,
            sample=draw_sample(seed, population, size),
            created_by=actor,
            created_at=ticket_base.now(),
        )


def finding_record(
    *,
    actor: User,
    inspection: Inspection,
    ticket: Ticket,
    response: str,
    resolution: str,
    satisfaction: str,
    called: bool = False,
    call_note: str = "",
    finding: str = "",
) -> Finding:
    """One sampled ticket's checks and finding, once per ticket; a problem needs the finding written out."""
    _inspector(actor)
    if ticket.pk not in inspection.sample:
        raise DomainError(_("This ticket is not in the inspection's sample."), field="ticket")
    if not {response, resolution, satisfaction} <= CHECKS:
        raise DomainError(_("Record each check as compliant or a problem."), field="response")
    finding = finding.strip()
    if Finding.Check.PROBLEM in (response, resolution, satisfaction) and not finding:
        raise DomainError(_("Describe the problem found."), field="finding")
    if called and not call_note.strip():
        raise DomainError(_("Write down what the requester said on the call."), field="call_note")
    try:
        with transaction.atomic():
            return Finding.objects.create(
                inspection=inspection,
                ticket=ticket,
                response=response,
                resolution=resolution,
                satisfaction=satisfaction,
                called=called,
                call_note=call_note.strip(),
                finding=finding,
                recorded_by=actor,
                recorded_at=ticket_base.now(),
            )
    except IntegrityError:
        raise DomainError(_("The finding for this ticket is already recorded."), field="ticket") from None


def notice_issue(*, actor: User, inspection: Inspection, title: str, body: str) -> Notice:
    """Issue the notice 通报 as a DOCX and archive it unchanged: the bytes and their SHA-256 are stored once
    (a trigger refuses any change; a correction is a new notice)."""
    _inspector(actor)
    title = title.strip()[:120]
    body = body.strip()
    if not title or not body:
        raise DomainError(_("Write the notice's title and text."), field="title" if not title else "body")
    findings = list(inspection.findings.select_related("ticket").order_by("id"))
    if not findings:
        raise DomainError(_("Record the findings before issuing a notice."), field="body")
    now = ticket_base.now()
    content = notice_docx(inspection=inspection, findings=findings, title=title, body=body, issued_at=now)
    with transaction.atomic():
        return Notice.objects.create(
            inspection=inspection,
            title=title,
            body=body,
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            issued_by=actor,
            issued_at=now,
        )
