"""Dashboards for leaders and the Office (issue 13 item 6): four charts from the assessment's selectors.

``selectors.counts`` feeds every chart, in three grouped queries — the assessment's own three, each grouped only
as finely as a chart needs: tickets by unit, week and channel; clocks by unit and week; follow-ups by unit. Their
sums by unit make the three rates and the ranking (through ``AssessmentReport``, the same figures as the assessment
page); by week, the volumes and the trend of missed deadlines. Grouping the clocks by channel too made ~9,000
groups and cost several times more; one join of the clocks, not two, is most of the saving. Each chart is a table first (the table view and the export); the chart's
data for ECharts is derived from that table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.org.models import User
from jiesu.supervision import selectors
from jiesu.supervision.assessment import AssessmentReport
from jiesu.supervision.figures import Period
from jiesu.supervision.permissions import may_see_dashboard
from jiesu.tickets.models import Channel

DEFAULT_WEEKS = 12
CHARTS = ("volume", "rates", "overdue", "ranking")


def default_period(today: dt.date | None = None) -> Period:
    """The last ``DEFAULT_WEEKS`` weeks, this one included (Monday-based)."""
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    return Period(monday - dt.timedelta(weeks=DEFAULT_WEEKS - 1), today)


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


@dataclass
class Chart:
    """One chart: a table (header, rows) and what ECharts draws from it."""

    key: str
    title: str
    header: list[str]
    rows: list[list[Any]]
    data: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, **self.data}


class DashboardReport:
    """The four charts for one period."""

    def __init__(self, period: Period, *, as_of: dt.datetime | None = None) -> None:
        self.period = period
        self.as_of = as_of or timezone.now()
        tickets_by, clocks_by = ("unit", "week", "channel"), ("unit", "week")
        tickets = selectors.counts(period, tickets_by, as_of=self.as_of, parts=("tickets",))
        clocks = selectors.counts(period, clocks_by, as_of=self.as_of, parts=("clocks",))
        followups = selectors.counts(period, ("unit",), as_of=self.as_of, parts=("followups",))
        self.by_unit = selectors.merge(
            selectors.fold(tickets, tickets_by, ("unit",)),
            selectors.fold(clocks, clocks_by, ("unit",)),
            followups,
        )
        self.by_week = selectors.merge(
            selectors.fold(tickets, tickets_by, ("week",)), selectors.fold(clocks, clocks_by, ("week",))
        )
        self.by_week_channel = selectors.fold(tickets, tickets_by, ("week", "channel"))
        self.assessment = AssessmentReport.from_counts(period, self.by_unit, as_of=self.as_of)

    @staticmethod
    def is_available_to(user: User | Any) -> bool:
        return may_see_dashboard(user)

    def weeks(self) -> list[dt.date]:
        first = self.period.first - dt.timedelta(days=self.period.first.weekday())
        count = (self.period.last - first).days // 7 + 1
        return [first + dt.timedelta(weeks=i) for i in range(count)]

    def charts(self) -> list[Chart]:
        return [self.volume(), self.rates(), self.overdue(), self.ranking()]

    def chart(self, key: str) -> Chart:
        return {"volume": self.volume, "rates": self.rates, "overdue": self.overdue, "ranking": self.ranking}[
            key
        ]()

    def volume(self) -> Chart:
        weeks = self.weeks()
        present = {key[1] for key in self.by_week_channel}
        channels = [(value, str(label)) for value, label in Channel.choices if value in present]
        rows = []
        for week in weeks:
            counts = [
                self.by_week_channel.get((week, value), selectors.Counts()).received for value, _l in channels
            ]
            rows.append([week.isoformat(), *counts, sum(counts)])
        return Chart(
            "volume",
            _("Requests received per week, by channel"),
            [_("Week of"), *(label for _v, label in channels), _("Total")],
            rows,
            {
                "categories": [r[0] for r in rows],
                "series": [
                    {"name": label, "data": [r[i + 1] for r in rows]}
                    for i, (_v, label) in enumerate(channels)
                ],
            },
        )

    def rates(self) -> Chart:
        rows = [
            [
                row.unit_name,
                _percent(row.rates["response"]),
                _percent(row.rates["resolution"]),
                _percent(row.rates["satisfaction"]),
            ]
            for row in self.assessment.rows()
        ]
        names = [_("Response rate"), _("Resolution rate"), _("Satisfaction rate")]
        return Chart(
            "rates",
            _("The three rates per unit (%)"),
            [_("Unit"), *names],
            rows,
            {
                "categories": [r[0] for r in rows],
                "series": [{"name": name, "data": [r[i + 1] for r in rows]} for i, name in enumerate(names)],
            },
        )

    def overdue(self) -> Chart:
        rows = []
        for week in self.weeks():
            c = self.by_week.get((week,), selectors.Counts())
            rows.append([week.isoformat(), c.received, c.overdue])
        return Chart(
            "overdue",
            _("Missed deadlines per week of receipt"),
            [_("Week of"), _("Received requests"), _("Missed deadlines")],
            rows,
            {
                "categories": [r[0] for r in rows],
                "series": [{"name": _("Missed deadlines"), "data": [r[2] for r in rows]}],
            },
        )

    def ranking(self) -> Chart:
        ranked = [row for row in self.assessment.rows() if row.rank is not None]
        rows = [[row.rank, row.unit_name, row.score] for row in ranked]
        return Chart(
            "ranking",
            _("Unit ranking by score"),
            [_("Rank"), _("Unit"), _("Score")],
            rows,
            {
                # Highest at the top of a horizontal bar chart: ECharts draws the first category at the bottom.
                "categories": [r[1] for r in reversed(rows)],
                "series": [{"name": _("Score"), "data": [r[2] for r in reversed(rows)]}],
            },
        )
