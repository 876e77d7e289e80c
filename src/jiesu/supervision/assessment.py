"""The assessment report (考核评价, R8.6, Art. 16): one class, one availability check, several outputs.

Per lead unit and period (tickets received in the period):

* response rate = response clocks met on time ÷ response clocks fallen due (R4.1);
* on-time reply rate = formal reply clocks met on time ÷ formal reply clocks fallen due (R4.2, every round);
* resolution rate = closed resolved ÷ (closed resolved + closed unsatisfied) (R7.2); closings explained (R6.2),
  unreachable (R7.3) and closings without a follow-up (repeats R6.1, anonymous letters R1.3) are counted apart;
* satisfaction rate = (satisfied + w × basically satisfied) ÷ rated, every follow-up rating of a named ticket
  (R7.1; anonymous ones apart, R1.3; "unreachable" is not a rating);
* repeat rate = repeats ÷ received (R6.1); overdue = missed unit clocks (R4.8); inspection findings (R8.5);
* score = weighted mean of the response, resolution and satisfaction rates in points (``figures.score``), and
  a competition ranking.

A clock "falls due" when it was met on time or missed (breached, met late, or past due unmet at ``as_of``); a
running clock not yet due is not judged yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiesu.org.models import Unit, User
from jiesu.supervision import figures, selectors
from jiesu.supervision.figures import Period
from jiesu.supervision.permissions import may_assess
from jiesu.supervision.selectors import Counts

FIGURE_LABELS: dict[str, str | Promise] = {
    "received": gettext_lazy("Received requests"),
    "response_due": gettext_lazy("Response deadlines fallen due"),
    "response_met": gettext_lazy("Responses on time"),
    "reply_due": gettext_lazy("Formal reply deadlines fallen due"),
    "reply_met": gettext_lazy("Formal replies on time"),
    "overdue": gettext_lazy("Missed deadlines"),
    "closed_resolved": gettext_lazy("Closed as resolved"),
    "closed_unsatisfied": gettext_lazy("Closed unsatisfied"),
    "closed_explained": gettext_lazy("Closed with an accepted explanation"),
    "closed_unreachable": gettext_lazy("Closed as unreachable"),
    "closed_without_followup": gettext_lazy("Closed without follow-up (repeats, anonymous letters)"),
    "rated": gettext_lazy("Ratings"),
    "satisfied": gettext_lazy("Satisfied"),
    "basically": gettext_lazy("Basically satisfied"),
    "dissatisfied": gettext_lazy("Dissatisfied"),
    "unreachable_calls": gettext_lazy("Follow-ups unreachable"),
    "repeats": gettext_lazy("Repeat requests"),
    "anonymous": gettext_lazy("Anonymous letters"),
}


@dataclass(frozen=True)
class Term:
    """One count in a formula, with the key of the tickets behind it (None: not a ticket list)."""

    n: float
    figure: str | None
    label: str


@dataclass(frozen=True)
class Figure:
    """A figure explained: its value, its formula in words and the counts it comes from."""

    key: str
    label: str
    value: float | None
    formula: str
    terms: tuple[Term, ...]


@dataclass
class UnitRow:
    unit_id: int | None
    unit_name: str
    counts: Counts
    rates: dict[str, float | None] = field(default_factory=dict)
    score: float | None = None
    rank: int | None = None

    def as_json(self) -> dict[str, Any]:
        def r(value: float | None) -> float | None:
            return None if value is None else round(value, 4)

        return {
            "unit": self.unit_name,
            "received": self.counts.received,
            "response_rate": r(self.rates["response"]),
            "ontime_rate": r(self.rates["ontime"]),
            "resolution_rate": r(self.rates["resolution"]),
            "satisfaction_rate": r(self.rates["satisfaction"]),
            "score": self.score,
            "rank": self.rank,
        }

    def figures(self) -> list[Figure]:
        """Every figure with its formula and counts, for the page and the workbook."""
        c, w = self.counts, figures.basic_weight()

        def t(n: float, key: str | None, label: str | Promise | None = None) -> Term:
            return Term(n, key, str(label if label is not None else FIGURE_LABELS[key or ""]))

        return [
            Figure(
                "response",
                _("Response rate"),
                self.rates["response"],
                _("responses on time ÷ response deadlines fallen due"),
                (t(c.response_met, "response_met"), t(c.response_due, "response_due")),
            ),
            Figure(
                "ontime",
                _("On-time reply rate"),
                self.rates["ontime"],
                _("formal replies on time ÷ formal reply deadlines fallen due (every round)"),
                (t(c.reply_met, "reply_met"), t(c.reply_due, "reply_due")),
            ),
            Figure(
                "resolution",
                _("Resolution rate"),
                self.rates["resolution"],
                _("closed as resolved ÷ (closed as resolved + closed unsatisfied)"),
                (
                    t(c.closed_resolved, "closed_resolved"),
                    t(c.closed_unsatisfied, "closed_unsatisfied"),
                ),
            ),
            Figure(
                "satisfaction",
                _("Satisfaction rate"),
                self.rates["satisfaction"],
                _("(satisfied + %(w)s × basically satisfied) ÷ ratings of named requests") % {"w": f"{w:g}"},
                (
                    t(c.satisfied, "satisfied"),
                    t(c.basically, "basically"),
                    t(c.rated, "rated"),
                ),
            ),
            Figure(
                "repeat",
                _("Repeat rate"),
                self.rates["repeat"],
                _("repeat requests ÷ received"),
                (t(c.repeats, "repeats"), t(c.received, "received")),
            ),
        ]

    def apart(self) -> list[Term]:
        """Counts shown beside the rates, not inside them (R1.3, R6.2, R7.3, R4.8, R8.5)."""
        c = self.counts
        return [
            Term(c.overdue, "overdue", str(FIGURE_LABELS["overdue"])),
            Term(c.closed_explained, "closed_explained", str(FIGURE_LABELS["closed_explained"])),
            Term(c.closed_unreachable, "closed_unreachable", str(FIGURE_LABELS["closed_unreachable"])),
            Term(
                c.closed_without_followup,
                "closed_without_followup",
                str(FIGURE_LABELS["closed_without_followup"]),
            ),
            Term(c.unreachable_calls, "unreachable_calls", str(FIGURE_LABELS["unreachable_calls"])),
            Term(c.anonymous, "anonymous", str(FIGURE_LABELS["anonymous"])),
            Term(c.findings, None, _("Inspection findings")),
        ]


def rates_of(c: Counts) -> dict[str, float | None]:
    """The five rates of one group of counts (R8.6)."""
    return {
        "response": figures.rate(c.response_met, c.response_due),
        "ontime": figures.rate(c.reply_met, c.reply_due),
        "resolution": figures.rate(c.closed_resolved, c.closed_assessed),
        "satisfaction": figures.rate(c.satisfied + figures.basic_weight() * c.basically, c.rated),
        "repeat": figures.rate(c.repeats, c.received),
    }


class AssessmentReport:
    """R8.6 per lead unit for one period: rows ranked by score, a school-wide total, JSON and a workbook."""

    def __init__(self, period: Period, *, as_of: dt.datetime | None = None) -> None:
        self.period = period
        self.as_of = as_of or timezone.now()
        self.weights = figures.weights()
        self._rows: list[UnitRow] | None = None
        self._total: UnitRow | None = None

    @staticmethod
    def is_available_to(user: User | Any) -> bool:
        return may_assess(user)

    @classmethod
    def from_counts(
        cls, period: Period, groups: dict[Any, Counts], *, as_of: dt.datetime
    ) -> AssessmentReport:
        """A report over counts already grouped by unit (the dashboards reuse theirs)."""
        report = cls(period, as_of=as_of)
        report._build(groups)
        return report

    def _build(self, groups: dict[Any, Counts]) -> None:
        names = dict(Unit.objects.filter(pk__in=[k[0] for k in groups if k[0]]).values_list("id", "name"))
        order = dict(Unit.objects.filter(pk__in=list(names)).values_list("id", "sort_order"))
        total = Counts()
        rows = []
        for (unit_id,), c in groups.items():
            total.add(c)
            if unit_id is None or not c.received:
                continue  # not yet dispatched: in the school total only
            rows.append(self._row(unit_id, names.get(unit_id, str(unit_id)), c))
        for row, place in zip(rows, figures.ranks([r.score for r in rows]), strict=True):
            row.rank = place
        rows.sort(key=lambda r: (r.rank is None, r.rank or 0, order.get(r.unit_id or 0, 0), r.unit_name))
        self._rows = rows
        self._total = self._row(None, _("Whole school"), total)

    def _row(self, unit_id: int | None, name: str, c: Counts) -> UnitRow:
        rates = rates_of(c)
        return UnitRow(unit_id, name, c, rates, figures.score(rates, self.weights))

    def rows(self) -> list[UnitRow]:
        if self._rows is None:
            self._build(selectors.counts(self.period, ("unit",), as_of=self.as_of))
        assert self._rows is not None  # noqa: S101 - set by _build
        return self._rows

    def total(self) -> UnitRow:
        self.rows()
        assert self._total is not None  # noqa: S101 - set by _build
        return self._total

    def as_json(self) -> list[dict[str, Any]]:
        return [row.as_json() for row in self.rows()]

    def write_xlsx(self, target: Any) -> None:
        from jiesu.supervision.export import write_assessment

        write_assessment(self, target)
