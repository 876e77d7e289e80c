"""Mailbox writes (R2.2, R4.7): a letter is written, triaged, dispatched and its reply published, each step in one
transaction with its audit row. Tickets are created and moved only through ``jiesu.tickets.services``."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu import privacy
from jiesu.mailbox import selectors
from jiesu.mailbox.models import Box, Letter, LetterLog, Publication, Route
from jiesu.mailbox.permissions import may_triage
from jiesu.org.models import Campus, Unit, User
from jiesu.tickets import services as tickets
from jiesu.tickets.errors import Conflict, DomainError, NotAllowed
from jiesu.tickets.models import Channel, Ticket
from jiesu.tickets.services.intake import check_texts
from jiesu.tickets.states import Status
from jiesu.tickets.text import tokens

MAX_TITLE = 120
MAX_PUBLISHED = 10000


def _log(letter: Letter, step: str, *, actor: User | None, **detail: object) -> None:
    """The letter's own audit row (its steps are not the ticket's history actions)."""
    LetterLog.objects.create(letter=letter, at=timezone.now(), actor=actor, action=step, detail=detail)


def _office(actor: User) -> None:
    if not may_triage(actor):
        raise NotAllowed(_("Mailbox letters are read and routed by the Party and Administration Office."))


@transaction.atomic
def letter_write(  # noqa: PLR0913 - a letter carries the request's facts (R1.2) and its box
    *,
    writer: User | None,
    box: str,
    type: str,
    campus: Campus,
    content: str,
    subject: str = "",
    anonymous: bool = False,
    public_reply_wanted: bool = True,
    contact_phone: str = "",
    contact_email: str = "",
) -> tuple[Letter, str]:
    """R2.2: a requester writes to one of the two boxes, signed in or anonymous (R1.3: an anonymous letter keeps
    no name or contact and gets no follow-up). Returns the letter and the tracking code, shown once."""
    if box not in Box.values:
        raise DomainError(_("Choose a mailbox."), field="box")
    anonymous = anonymous or writer is None
    created = tickets.ticket_create(
        actor=None if anonymous else writer,
        channel=Channel.MAILBOX,
        requester=None if anonymous else writer,
        anonymous=anonymous,
        type=type,
        campus=campus,
        subject=subject,
        content=content,
        contact_phone="" if anonymous else contact_phone,
        contact_email="" if anonymous else contact_email,
    )
    letter = Letter.objects.create(
        ticket=created.ticket, box=box, public_reply_wanted=public_reply_wanted, created_at=timezone.now()
    )
    _log(letter, "write", actor=None if anonymous else writer, box=box, anonymous=anonymous)
    return letter, created.tracking_code


def _lock_unrouted(letter: Letter) -> Letter:
    letter = Letter.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=letter.pk)
    if letter.route:
        raise Conflict(_("This letter has already been triaged."))
    return letter


@transaction.atomic
def letter_dispatch_public(*, actor: User, letter: Letter, lead_unit: Unit, note: str = "") -> Letter:
    """R2.2 (a) / R4.7: the Office dispatches the letter for a reply that will be published on the board once it
    approves the text. The dispatch meets the mailbox triage clock."""
    _office(actor)
    letter = _lock_unrouted(letter)
    tickets.ticket_dispatch(actor=actor, ticket=letter.ticket, lead_unit=lead_unit, note=note)
    letter.route, letter.routed_at, letter.routed_by = Route.PUBLIC, timezone.now(), actor
    letter.save(update_fields=["route", "routed_at", "routed_by"])
    _log(letter, "route", actor=actor, route=Route.PUBLIC, lead_unit=lead_unit.name)
    return letter


@transaction.atomic
def letter_refer(*, actor: User, letter: Letter, leader: User, body: str) -> Letter:
    """R2.2 (b) / R4.7: not suitable for a public reply; submitted to a school leader for an instruction (R6.3)."""
    _office(actor)
    letter = _lock_unrouted(letter)
    tickets.letter_refer_to_leader(actor=actor, ticket=letter.ticket, leader=leader, body=body)
    letter.route, letter.routed_at, letter.routed_by = Route.PRIVATE, timezone.now(), actor
    letter.leader = leader
    letter.save(update_fields=["route", "routed_at", "routed_by", "leader"])
    _log(letter, "route", actor=actor, route=Route.PRIVATE, leader=leader.get_full_name())
    return letter


@transaction.atomic
def letter_dispatch_instructed(*, actor: User, letter: Letter, lead_unit: Unit) -> Letter:
    """R2.2 (b): once the leader instructed, the Office dispatches the letter with the instruction; the reply
    stays private (never published)."""
    _office(actor)
    letter = Letter.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=letter.pk)
    if letter.route != Route.PRIVATE or letter.ticket.status != Status.NEW:
        raise Conflict(_("This letter is not waiting to be dispatched with an instruction."))
    instruction = selectors.instruction(letter)
    if instruction is None:
        raise DomainError(_("The leader has not given an instruction yet."))
    note = _("Leader's instruction (%(leader)s): %(text)s") % {
        "leader": instruction.party,
        "text": instruction.body,
    }
    tickets.ticket_dispatch(actor=actor, ticket=letter.ticket, lead_unit=lead_unit, note=note)
    _log(letter, "dispatch", actor=actor, lead_unit=lead_unit.name, instruction=instruction.pk)
    return letter


def _check_published(title: str, question: str, answer: str, names: list[str]) -> None:
    check_texts({"title": title, "question": question, "answer": answer}, multiline=("question", "answer"))
    for field, value, limit in (("title", title, MAX_TITLE), ("question", question, MAX_PUBLISHED)):
        if not value.strip():
            raise DomainError(_("This text cannot be empty."), field=field)
        if len(value) > limit:
            raise DomainError(_("This text is too long."), field=field)
    if not answer.strip() or len(answer) > MAX_PUBLISHED:
        raise DomainError(_("The published reply cannot be empty or too long."), field="answer")
    for field, value in (("title", title), ("question", question), ("answer", answer)):
        found = privacy.find(value, names)
        if found:
            raise DomainError(
                _("Personal data remains in this text (%(what)s); mask it before publishing.")
                % {"what": "、".join(sorted({f.label for f in found}))},
                field=field,
            )


@transaction.atomic
def publication_approve(
    *, actor: User, letter: Letter, title: str, question: str, answer: str
) -> Publication:
    """R2.2 (a): the Office approves the text for the board. The checker runs again on the approved text: the
    board never shows personal data. Only a letter routed for a public reply, whose writer agreed, with a sent
    formal reply, is published; once."""
    _office(actor)
    letter = (
        Letter.objects.select_for_update(of=("self",))
        .select_related("ticket", "ticket__lead_unit")
        .get(pk=letter.pk)
    )
    ticket: Ticket = letter.ticket
    if letter.route != Route.PUBLIC:
        raise DomainError(_("Only letters dispatched for a public reply are published."))
    if not letter.public_reply_wanted:
        raise DomainError(_("The writer asked that this letter not be published."))
    if selectors.formal_reply(ticket) is None:
        raise DomainError(_("The unit has not sent its formal reply yet."))
    if Publication.objects.filter(letter=letter).exists():
        raise Conflict(_("This letter is already on the board."))
    names = selectors.names_to_mask(ticket)
    title, question, answer = title.strip(), question.strip(), answer.strip()
    _check_published(title, question, answer, names)
    publication = Publication.objects.create(
        letter=letter,
        box=letter.box,
        title=title,
        question=question,
        answer=answer,
        unit_name=ticket.lead_unit.name if ticket.lead_unit else "",
        search_text=" ".join(tokens(f"{title} {question} {answer}"))[:8000],
        approved_by=actor,
        published_at=timezone.now(),
    )
    _log(letter, "publish", actor=actor, publication=publication.pk, title=title)
    return publication


@transaction.atomic
def publication_withdraw(*, actor: User, publication: Publication, reason: str) -> Publication:
    """The Office takes a published letter off the board, with a reason (kept in the log)."""
    _office(actor)
    publication = Publication.objects.select_for_update(of=("self",)).get(pk=publication.pk)
    if publication.withdrawn_at is not None:
        raise Conflict(_("This letter has already been taken off the board."))
    if not reason.strip():
        raise DomainError(_("Say why the letter is taken off the board."), field="reason")
    publication.withdrawn_at = timezone.now()
    publication.save(update_fields=["withdrawn_at"])
    _log(publication.letter, "withdraw", actor=actor, reason=reason.strip()[:500])
    return publication
