"""R2.4 symposiums: the four organizers schedule 1–2 a semester and record them; each issue raised becomes a
ticket the Office dispatches; an organizer with none scheduled by mid-semester is reminded once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from jiesu.channels import permissions
from jiesu.channels.models import NOTES_MAX, Symposium, SymposiumIssue, SymposiumReminder
from jiesu.channels.services.common import log, require, text
from jiesu.notify.recipients import office_people
from jiesu.notify.services import notify_users
from jiesu.org.models import Campus, Role, Unit, User
from jiesu.textcheck import EARLIEST_YEAR, LATEST_YEAR
from jiesu.tickets.errors import Conflict, DomainError
from jiesu.tickets.models import Channel, Ticket, TicketType
from jiesu.tickets.services import ticket_create
from jiesu.workcalendar.semesters import semester_of

PER_SEMESTER = 2  # R2.4: 1–2 per semester
MAX_ISSUES = 30


@transaction.atomic
def symposium_schedule(
    *, actor: User, organizer: Unit, title: str, day: dt.date, place: str, campus: Campus
) -> Symposium:
    """An organizer (or the Office for it) schedules a symposium; at most two per organizer per semester."""
    require(permissions.may_organize(actor, organizer))
    title = text(title, "title", limit=100, required=_("Give the symposium a title."))
    place = text(place, "place", limit=100, required=_("Say where it is held."))
    if not (EARLIEST_YEAR <= day.year <= LATEST_YEAR) or day < timezone.localdate():
        raise DomainError(_("Choose a date from today on."), field="day")
    semester = semester_of(day)
    Unit.objects.select_for_update().get(pk=organizer.pk)  # counts per organizer are taken one at a time
    if Symposium.objects.filter(organizer=organizer, semester=semester.key).count() >= PER_SEMESTER:
        raise Conflict(
            _("%(unit)s already has two symposiums in the %(semester)s (one or two a semester).")
            % {"unit": organizer.name, "semester": semester.label}
        )
    symposium = Symposium.objects.create(
        organizer=organizer,
        semester=semester.key,
        title=title,
        day=day,
        place=place,
        campus=campus,
        created_by=actor,
        created_at=timezone.now(),
    )
    log(actor, "symposium_schedule", f"symposium:{symposium.pk}", title=title, day=str(day), place=place)
    return symposium


@transaction.atomic
def symposium_record(
    *,
    actor: User,
    symposium: Symposium,
    attendees: str,
    issues: Sequence[str],
    contact_name: str,
    contact_phone: str,
) -> Symposium:
    """The organizer records the symposium: who attended, the issues raised, and whom to call back."""
    symposium = Symposium.objects.select_for_update().select_related("organizer").get(pk=symposium.pk)
    require(permissions.may_organize(actor, symposium.organizer))
    if symposium.status != Symposium.Status.SCHEDULED:
        raise Conflict(_("This symposium has already been recorded."))
    if symposium.day > timezone.localdate():
        raise DomainError(_("A symposium is recorded on its day or after it."), field="attendees")
    attendees = text(
        attendees, "attendees", limit=NOTES_MAX, required=_("List who attended."), multiline=True
    )
    contact_name = text(contact_name, "contact_name", limit=50, required=_("Name the contact person."))
    contact_phone = text(contact_phone, "contact_phone", limit=32, required=_("Give the contact's phone."))
    if not all(c.isdigit() or c in "+- " for c in contact_phone):
        raise DomainError(
            _("The phone number may contain only digits, spaces, + and -."), field="contact_phone"
        )
    cleaned = [text(i, "issues", limit=1000) for i in issues]
    cleaned = [i for i in cleaned if i]
    if not cleaned:
        raise DomainError(_("List at least one issue raised (one a line)."), field="issues")
    if len(cleaned) > MAX_ISSUES:
        raise DomainError(_("At most 30 issues a symposium."), field="issues")
    SymposiumIssue.objects.bulk_create([SymposiumIssue(symposium=symposium, text=i) for i in cleaned])
    symposium.status = Symposium.Status.RECORDED
    symposium.attendees = attendees
    symposium.contact_name = contact_name
    symposium.contact_phone = contact_phone
    symposium.recorded_by = actor
    symposium.recorded_at = timezone.now()
    symposium.save(
        update_fields=["status", "attendees", "contact_name", "contact_phone", "recorded_by", "recorded_at"]
    )
    log(actor, "symposium_record", f"symposium:{symposium.pk}", issues=len(cleaned))
    return symposium


@transaction.atomic
def symposium_issues_to_tickets(
    *, actor: User, symposium: Symposium, type: str = TicketType.OPINION
) -> list[Ticket]:
    """The Office makes a ticket (channel symposium) of every issue without one; they await its dispatch."""
    require(permissions.is_office(actor))
    symposium = (
        Symposium.objects.select_for_update().select_related("organizer", "campus").get(pk=symposium.pk)
    )
    if symposium.status != Symposium.Status.RECORDED:
        raise Conflict(_("Record the symposium before making tickets of its issues."))
    made = []
    for issue in symposium.issues.select_for_update().filter(ticket__isnull=True):
        created = ticket_create(
            actor=actor,
            channel=Channel.SYMPOSIUM,
            type=type,
            campus=symposium.campus,
            subject=issue.text.splitlines()[0][:60],
            content=_("Raised at %(title)s (%(unit)s, %(day)s): %(text)s")
            % {
                "title": symposium.title,
                "unit": symposium.organizer.name,
                "day": f"{symposium.day:%Y-%m-%d}",
                "text": issue.text,
            },
            requester_name=symposium.contact_name,
            requester_kind="staff",
            contact_phone=symposium.contact_phone,
        )
        issue.ticket = created.ticket
        issue.save(update_fields=["ticket"])
        made.append(created.ticket)
    if not made:
        raise Conflict(_("Every issue of this symposium already has its ticket."))
    log(actor, "symposium_tickets", f"symposium:{symposium.pk}", tickets=[t.number for t in made])
    return made


def symposium_reminders(*, now: dt.datetime) -> int:
    """R2.4, called by the worker's sweep: from mid-semester on, each organizer with no symposium scheduled this
    semester is reminded once (its heads and officers, and the Office). Returns the notifications written."""
    today = timezone.localtime(now).date()
    semester = semester_of(today)
    if not semester.first_day <= today <= semester.last_day or today < semester.middle:
        return 0
    reminded = SymposiumReminder.objects.filter(semester=semester.key).values("organizer_id")
    scheduled = Symposium.objects.filter(semester=semester.key).values("organizer_id")
    due = (
        Unit.objects.filter(code__in=permissions.ORGANIZER_CODES, is_active=True)
        .exclude(pk__in=reminded)
        .exclude(pk__in=scheduled)
    )  # one query when every organizer is done
    written = 0
    for unit in list(due):
        try:
            with transaction.atomic(), override("zh-hans"):
                SymposiumReminder.objects.create(organizer=unit, semester=semester.key, at=now)
                people = User.objects.filter(
                    memberships__unit=unit, memberships__role__in=(Role.UNIT_HEAD, Role.INFO_OFFICER)
                ).distinct()
                values = {"unit": unit.name, "semester": semester.label}
                written += notify_users(
                    "symposium_reminder",
                    [*people, *office_people()],
                    title=_("No symposium scheduled yet: %(unit)s") % values,
                    body=_(
                        "%(unit)s has not scheduled a symposium in the %(semester)s and the semester is half over. "
                        "Please schedule one or two (Article 4)."
                    )
                    % values,
                    url=reverse("channels:symposiums"),
                )
                log(None, "symposium_reminded", f"unit:{unit.pk}", semester=semester.key)
        except IntegrityError:
            continue  # another sweep reminded it first
    return written
