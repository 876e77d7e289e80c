"""The weekly 情况专报 (R8.3, Art. 14): the figures of one week, Monday 00:00 to the next Monday 00:00
(Asia/Shanghai), computed set-based.

Volumes and rates come from ``jiesu.supervision.selectors.counts`` — the same grouped queries as the assessment
and the dashboards (three queries whatever the number of tickets) — grouped by unit, channel and type and then
folded. The lists (overdue, important issues, items for the president's office meeting) are one query each
plus one for the replies they quote, capped at ``LIST_LIMIT`` rows with the full count beside them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiesu import privacy
from jiesu.org.models import Unit
from jiesu.reporting.permissions import may_edit
from jiesu.supervision import selectors
from jiesu.supervision.assessment import rates_of
from jiesu.supervision.figures import SHANGHAI, Period
from jiesu.supervision.selectors import UNIT_CLOCKS, Counts, counted, missed
from jiesu.tickets.models import Channel, Clock, ClockKind, Event, Level, Reply, Ticket, TicketType
from jiesu.tickets.states import OPEN_STATUSES, Status

LIST_LIMIT = 200
WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")

# The report's sections, in order (Art. 14). Every one has free text the Office edits in the draft; the ones
# with figures carry tables too. "hot_topics" and "committee" are free text until hot topics exist.
SECTIONS: dict[str, Any] = {
    "summary": gettext_lazy("Overview"),
    "volumes": gettext_lazy("Volumes by channel, type and unit"),
    "rates": gettext_lazy("Response, on-time reply, resolution and satisfaction rates by unit"),
    "overdue": gettext_lazy("Missed deadlines"),
    "important": gettext_lazy("Important issues and how they were handled"),
    "hot_topics": gettext_lazy("Hot topics"),
    "meeting": gettext_lazy("Items proposed for the president's office meeting"),
    "committee": gettext_lazy("Major items for the standing committee"),
}


class WeekError(ValueError):
    """A week that cannot be read; the message is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Week:
    """An ISO week: ``start`` is its Monday (Asia/Shanghai dates)."""

    start: dt.date

    @classmethod
    def parse(cls, value: str) -> Week:
        """From ``2026-W48``; WeekError with a clear message otherwise."""
        match = WEEK_RE.match((value or "").strip().upper())
        if not match:
            raise WeekError(_("Enter a week as YYYY-Www, for example 2026-W48."))
        try:
            return cls(dt.date.fromisocalendar(int(match[1]), int(match[2]), 1))
        except ValueError:
            raise WeekError(_("That year has no such week.")) from None

    @classmethod
    def containing(cls, day: dt.date) -> Week:
        return cls(day - dt.timedelta(days=day.weekday()))

    @classmethod
    def last_complete(cls, now: dt.datetime | None = None) -> Week:
        """The week before the current one: the one a Monday's report covers."""
        today = timezone.localtime(now or timezone.now(), SHANGHAI).date()
        return cls.containing(today - dt.timedelta(days=7))

    @property
    def label(self) -> str:
        return f"{self.start:%G-W%V}"

    @property
    def period(self) -> Period:
        return Period(self.start, self.start + dt.timedelta(days=6))

    @property
    def end(self) -> dt.datetime:
        return self.period.end


@dataclass
class UnitLine:
    name: str
    counts: Counts
    rates: dict[str, float | None]


@dataclass
class ListPart:
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0


@dataclass
class WeeklyFigures:
    week: Week
    as_of: dt.datetime
    received: int
    by_channel: list[tuple[str, int]]
    by_type: list[tuple[str, int]]
    units: list[UnitLine]
    total: UnitLine
    overdue: ListPart
    important: ListPart
    meeting: ListPart

    def as_json(self) -> dict[str, Any]:
        def r(value: float | None) -> float | None:
            return None if value is None else round(value, 4)

        def unit(line: UnitLine) -> dict[str, Any]:
            return {
                "unit": line.name,
                "received": line.counts.received,
                "response_rate": r(line.rates["response"]),
                "ontime_rate": r(line.rates["ontime"]),
                "resolution_rate": r(line.rates["resolution"]),
                "satisfaction_rate": r(line.rates["satisfaction"]),
                "overdue": line.counts.overdue,
            }

        return {
            "week": self.week.label,
            "from": self.week.period.start.isoformat(),
            "to": self.week.end.isoformat(),
            "received": self.received,
            "by_channel": dict(self.by_channel),
            "by_type": dict(self.by_type),
            "units": [unit(line) for line in self.units],
            "total": unit(self.total),
            "overdue": self.overdue.total,
            "important": self.important.total,
            "meeting": self.meeting.total,
        }


class WeeklyReport:
    """One week's figures; ``figures()`` runs the queries once."""

    def __init__(self, week: Week, *, as_of: dt.datetime | None = None) -> None:
        self.week = week
        # Judged at the end of the week (or now, for the running week): the report tells of that week.
        self.as_of = min(as_of or timezone.now(), week.end)
        self._figures: WeeklyFigures | None = None

    is_available_to = staticmethod(may_edit)

    def figures(self) -> WeeklyFigures:
        if self._figures is None:
            self._figures = self._build()
        return self._figures

    def _build(self) -> WeeklyFigures:
        period = self.week.period
        by = ("unit", "channel", "type")
        # Channel and type tables need only the volumes; the rates are per unit (fewer groups for the clocks).
        groups = selectors.counts(period, by, as_of=self.as_of, parts=("tickets",))
        per_unit = selectors.merge(
            selectors.fold(groups, by, ("unit",)),
            selectors.counts(period, ("unit",), as_of=self.as_of, parts=("clocks", "followups")),
        )
        channels = selectors.fold(groups, by, ("channel",))
        types = selectors.fold(groups, by, ("type",))
        names = dict(Unit.objects.filter(pk__in=[k[0] for k in per_unit if k[0]]).values_list("id", "name"))
        order = dict(Unit.objects.filter(pk__in=list(names)).values_list("id", "sort_order"))
        total = Counts()
        lines = []
        for (unit_id,), c in sorted(
            per_unit.items(), key=lambda kv: (kv[0][0] is None, order.get(kv[0][0], 0))
        ):
            total.add(c)
            if c.received:
                name = names.get(unit_id, str(unit_id)) if unit_id else _("Not yet dispatched")
                lines.append(UnitLine(name, c, rates_of(c)))
        return WeeklyFigures(
            week=self.week,
            as_of=self.as_of,
            received=total.received,
            by_channel=[
                (str(label), channels[(value,)].received)
                for value, label in Channel.choices
                if channels.get((value,)) and channels[(value,)].received
            ],
            by_type=[
                (str(label), types[(value,)].received)
                for value, label in TicketType.choices
                if types.get((value,)) and types[(value,)].received
            ],
            units=lines,
            total=UnitLine(_("Whole school"), total, rates_of(total)),
            overdue=self._overdue(period),
            important=self._important(period),
            meeting=self._meeting(period),
        )

    def _overdue(self, period: Period) -> ListPart:
        """Unit deadlines of the week's tickets that were missed (R4.8), earliest due first: the same missed
        clocks as the figures count, each deadline once (R4.9, ``selectors.counted``). A deadline replaced after
        it had passed (a planned date moved late, a level or calendar change) is listed at the instant that was
        missed, with the time its replacement was met, if it was."""
        clocks = Clock.objects.filter(
            missed(self.as_of),
            counted(),
            ticket__received_at__gte=period.start,
            ticket__received_at__lt=period.end,
            kind__in=UNIT_CLOCKS,
        )
        carried = Clock.objects.live().filter(
            ticket=OuterRef("ticket"), kind=OuterRef("kind"), round=OuterRef("round"), carries_miss=True
        )
        kinds = dict(ClockKind.choices)
        # A count apart: a window count here would join every missed clock's ticket (1.7 s instead of 1.0 s at
        # 400 k tickets a week), while the first rows come from the due_at order alone.
        found = list(
            clocks.order_by("due_at", "id")
            .annotate(done=Coalesce("met_at", Subquery(carried.values("met_at")[:1])))
            .values("ticket__number", "ticket__lead_unit__name", "ticket__subject", "kind", "due_at", "done")[
                :LIST_LIMIT
            ]
        )
        rows = [
            {
                "number": r["ticket__number"],
                "unit": r["ticket__lead_unit__name"] or _("Not yet dispatched"),
                "subject": privacy.mask_contacts(r["ticket__subject"]),  # R10.2: the report is circulated
                "deadline": str(kinds.get(r["kind"], r["kind"])),
                "due_at": timezone.localtime(r["due_at"], SHANGHAI),
                "met_at": r["done"] and timezone.localtime(r["done"], SHANGHAI),
            }
            for r in found
        ]
        return ListPart(rows, clocks.count() if len(rows) == LIST_LIMIT else len(rows))

    def _ticket_list(self, qs: Any, stage: str) -> ListPart:
        # The count rides along as a window over the (few) matching tickets: one query instead of two.
        tickets = list(
            qs.order_by("received_at", "id")
            .annotate(n_total=Window(Count("id")))
            .values("id", "number", "subject", "lead_unit__name", "status", "n_total")[:LIST_LIMIT]
        )
        quoted: dict[int, str] = {}
        for r in (
            Reply.objects.filter(
                ticket_id__in=[t["id"] for t in tickets], stage=stage, state=Reply.State.SENT
            )
            .order_by("ticket_id", "drafted_at", "id")
            .values("ticket_id", "body", "suggestion")
        ):
            quoted[r["ticket_id"]] = (r["suggestion"] or r["body"]).strip()  # the latest sent one wins
        statuses = dict(Status.choices)
        rows = [
            {
                "number": t["number"],
                "unit": t["lead_unit__name"] or _("Not yet dispatched"),
                # R10.2: the report is circulated; contacts in a title or a reply are masked there.
                "subject": privacy.mask_contacts(t["subject"]),
                "status": str(statuses.get(t["status"], t["status"])),
                "text": privacy.mask_contacts(quoted.get(t["id"], "")),
            }
            for t in tickets
        ]
        return ListPart(rows, tickets[0]["n_total"] if tickets else 0)

    def _important(self, period: Period) -> ListPart:
        """Urgent requests received in the week and those taken to a leader (R6.3), with the formal reply."""
        escalated = Exists(Event.objects.filter(ticket=OuterRef("pk"), action="escalate"))
        qs = selectors.period_tickets(period).filter(Q(urgent=True) | Q(escalated))
        return self._ticket_list(qs, Reply.Stage.FORMAL)

    def _meeting(self, period: Period) -> ListPart:
        """Art. 9.3: requests needing school-level study — received in the week or still open — with the unit's
        proposed solution (its initial reply's suggestion)."""
        qs = Ticket.objects.filter(level=Level.SCHOOL, received_at__lt=period.end).filter(
            Q(received_at__gte=period.start) | Q(status__in=list(OPEN_STATUSES))
        )
        return self._ticket_list(qs, Reply.Stage.INITIAL)
