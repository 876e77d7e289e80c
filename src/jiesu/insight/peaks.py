"""Seasonal peaks (R9.4), the reads: who sees which units, the coming peaks of the next 4 weeks with their plans,
and the year's chart. Everything reads the newest stored computation (``insight.seasonal``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jiesu.insight.models import ContingencyPlan, SeasonalModel, SeasonalTopic
from jiesu.insight.permissions import may_see_insight
from jiesu.insight.seasonal import AHEAD_WEEKS, WEEKS, academic_year, week_of, week_span
from jiesu.org.models import Role, Unit, User
from jiesu.org.selectors import roles_for, unit_heads

CHART_TOPICS = 3  # topics drawn in the year's chart (the ones with the highest peaks)
PLANNING_ROLES = (Role.UNIT_HEAD, Role.INFO_OFFICER)


# --- Who sees what -------------------------------------------------------------------------------------------


def planning_unit_ids(user: User) -> frozenset[int]:
    """The units whose peaks this person sees and plans for: their own as unit head or information officer."""
    return roles_for(user).unit_ids(*PLANNING_ROLES)


def may_see_seasonal(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return may_see_insight(user) or bool(planning_unit_ids(user))


def visible_units(user: User) -> QuerySet[Unit]:
    """All active units for the Office; a unit head or information officer their own."""
    units = Unit.objects.filter(is_active=True).order_by("name")
    return units if may_see_insight(user) else units.filter(pk__in=planning_unit_ids(user))


def may_plan_for(user: User, unit_id: int) -> bool:
    return may_see_insight(user) or unit_id in planning_unit_ids(user)


# --- The coming peaks ----------------------------------------------------------------------------------------

Week = tuple[int, int]  # (academic year, week)


def _step(week: Week, by: int) -> Week:
    year, n = week
    n += by
    if n < 1:
        return year - 1, WEEKS
    if n > WEEKS:
        return year + 1, 1
    return year, n


def horizon(today: dt.date) -> list[Week]:
    """The current week and the 4 after it."""
    first: Week = (academic_year(today), week_of(today))
    weeks = [first]
    for _i in range(AHEAD_WEEKS):
        weeks.append(_step(weeks[-1], 1))
    return weeks


def _run(week: Week, peaks: set[int]) -> list[Week]:
    """The consecutive peak weeks around ``week`` (itself a peak week)."""
    start = week
    while _step(start, -1)[1] in peaks and len(peaks) < WEEKS:
        start = _step(start, -1)
    run = [start]
    while _step(run[-1], 1)[1] in peaks and len(run) < WEEKS:
        run.append(_step(run[-1], 1))
    return run


@dataclass
class Peak:
    topic: SeasonalTopic
    weeks: list[Week]
    start: dt.date
    end: dt.date
    expected: float  # in the busiest week
    past: list[tuple[str, int, bool]]  # (academic year, requests in these weeks, only some weeks observed)
    plan: ContingencyPlan | None = None
    in_days: int = 0
    week_numbers: list[int] = field(default_factory=list)

    @property
    def unit(self) -> Unit:
        return self.topic.unit

    @property
    def ratio(self) -> float:
        return round(self.expected / self.topic.normal, 1) if self.topic.normal else 0.0

    @property
    def under_way(self) -> bool:
        return self.in_days <= 0


def _peak(topic: SeasonalTopic, run: list[Week], today: dt.date) -> Peak:
    start = week_span(*run[0])[0]
    end = week_span(*run[-1])[1]
    numbers = [w for _y, w in run]
    past = []
    for year, counts in sorted(topic.actual.items()):
        seen = [counts[w - 1] for w in numbers if counts[w - 1] is not None]
        if seen and int(year) < run[0][0]:
            past.append((f"{year}–{int(year) + 1}", sum(seen), len(seen) < len(numbers)))
    return Peak(
        topic=topic,
        weeks=run,
        start=start,
        end=end,
        expected=round(max(topic.expected[w - 1] for w in numbers), 1),
        past=past,
        in_days=(start - today).days,
        week_numbers=numbers,
    )


def upcoming(model: SeasonalModel | None, unit_ids: Iterable[int] | None, today: dt.date) -> list[Peak]:
    """The peaks of these units (all when ``None``) that fall in the current week or the 4 after it, the
    soonest first, each with its contingency plan if one was recorded (two queries)."""
    if model is None:
        return []
    topics = SeasonalTopic.objects.filter(model=model).select_related("unit")
    if unit_ids is not None:
        topics = topics.filter(unit_id__in=list(unit_ids))
    ahead = horizon(today)
    found: dict[tuple[int, str, dt.date], Peak] = {}
    for topic in topics:
        peaks = set(topic.peaks)
        for week in ahead:
            if week[1] in peaks:
                peak = _peak(topic, _run(week, peaks), today)
                found.setdefault((topic.unit_id, topic.label, peak.start), peak)
    if found:
        plans = ContingencyPlan.objects.filter(
            unit_id__in={k[0] for k in found}, peak_start__in={k[2] for k in found}
        ).select_related("owner")
        for plan in plans:
            match = found.get((plan.unit_id, plan.topic, plan.peak_start))
            if match is not None:
                match.plan = plan
    return sorted(found.values(), key=lambda p: (p.start, p.unit.name, -p.expected))


def peak_for(model: SeasonalModel | None, topic_id: int, start: dt.date, today: dt.date) -> Peak | None:
    """The coming peak of one stored topic that starts on ``start`` (what a plan is recorded for)."""
    topic = SeasonalTopic.objects.filter(model=model, pk=topic_id).select_related("unit").first()
    if topic is None:
        return None
    for peak in upcoming(model, [topic.unit_id], today):
        if peak.topic.pk == topic.pk and peak.start == start:
            return peak
    return None


# --- The year's chart ----------------------------------------------------------------------------------------


def _week_label(day: dt.date) -> str:
    return _("%(month)d/%(day)d") % {"month": day.month, "day": day.day}


def year_chart(
    model: SeasonalModel | None, unit_id: int, today: dt.date
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The unit's topics with the highest peaks: expected requests per week of the coming academic year (the
    one under way), weeks labelled with their first day; also as rows for the table view."""
    year = academic_year(today)
    starts = [week_span(year, w)[0] for w in range(1, WEEKS + 1)]
    topics: list[SeasonalTopic] = []
    if model is not None:
        rows = SeasonalTopic.objects.filter(model=model, unit_id=unit_id).only("label", "expected", "peaks")
        topics = sorted((t for t in rows if t.peaks), key=lambda t: -max(t.expected))[:CHART_TOPICS]
    series = [{"name": t.label, "data": t.expected} for t in topics]
    table = [
        {
            "week": w,
            "day": starts[w - 1],
            "values": [t.expected[w - 1] for t in topics],
            "now": w == week_of(today),
        }
        for w in range(1, WEEKS + 1)
    ]
    chart = {
        "title": _("Expected requests per week of the academic year"),
        "yname": _("Requests"),
        "xname": _("Week starting"),
        "categories": [_week_label(d) for d in starts],
        "series": series,
        "current": week_of(today) - 1,
        "current_label": _("This week"),
    }
    return chart, table


def unit_heads_of(unit_id: int) -> User | None:
    """The unit's head, proposed as the owner of its plans."""
    return unit_heads([unit_id]).get(unit_id)
