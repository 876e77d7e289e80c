"""`jiesu demo-data`'s channel records: letters and the board, the reception rota, symposiums and petitions.

The demo's tickets arrive on every channel, but the channels' own records (a mailbox ``Letter``, a board entry,
a published reception day, a symposium, a petition) are written only by their apps' services. This step writes
them through those services (``jiesu.mailbox.services``, ``jiesu.channels.services``, ``jiesu.tickets.services``),
so every letter, booking and petition has its audit rows, as a person opening the demo expects: letters on the
Office's desk, answered letters on the board, a rota to book, the demo ``student``'s own requests.

The services take the time from the real clock and refuse past dates where the rules do (a reception day or a
symposium is published from today on, a booking closes the day before), so everything here happens *now*: the
rota lies in the coming weeks, and no reception day has taken place yet. Deterministic for a seed (texts,
people, stages); idempotent: when any channel record exists it writes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from jiesu import privacy
from jiesu.channels import services as channel_services
from jiesu.channels.models import Petition, ReceptionSession, ReceptionSlot, Symposium
from jiesu.channels.permissions import ORGANIZER_CODES
from jiesu.demo import channel_texts as texts
from jiesu.demo.corpus import templates_for
from jiesu.demo.people import Cast, ensure_pool, load_cast
from jiesu.demo.plan import kind_letter
from jiesu.demo.render import Text, greeting, reply_text, request_text
from jiesu.mailbox import selectors
from jiesu.mailbox import services as mailbox
from jiesu.mailbox.models import Box, Letter
from jiesu.org.models import User
from jiesu.tickets import services as tickets
from jiesu.tickets.models import Channel, Level, Ticket
from jiesu.tickets.services.base import muted

STUDENT = "student"  # the demo requester account documented in README.md
POOL = 60  # the first requesters of the demo pool (``people.ensure_pool``) write and book
# R2.2: how far each letter has come (stage, how many); "published" ones are on the board.
LETTER_STAGES = (
    ("desk", 4),
    ("leader", 1),
    ("instructed", 2),
    ("handling", 4),
    ("replied", 2),
    ("published", 13),
)


@dataclass(frozen=True)
class Summary:
    letters: int
    published: int
    sessions: int
    bookings: int
    symposiums: int
    petitions: int
    seconds: float


def present() -> bool:
    """Whether the channels already hold records (then the step leaves them as they are)."""
    return any(model.objects.exists() for model in (Letter, ReceptionSession, Symposium, Petition))


def load(*, seed: int) -> Summary | None:
    """Write the channels' demo records through their services, as of now; ``None`` when some already exist."""
    if present():
        return None
    started = timezone.now()
    cast = load_cast()
    writer = _Writer(cast, random.Random(f"{seed}-channels"), ensure_pool(POOL))  # noqa: S311 - demo data
    with translation.override(settings.LANGUAGE_CODE), muted():
        with transaction.atomic():
            letters, published = writer.letters()
        with transaction.atomic():
            sessions, bookings = writer.reception()
        with transaction.atomic():
            symposiums = writer.symposiums()
            petitions = writer.petitions()
        with transaction.atomic():
            writer.student()
    seconds = (timezone.now() - started).total_seconds()
    return Summary(letters, published, sessions, bookings, symposiums, petitions, seconds)


class _Writer:
    def __init__(self, cast: Cast, rng: random.Random, pool: list[User]) -> None:
        self.cast, self.rng, self.pool = cast, rng, pool
        self.clerk = cast.clerk  # the Office's mailbox clerk
        self.office = cast.dispatchers[0] if cast.dispatchers else cast.clerk
        self.student_user = User.objects.filter(username=STUDENT).first()

    # --- people ----------------------------------------------------------------------------------

    def _worker(self, code: str) -> User:
        return self.rng.choice(self.cast.workers.get(code) or [self.cast.heads[code]])

    def _leader(self, box: str) -> User:
        wanted = "leader_secretary" if box == Box.SECRETARY else "leader_president"
        named = [u for u in self.cast.leaders if u.username == wanted]
        return named[0] if named else self.cast.leaders[0]

    # --- R2.2 mailbox ----------------------------------------------------------------------------

    def _text(self, unit: str, writer: User | None) -> Text:
        kinds = "s" if writer is None else kind_letter(writer.kind)
        fitting = [t for t in templates_for(unit) if kinds in t[1]] or templates_for(unit)
        campus = writer.campus.code if writer is not None and writer.campus else "beijing"
        return request_text(
            self.rng,
            self.rng.choice(fitting),
            unit_name=self.cast.units[unit].name,
            kind_letter=kinds,
            campus=campus,
        )

    def _write(self, writer: User | None, unit: str, *, public: bool = True) -> tuple[Letter, Text]:
        text = self._text(unit, writer)
        letter, _code = mailbox.letter_write(
            writer=writer,
            box=self.rng.choice([Box.SECRETARY, Box.PRESIDENT]),
            type=text.type,
            campus=writer.campus if writer is not None and writer.campus else self.cast.campuses["beijing"],
            subject=text.subject,
            content=text.content,
            anonymous=writer is None,
            public_reply_wanted=public,
            contact_phone=writer.phone if writer is not None else "",
        )
        return letter, text

    def letters(self) -> tuple[int, int]:
        """R2.2: letters to both boxes at every stage; the answered ones approved for the board."""
        written = published = 0
        for stage, count in LETTER_STAGES:
            for _ in range(count):
                unit = self.rng.choice(texts.LETTER_UNITS)
                writer = None if self.rng.random() < 0.3 else self.rng.choice(self.pool)
                public = stage != "handling" or self.rng.random() < 0.7
                letter, text = self._write(writer, unit, public=public)
                published += self._advance(letter, text, stage, unit)
                written += 1
        return written, published

    def _advance(self, letter: Letter, text: Text, stage: str, unit: str) -> int:
        """Play the letter to its stage; 1 when it went on the board."""
        if stage == "desk":
            return 0
        if stage in ("leader", "instructed"):
            leader = self._leader(letter.box)
            mailbox.letter_refer(actor=self.clerk, letter=letter, leader=leader, body=texts.REFER_NOTE)
            if stage == "instructed":
                body = self.rng.choice(texts.LEADER_INSTRUCTIONS).format(unit=self.cast.units[unit].name)
                tickets.instruct(actor=leader, ticket=letter.ticket, body=body)
                mailbox.letter_dispatch_instructed(
                    actor=self.clerk, letter=letter, lead_unit=self.cast.units[unit]
                )
            return 0
        mailbox.letter_dispatch_public(
            actor=self.clerk, letter=letter, lead_unit=self.cast.units[unit], note=texts.PUBLIC_DISPATCH_NOTE
        )
        self._acknowledge(letter.ticket, unit)
        if stage == "handling":
            return 0
        self._reply(letter.ticket, unit, text)
        if stage == "replied":
            return 0
        return self._publish(letter, text)

    def _acknowledge(self, ticket: Ticket, unit: str) -> None:
        tickets.ticket_acknowledge(actor=self._worker(unit), ticket=ticket)

    def _reply(self, ticket: Ticket, unit: str, text: Text) -> None:
        """R4.2, R4.3: a direct-level reply drafted by the unit and approved by its head."""
        officer = self._worker(unit)
        ticket.refresh_from_db()
        tickets.ticket_set_level(actor=officer, ticket=ticket, level=Level.DIRECT)
        kind = "e" if ticket.requester is None else kind_letter(ticket.requester.kind)
        body = reply_text(
            self.rng,
            unit_name=self.cast.units[unit].name,
            subject=text.subject,
            answer=text.answer,
            hello=greeting(ticket.requester_name, kind),
        )
        tickets.reply_submit(actor=officer, ticket=ticket, body=body)
        tickets.reply_approve(actor=self.cast.heads[unit], ticket=ticket)

    def _publish(self, letter: Letter, text: Text) -> int:
        """R2.2 (a): the Office masks what identifies the writer and approves the text for the board."""
        ticket = Ticket.objects.get(pk=letter.ticket_id)
        names = selectors.names_to_mask(ticket)
        reply = selectors.formal_reply(ticket)
        assert reply is not None  # noqa: S101 - just approved
        answer = reply.body.replace(greeting(ticket.requester_name, "s"), "您好").replace(
            greeting(ticket.requester_name, "f"), "您好"
        )
        mailbox.publication_approve(
            actor=self.clerk,
            letter=letter,
            title=privacy.mask(text.subject, names)[:120],
            question=privacy.mask(ticket.content, names),
            answer=privacy.mask(answer, names),
        )
        return 1

    # --- R2.1 reception day ----------------------------------------------------------------------

    def _rota_days(self) -> list[dt.date]:
        """One reception day a week for the coming four weeks: the Thursday, or the next working day."""
        today = timezone.localdate()
        thursday = today + dt.timedelta(days=(3 - today.weekday()) % 7 or 7)
        days = []
        for week in range(4):
            day = thursday + dt.timedelta(weeks=week)
            while not self.cast.calendar.is_working_day(day):
                day += dt.timedelta(days=1)
            days.append(day)
        return days

    def reception(self) -> tuple[int, int]:
        """R2.1: the Office publishes the rota; requesters book the first two days (places stay free)."""
        leaders = sorted(self.cast.leaders, key=lambda u: u.username)
        start = self.rng.randrange(len(leaders))
        sessions: list[ReceptionSession] = []
        for week, day in enumerate(self._rota_days()):
            campus = "zhuozhou" if week == 2 and "zhuozhou" in self.cast.campuses else "beijing"
            slots = texts.RECEPTION_SLOTS[: self.rng.randint(2, 4)]
            sessions.append(
                channel_services.session_create(
                    actor=self.office,
                    leader=leaders[(start + week) % len(leaders)],
                    day=day,
                    place=self.rng.choice(texts.RECEPTION_PLACES[campus]),
                    campus=self.cast.campuses[campus],
                    slots=slots,
                    capacity=self.rng.randint(2, 3),
                )
            )
        booked = 0
        if self.student_user is not None:  # the documented requester's own booking, on the first day
            slot = ReceptionSlot.objects.filter(session=sessions[0]).order_by("-starts").first()
            assert slot is not None  # noqa: S101 - every session has slots
            channel_services.booking_create(
                actor=self.student_user, slot=slot, topic=texts.STUDENT_BOOKING_TOPIC
            )
            booked += 1
        for session in sessions[:3]:
            visitors = self.rng.sample(self.pool, 12)  # one booking per person per day
            for slot in ReceptionSlot.objects.filter(session=session).order_by("starts"):
                free = slot.capacity - slot.booked - 1  # a place stays free in every slot
                for _ in range(self.rng.randint(min(1, free), free) if free > 0 else 0):
                    channel_services.booking_create(
                        actor=visitors.pop(), slot=slot, topic=self.rng.choice(texts.BOOKING_TOPICS)
                    )
                    booked += 1
        return len(sessions), booked

    # --- R2.4 symposiums -------------------------------------------------------------------------

    def symposiums(self) -> int:
        """R2.4: each organizer schedules one this semester; 学生处 held one today, its issues became tickets."""
        today = timezone.localdate()
        made = 0
        for index, code in enumerate(ORGANIZER_CODES):
            unit = self.cast.units.get(code)
            if unit is None:
                continue
            held = code == "student_affairs"
            titles = texts.SYMPOSIUMS[code]
            symposium = channel_services.symposium_schedule(
                actor=self.cast.heads[code],
                organizer=unit,
                title=titles[0],
                day=today if held else today + dt.timedelta(days=10 + 7 * index),
                place=texts.SYMPOSIUM_PLACES[index % len(texts.SYMPOSIUM_PLACES)],
                campus=self.cast.campuses["beijing"],
            )
            made += 1
            if held:
                self._hold(symposium, code)
        return made

    def _hold(self, symposium: Symposium, code: str) -> None:
        """The organizer records the symposium; the Office makes the tickets and dispatches two of them."""
        name, phone = texts.SYMPOSIUM_CONTACT
        channel_services.symposium_record(
            actor=self.cast.heads[code],
            symposium=symposium,
            attendees=texts.SYMPOSIUM_ATTENDEES,
            issues=texts.SYMPOSIUM_ISSUES,
            contact_name=name,
            contact_phone=phone,
        )
        made = channel_services.symposium_issues_to_tickets(actor=self.office, symposium=symposium)
        for ticket, lead in zip(made, ("logistics", "logistics"), strict=False):
            tickets.ticket_dispatch(actor=self.office, ticket=ticket, lead_unit=self.cast.units[lead])

    # --- R2.5 petitions --------------------------------------------------------------------------

    def petitions(self) -> int:
        """R2.5: letters and visits recorded by the Office, with the steps taken so far."""
        for spec in texts.PETITIONS:
            petition = channel_services.petition_create(
                actor=self.office,
                form=str(spec["form"]),
                origin=str(spec["origin"]),
                name=str(spec["name"]),
                phone=str(spec["phone"]),
                address=str(spec["address"]),
                people=int(str(spec["people"])),
                content=str(spec["content"]),
                campus=self.cast.campuses["beijing"],
                type=str(spec["type"]),
            )
            for kind, body, reported_to in spec["steps"]:  # type: ignore[attr-defined]
                channel_services.petition_step_add(
                    actor=self.office,
                    petition=petition,
                    kind=kind,
                    body=body,
                    reported_to=reported_to,
                    reported_at=timezone.now() if reported_to else None,
                )
        return len(texts.PETITIONS)

    # --- the demo student ------------------------------------------------------------------------

    def student(self) -> None:
        """The documented `student` account: a replied request, an open one and a letter (its booking is
        made with the rota), so /requests/mine/ shows every section."""
        user = self.student_user
        if user is None:
            return
        campus = user.campus or self.cast.campuses["beijing"]
        for unit, replied in (("logistics", True), ("academic_affairs", False)):
            text = self._text(unit, user)
            ticket = tickets.ticket_create(
                actor=user,
                channel=Channel.WEB,
                type=text.type,
                campus=campus,
                subject=text.subject,
                content=text.content,
                requester=user,
            ).ticket
            tickets.ticket_dispatch(actor=self.office, ticket=ticket, lead_unit=self.cast.units[unit])
            self._acknowledge(ticket, unit)
            if replied:
                self._reply(ticket, unit, text)
        letter, _text = self._write(user, "library")
        mailbox.letter_dispatch_public(
            actor=self.clerk,
            letter=letter,
            lead_unit=self.cast.units["library"],
            note=texts.PUBLIC_DISPATCH_NOTE,
        )
