"""The working-day calendar as a pure, in-memory object (R5).

``WorkCalendar`` knows, for any date, whether it is a working day, and counts working days with a binary
search over a per-year array of working-day ordinals — no query and no loop per day. It is built once from
explicit day entries (package data, imports, overrides: see ``sources.compose_calendar``) and the set of
years whose arrangement is official; any other year falls back to the statutory days (R5.3).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from jiesu.workcalendar.statutory import statutory_holidays

FallbackDays = Callable[[int], Iterable[tuple[dt.date, str]]]


class DayKind(StrEnum):
    """How a date shows on the calendar."""

    WORKDAY = "workday"  # a Monday–Friday working day
    WEEKEND = "weekend"  # a Saturday or Sunday off
    HOLIDAY = "holiday"  # a named day off (法定节假日 or 调休 day off), or a weekday made non-working
    MAKEUP = "makeup"  # a Saturday or Sunday worked (调休上班)


class Source(StrEnum):
    """Where a date's status comes from, by increasing precedence."""

    WEEK = "week"  # the plain Monday–Friday rule
    STATUTORY = "statutory"  # R5.3 fallback
    PACKAGE = "package"  # R5.1 chinese-calendar data
    IMPORT = "import"  # R5.2 an imported official arrangement
    OVERRIDE = "override"  # R5.2 an admin's single-date override


@dataclass(frozen=True, slots=True)
class DaySpec:
    """An explicit entry for one date."""

    working: bool
    name: str = ""
    source: Source = Source.OVERRIDE
    note: str = ""


@dataclass(frozen=True, slots=True)
class DayInfo:
    """Everything the calendar knows about one date, for display."""

    day: dt.date
    working: bool
    kind: DayKind
    name: str
    source: Source
    note: str
    official: bool


@dataclass(frozen=True, slots=True)
class _YearTable:
    first_ordinal: int
    flags: bytes  # one byte per day of the year: 1 = working day
    working: list[int]  # sorted ordinals of the working days


def day_kind(day: dt.date, *, working: bool, named: bool) -> DayKind:
    weekend = day.weekday() >= 5
    if working:
        return DayKind.MAKEUP if weekend else DayKind.WORKDAY
    return DayKind.HOLIDAY if named or not weekend else DayKind.WEEKEND


class WorkCalendar:
    """Working days for any year: explicit entries first, then official years or the statutory fallback.

    Instances are immutable in behaviour; year tables are built lazily on first use and memoised, which is
    safe to share between threads (a race only builds the same table twice).
    """

    def __init__(
        self,
        *,
        days: Mapping[dt.date, DaySpec] | None = None,
        official_years: Iterable[int] = (),
        fallback: FallbackDays = statutory_holidays,
    ) -> None:
        self._official_years = frozenset(official_years)
        self._fallback = fallback
        self._days_by_year: dict[int, dict[dt.date, DaySpec]] = {}
        for day, spec in (days or {}).items():
            self._days_by_year.setdefault(day.year, {})[day] = spec
        self._tables: dict[int, _YearTable] = {}

    @classmethod
    def from_sets(
        cls,
        *,
        non_working: Iterable[dt.date] = (),
        working: Iterable[dt.date] = (),
        official_years: Iterable[int] = (),
        fallback: FallbackDays = statutory_holidays,
    ) -> WorkCalendar:
        """Build from plain sets of non-working and working dates (they must not overlap)."""
        non_working, working = set(non_working), set(working)
        if clash := non_working & working:
            raise ValueError(f"dates both working and non-working: {sorted(clash)}")
        days = {d: DaySpec(working=False) for d in non_working} | {d: DaySpec(working=True) for d in working}
        return cls(days=days, official_years=official_years, fallback=fallback)

    # --- years -------------------------------------------------------------------------------------

    @property
    def official_years(self) -> frozenset[int]:
        return self._official_years

    def is_official_year(self, year: int) -> bool:
        """R5.3: False when ``year`` runs on the statutory fallback (its deadlines are provisional)."""
        return year in self._official_years

    def is_provisional(self, first: dt.date, last: dt.date) -> bool:
        """True when any year from ``first`` to ``last`` (inclusive) has no official data."""
        official = self._official_years
        if first.year == last.year:
            return first.year not in official
        return any(year not in official for year in range(first.year, last.year + 1))

    # --- days --------------------------------------------------------------------------------------

    def _specs(self, year: int) -> dict[dt.date, DaySpec]:
        """Explicit entries of ``year``, with the statutory fallback underneath when it is not official."""
        explicit = self._days_by_year.get(year, {})
        if year in self._official_years:
            return explicit
        fallback = {d: DaySpec(False, name, Source.STATUTORY) for d, name in self._fallback(year)}
        return fallback | explicit

    def _table(self, year: int) -> _YearTable:
        table = self._tables.get(year)
        if table is not None:
            return table
        specs = self._specs(year)
        first = dt.date(year, 1, 1).toordinal()
        last = dt.date(year, 12, 31).toordinal()
        flags = bytearray(last - first + 1)
        weekday = dt.date(year, 1, 1).weekday()
        for i in range(len(flags)):
            flags[i] = (weekday + i) % 7 < 5
        for day, spec in specs.items():
            flags[day.toordinal() - first] = spec.working
        working = [first + i for i, flag in enumerate(flags) if flag]
        table = _YearTable(first, bytes(flags), working)
        self._tables[year] = table
        return table

    def is_working_day(self, day: dt.date) -> bool:
        """True when ``day`` is a working day (R5)."""
        table = self._tables.get(day.year) or self._table(day.year)
        return table.flags[day.toordinal() - table.first_ordinal] == 1

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day strictly after ``day`` (民法典 Art. 201: the start day is not counted).

        ``n == 0`` returns ``day`` itself. Cost: one bisect per calendar year crossed.
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        if n == 0:
            return day
        year = day.year
        table = self._tables.get(year) or self._table(year)
        index = bisect_right(table.working, day.toordinal())
        while True:
            remaining = len(table.working) - index
            if n <= remaining:
                return dt.date.fromordinal(table.working[index + n - 1])
            n -= remaining
            year += 1
            table = self._tables.get(year) or self._table(year)
            index = 0

    def describe(self, day: dt.date) -> DayInfo:
        """What the calendar says about ``day`` and why."""
        spec = self._specs(day.year).get(day)
        working = self.is_working_day(day)
        name = spec.name if spec else ""
        return DayInfo(
            day=day,
            working=working,
            kind=day_kind(day, working=working, named=bool(name)),
            name=name,
            source=spec.source if spec else Source.WEEK,
            note=spec.note if spec else "",
            official=self.is_official_year(day.year),
        )

    def year_days(self, year: int) -> list[DayInfo]:
        """Every date of ``year`` described, in order."""
        specs = self._specs(year)
        official = self.is_official_year(year)
        table = self._table(year)
        result = []
        for i, flag in enumerate(table.flags):
            day = dt.date.fromordinal(table.first_ordinal + i)
            spec = specs.get(day)
            name = spec.name if spec else ""
            result.append(
                DayInfo(
                    day=day,
                    working=bool(flag),
                    kind=day_kind(day, working=bool(flag), named=bool(name)),
                    name=name,
                    source=spec.source if spec else Source.WEEK,
                    note=spec.note if spec else "",
                    official=official,
                )
            )
        return result
