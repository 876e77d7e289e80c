"""The public monthly summary (R8.7): aggregate figures anyone may read, without signing in.

Volumes by channel and type, the three rates and the top topics (ticket type × channel until the hot-topic
analysis exists) for one month of receipt. No personal data: nothing here reads a name, a contact, a number or
a text, only grouped counts. Small cells are suppressed: any count below ``MIN_CELL`` tickets is shown as "<5",
and a rate whose base counts fewer than ``MIN_CELL`` is not shown at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.supervision import selectors
from jiesu.supervision.assessment import rates_of
from jiesu.supervision.figures import Period, PeriodError
from jiesu.tickets.models import Channel, TicketType

MIN_CELL = 5  # R8.7: fewer than five tickets could point at a person
MONTHS_SHOWN = 12
TOP_TOPICS = 5
BY = ("channel", "type")


@dataclass(frozen=True)
class Cell:
    """A count as published: the exact number, or "<5"."""

    n: int

    @property
    def suppressed(self) -> bool:
        return self.n < MIN_CELL

    def __str__(self) -> str:
        return f"<{MIN_CELL}" if self.suppressed else str(self.n)


@dataclass(frozen=True)
class RateCell:
    label: str
    value: float | None
    base: Cell

    @property
    def shown(self) -> str:
        if self.base.suppressed or self.value is None:
            return "—"
        return f"{100 * self.value:.1f}%"


def month_choices(today: dt.date | None = None) -> list[dt.date]:
    """The first day of this month and the eleven before it, newest first."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    found = []
    for _i in range(MONTHS_SHOWN):
        found.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found


def parse_month(raw: str, today: dt.date | None = None) -> dt.date:
    """``YYYY-MM`` → its first day; empty → last month (a complete one). PeriodError for anything else."""
    choices = month_choices(today)
    if not raw:
        return choices[1]
    try:
        first = dt.date.fromisoformat(f"{raw.strip()}-01")
    except ValueError:
        raise PeriodError(_("Choose a month from the list."), field="month") from None
    if first not in choices:
        raise PeriodError(_("Choose a month from the list."), field="month")
    return first


class MonthlySummary:
    """R8.7 for one month."""

    def __init__(self, month: dt.date, *, as_of: dt.datetime | None = None) -> None:
        self.month = month
        self.period = Period.month(month.year, month.month)
        self.as_of = as_of or timezone.now()
        groups = selectors.counts(self.period, BY, as_of=self.as_of)
        self.total = selectors.fold(groups, BY, ()).get((), selectors.Counts())
        self.by_channel = selectors.fold(groups, BY, ("channel",))
        self.by_type = selectors.fold(groups, BY, ("type",))
        self.groups = groups

    @staticmethod
    def is_available_to(user: Any) -> bool:
        return True  # public: aggregates only, small cells suppressed

    def received(self) -> Cell:
        return Cell(self.total.received)

    def channels(self) -> list[tuple[str, Cell]]:
        return [
            (str(label), Cell(self.by_channel[(value,)].received))
            for value, label in Channel.choices
            if self.by_channel.get((value,)) and self.by_channel[(value,)].received
        ]

    def types(self) -> list[tuple[str, Cell]]:
        return [
            (str(label), Cell(self.by_type[(value,)].received))
            for value, label in TicketType.choices
            if self.by_type.get((value,)) and self.by_type[(value,)].received
        ]

    def rates(self) -> list[RateCell]:
        c = self.total
        rates = rates_of(c)
        return [
            RateCell(_("Response rate"), rates["response"], Cell(c.response_due)),
            RateCell(_("Resolution rate"), rates["resolution"], Cell(c.closed_assessed)),
            RateCell(_("Satisfaction rate"), rates["satisfaction"], Cell(c.rated)),
        ]

    def topics(self) -> list[tuple[str, str, Cell]]:
        """The most frequent (type, channel) pairs, largest first."""
        channel_names = dict(Channel.choices)
        type_names = dict(TicketType.choices)
        ranked = sorted(
            ((key, c.received) for key, c in self.groups.items() if c.received),
            key=lambda item: (-item[1], item[0]),
        )[:TOP_TOPICS]
        return [
            (str(type_names.get(kind, kind)), str(channel_names.get(channel, channel)), Cell(n))
            for (channel, kind), n in ranked
        ]
