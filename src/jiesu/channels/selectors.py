"""Reads of the channels app (R2.1, R2.4, R2.5)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from jiesu.channels.models import (
    Booking,
    BookingTicket,
    ChannelLog,
    Petition,
    PetitionStep,
    ReceptionSession,
    ReceptionSlot,
    Symposium,
    SymposiumIssue,
)
from jiesu.org.models import User


def upcoming_sessions() -> QuerySet[ReceptionSession]:
    """The published rota from today on, with slots (one query each for sessions and slots)."""
    return (
        ReceptionSession.objects.filter(day__gte=timezone.localdate())
        .select_related("leader", "campus")
        .prefetch_related(Prefetch("slots", queryset=ReceptionSlot.objects.order_by("starts", "id")))
        .order_by("day", "id")
    )


def recent_sessions(limit: int = 60) -> list[ReceptionSession]:
    return list(ReceptionSession.objects.select_related("leader", "campus").order_by("-day", "-id")[:limit])


def bookings_for(user: User | Any) -> list[Booking]:
    """A requester's own bookings, latest reception day first, each with its slot, leader and tickets: for the
    reception page and the requester's home (``channels/_bookings.html``)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Booking.objects.filter(requester=user)
        .select_related("session__leader", "slot")
        .prefetch_related(Prefetch("tickets", queryset=BookingTicket.objects.select_related("ticket")))
        .order_by("-session__day", "slot__starts", "-id")[:50]
    )


def day_list(session: ReceptionSession) -> list[Booking]:
    """The day's list: live and recorded bookings in slot order, with the visitor and the tickets made."""
    return list(
        session.bookings.exclude(status=Booking.Status.CANCELLED)
        .select_related("slot", "requester")
        .prefetch_related(Prefetch("tickets", queryset=BookingTicket.objects.select_related("ticket")))
        .order_by("slot__starts", "booked_at", "id")
    )


def petitions() -> QuerySet[Petition]:
    return Petition.objects.select_related("ticket").order_by("-created_at", "-id")


def petition_steps(petition: Petition) -> list[PetitionStep]:
    return list(petition.steps.select_related("actor").order_by("at", "id"))


def symposiums_for(units: list[Any], *, all_units: bool) -> QuerySet[Symposium]:
    rows = Symposium.objects.select_related("organizer").order_by("-day", "-id")
    return rows if all_units else rows.filter(organizer__in=units)


def symposium_issues(symposium: Symposium) -> list[SymposiumIssue]:
    return list(symposium.issues.select_related("ticket").order_by("id"))


def history(subject: str) -> list[ChannelLog]:
    return list(ChannelLog.objects.filter(subject=subject).select_related("actor").order_by("at", "id"))
