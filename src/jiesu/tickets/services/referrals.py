"""Referrals (R2.6): the result is reported back to the referring body — a recorded step with its own clock,
due by the end of the day the formal reply is approved (日清日结, Art. 5)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.org.models import User
from jiesu.tickets import clockwork
from jiesu.tickets.errors import DomainError
from jiesu.tickets.models import Channel, Note, Reply, Ticket
from jiesu.tickets.services import base


def _reported_at(at: dt.datetime | None, now: dt.datetime, sent_at: dt.datetime) -> dt.datetime:
    """When the source was told: now by default; never in the future, never before the reply it reports."""
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now:
        raise DomainError(_("The time of the report cannot be in the future."), field="at")
    if at < sent_at:
        raise DomainError(
            _("The report cannot be earlier than the formal reply it reports (%(sent)s).")
            % {"sent": f"{timezone.localtime(sent_at):%Y-%m-%d %H:%M}"},
            field="at",
        )
    return at


@transaction.atomic
def referral_report_back(*, actor: User, ticket: Ticket, text: str, at: dt.datetime | None = None) -> Note:
    """R2.6: the lead unit or the Office records that the result was reported back to the referring body — what
    was said and when. It meets the report-back clock (and the source's own deadline) and is kept as a handling
    record with its history."""
    ticket = base.lock(ticket)
    base.guard(actor, ticket, "report_back")
    if ticket.channel != Channel.REFERRAL:
        raise DomainError(_("Only a referred request is reported back to its source."), code="not_a_referral")
    sent = (
        Reply.objects.filter(ticket=ticket, stage=Reply.Stage.FORMAL, state=Reply.State.SENT)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    if sent is None:
        raise DomainError(
            _("The result is reported back once the formal reply has been approved and sent."),
            code="no_reply_yet",
        )
    body = (text or "").strip()
    if not body:
        raise DomainError(_("Write what was reported to the referring body."), field="text")
    now = base.now()
    when = _reported_at(at, now, sent)
    note = Note.objects.create(
        ticket=ticket, kind=Note.Kind.REPORT_BACK, author=actor, at=when, party=ticket.source_name, body=body
    )
    clockwork.meet_report_back(ticket, when)
    base.record(
        ticket,
        actor=actor,
        action="report_back",
        after={"party": ticket.source_name, "reported_at": timezone.localtime(when).isoformat()},
        reason=body,
        at=now,
    )
    base.save(ticket)
    return note
