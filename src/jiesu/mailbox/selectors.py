"""Mailbox reads (R2.2): the public board, the Office's queues, the writer's letters."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from jiesu import privacy
from jiesu.mailbox.models import Box, Letter, Publication, Route
from jiesu.org.models import User
from jiesu.tickets import selectors as ticket_selectors
from jiesu.tickets.models import Note, Reply, Ticket
from jiesu.tickets.states import Status
from jiesu.tickets.text import tokens

MAX_QUERY_TOKENS = 8


def board(*, box: str = "", query: str = "") -> QuerySet[Publication]:
    """Published letters, newest first, of one box or both, matching every token of ``query`` (rjieba)."""
    qs = Publication.objects.filter(withdrawn_at__isnull=True)
    if box in Box.values:
        qs = qs.filter(box=box)
    for token in tokens(query)[:MAX_QUERY_TOKENS]:
        qs = qs.filter(search_text__contains=token)
    return qs.order_by("-published_at", "-id")


def publication(pk: int) -> Publication | None:
    return Publication.objects.filter(pk=pk, withdrawn_at__isnull=True).first()


def _letters() -> QuerySet[Letter]:
    return Letter.objects.select_related("ticket", "ticket__lead_unit", "leader")


def _instructed() -> Exists:
    return Exists(Note.objects.filter(ticket=OuterRef("ticket"), kind=Note.Kind.INSTRUCTION))


def _formal_sent() -> Exists:
    return Exists(
        Reply.objects.filter(ticket=OuterRef("ticket"), stage=Reply.Stage.FORMAL, state=Reply.State.SENT)
    )


def office_queues() -> dict[str, QuerySet[Letter]]:
    """The Office's four piles: to triage (R4.7, nearest deadline first), waiting for the leader, instructed and
    waiting for dispatch, replied and waiting for publication."""
    return {
        "triage": _letters().filter(route=Route.UNROUTED).order_by("ticket__next_due_at", "id"),
        "leader": _letters()
        .filter(route=Route.PRIVATE, ticket__status=Status.NEW)
        .exclude(_instructed())
        .order_by("routed_at", "id"),
        "instructed": _letters()
        .filter(_instructed(), route=Route.PRIVATE, ticket__status=Status.NEW)
        .order_by("routed_at", "id"),
        "publish": _letters()
        .filter(_formal_sent(), route=Route.PUBLIC, public_reply_wanted=True, publication__isnull=True)
        .order_by("routed_at", "id"),
    }


def letter(pk: int) -> Letter | None:
    return _letters().filter(pk=pk).first()


def instruction(letter: Letter) -> Note | None:
    """R6.3: the leader's latest instruction on the letter."""
    return (
        Note.objects.filter(ticket=letter.ticket_id, kind=Note.Kind.INSTRUCTION)
        .order_by("-at", "-id")
        .first()
    )


def formal_reply(ticket: Ticket) -> Reply | None:
    """The latest sent formal reply (the one a public letter's board entry answers with)."""
    return (
        Reply.objects.filter(ticket=ticket, stage=Reply.Stage.FORMAL, state=Reply.State.SENT)
        .order_by("-sent_at", "-id")
        .first()
    )


def writer_names(ticket: Ticket) -> set[str]:
    """The writer's names (R2.2, R10.1): on record, on their account, or given in the letter ("我叫…"), so a
    reply greeting them by name is masked on a public page."""
    names = {ticket.requester_name}
    names.update(f.text for f in privacy.find(ticket.content) if f.kind == "name")
    if ticket.requester_id:
        names.add(ticket.requester.get_full_name() if ticket.requester else "")
    return {n for n in names if n}


def names_to_mask(ticket: Ticket) -> list[str]:
    """Names the checker looks for: the writer's, and every person of the organization (staff named in a reply
    are personal data on a public page too)."""
    names = writer_names(ticket)
    names.update(User.objects.exclude(full_name="").values_list("full_name", flat=True))
    return sorted(n for n in names if n)


def leaders() -> QuerySet[User]:
    """School leaders who can be asked for an instruction (R6.3)."""
    return ticket_selectors.school_leaders()


def letters_of(user: User) -> QuerySet[Letter]:
    """R10.1: the letters a signed-in person wrote under their name (anonymous ones have no writer, R1.3)."""
    return (
        _letters()
        .select_related("publication")
        .filter(ticket__requester=user)
        .order_by("-ticket__received_at", "-id")
    )
