"""Semesters (shared by the symposium rhythm R2.4 and the insight analyses R9.2, R9.4): pure date arithmetic.

The spring semester runs 20 February – 10 July, the autumn one 1 September – 15 January of the next year; mid-
semester is the day halfway. Between semesters (summer and winter breaks) the coming semester counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

SPRING = ((2, 20), (7, 10))
AUTUMN = ((9, 1), (1, 15))


@dataclass(frozen=True)
class Semester:
    year: int  # the calendar year the semester starts in
    term: str  # "spring" or "autumn"

    @property
    def key(self) -> str:
        return f"{self.year}-{self.term}"

    @property
    def first_day(self) -> dt.date:
        month, day = (SPRING if self.term == "spring" else AUTUMN)[0]
        return dt.date(self.year, month, day)

    @property
    def last_day(self) -> dt.date:
        month, day = (SPRING if self.term == "spring" else AUTUMN)[1]
        return dt.date(self.year + (1 if self.term == "autumn" else 0), month, day)

    @property
    def middle(self) -> dt.date:
        return self.first_day + (self.last_day - self.first_day) / 2

    @property
    def label(self) -> str:
        if self.term == "spring":
            return _("Spring semester %(year)d") % {"year": self.year}
        return _("Autumn semester %(year)d") % {"year": self.year}


def semester_of(day: dt.date) -> Semester:
    """The semester a day belongs to; a day of a break belongs to the semester that follows it."""
    if day.month == 1 and day <= Semester(day.year - 1, "autumn").last_day:
        return Semester(day.year - 1, "autumn")
    if day <= Semester(day.year, "spring").last_day:
        return Semester(day.year, "spring")
    if day.month >= 7:  # after the spring semester: the summer break and the autumn semester
        return Semester(day.year, "autumn")
    return Semester(day.year, "spring")  # pragma: no cover - every day is covered above
