"""Where the channels app meets the tickets app (R2.1, R2.4, R2.5): the Office's ticket page names the visit,
petition or symposium a ticket came from (``tickets.hints`` groups), with the petition's recorded steps."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils.translation import gettext as _

from jiesu.channels.models import BookingTicket, Petition, PetitionStep, SymposiumIssue
from jiesu.tickets.hints import GroupHint, provide
from jiesu.tickets.models import Channel, Ticket

ORIGIN_CHANNELS = (Channel.RECEPTION_DAY, Channel.PETITION, Channel.SYMPOSIUM)


def origin_hints(ticket_ids: Sequence[int]) -> dict[int, list[GroupHint]]:
    """One query for which tickets came from these channels, then one per kind of origin present; no personal
    data in the hint."""
    out: dict[int, list[GroupHint]] = {}
    by_channel: dict[str, list[int]] = {}
    for pk, channel in Ticket.objects.filter(pk__in=ticket_ids, channel__in=ORIGIN_CHANNELS).values_list(
        "pk", "channel"
    ):
        by_channel.setdefault(channel, []).append(pk)
    visits = by_channel.get(Channel.RECEPTION_DAY, [])
    petitions = by_channel.get(Channel.PETITION, [])
    issues = by_channel.get(Channel.SYMPOSIUM, [])
    for link in (
        BookingTicket.objects.filter(ticket_id__in=visits).select_related("booking__session")
        if visits
        else ()
    ):
        session = link.booking.session
        out.setdefault(link.ticket_id, []).append(
            GroupHint(
                _("Reception day %(day)s") % {"day": f"{session.day:%Y-%m-%d}"},
                reverse("channels:session", args=[session.pk]),
                _("Leader's instruction given"),
                label=_("Came from"),
            )
        )
    for petition in (
        Petition.objects.filter(ticket_id__in=petitions).prefetch_related("steps") if petitions else ()
    ):
        done = {s.kind for s in petition.steps.all()}
        state = "、".join(str(label) for kind, label in PetitionStep.Kind.choices if kind in done)
        out.setdefault(petition.ticket_id, []).append(
            GroupHint(
                _("Petition record"),
                reverse("channels:petition", args=[petition.pk]),
                state or _("No step recorded yet"),
                label=_("Came from"),
            )
        )
    for issue in (
        SymposiumIssue.objects.filter(ticket_id__in=issues).select_related("symposium__organizer")
        if issues
        else ()
    ):
        out.setdefault(issue.ticket_id, []).append(  # type: ignore[arg-type]
            GroupHint(
                issue.symposium.title,
                reverse("channels:symposium", args=[issue.symposium_id]),
                issue.symposium.organizer.name,
                label=_("Came from"),
            )
        )
    return out


def connect() -> None:
    provide(groups=origin_hints)
