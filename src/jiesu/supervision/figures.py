"""The assessment's vocabulary (R8.6, Art. 16): the period, the closure statuses counted apart, the weights and
the pure arithmetic of rates, scores and ranks. No database here: ``selectors`` feeds it the counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

SHANGHAI = ZoneInfo("Asia/Shanghai")

# R6.2 / R7.3: closures counted apart from resolved and unsatisfied. ``tickets.states.Status`` gains these two
# values in another branch; referring to them by value keeps this module working before and after they exist.
CLOSED_EXPLAINED = "closed_explained"
CLOSED_UNREACHABLE = "closed_unreachable"

# R8.6 defaults: no official weights are published, so they are settings.
DEFAULT_WEIGHTS: dict[str, float] = {"response": 0.1, "resolution": 0.5, "satisfaction": 0.4}
DEFAULT_BASIC_WEIGHT = 1.0  # w in (satisfied + w × basically satisfied) / rated
MAX_DAYS = 10 * 366  # a period longer than ten years is a typing mistake, not an assessment


class PeriodError(ValueError):
    """A period that cannot be assessed (bad date, reversed, too long); the message is for people."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Period:
    """Tickets received from ``first`` to ``last`` inclusive, Asia/Shanghai dates."""

    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise PeriodError(_("The start date is after the end date."), field="to")
        if (self.last - self.first).days >= MAX_DAYS:
            raise PeriodError(_("Choose a period of at most ten years."), field="from")

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time(), tzinfo=SHANGHAI)

    @property
    def end(self) -> dt.datetime:
        """The first instant after the period (exclusive bound)."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), tzinfo=SHANGHAI)

    @classmethod
    def parse(cls, first: str, last: str) -> Period:
        """From two ISO dates (YYYY-MM-DD); PeriodError with a clear message otherwise."""
        return cls(_date(first, "from"), _date(last, "to"))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = dt.date(year, month, 1)
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return cls(first, following - dt.timedelta(days=1))

    def as_query(self) -> str:
        return f"from={self.first.isoformat()}&to={self.last.isoformat()}"


def _date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise PeriodError(_("Enter a date as YYYY-MM-DD."), field=field) from None


def weights() -> dict[str, float]:
    """``JIESU_ASSESSMENT_WEIGHTS`` over the defaults (R8.6)."""
    configured: Mapping[str, float] = getattr(settings, "JIESU_ASSESSMENT_WEIGHTS", {}) or {}
    return {key: float(configured.get(key, default)) for key, default in DEFAULT_WEIGHTS.items()}


def basic_weight() -> float:
    """``JIESU_ASSESSMENT_BASIC_WEIGHT``: how much a "basically satisfied" counts (R8.6, default 1.0)."""
    return float(getattr(settings, "JIESU_ASSESSMENT_BASIC_WEIGHT", DEFAULT_BASIC_WEIGHT))


def rate(numerator: float, denominator: int) -> float | None:
    """A fraction 0–1, or None when there is nothing to rate."""
    return numerator / denominator if denominator else None


def score(rates: Mapping[str, float | None], weights: Mapping[str, float]) -> float | None:
    """The weighted score in points (0–100). A rate with nothing to rate is left out and the other weights
    carry the score in proportion (a unit is not punished or rewarded for an empty denominator); None when no
    weighted rate exists."""
    present = {key: w for key, w in weights.items() if w > 0 and rates.get(key) is not None}
    total = sum(present.values())
    if not total:
        return None
    return round(100 * sum(w * float(rates[key] or 0) for key, w in present.items()) / total, 2)


def ranks(scores: Sequence[float | None]) -> list[int | None]:
    """Competition ranking (1, 2, 2, 4) by score, highest first; no score, no rank."""
    ordered = sorted((s for s in scores if s is not None), reverse=True)
    first_place: dict[float, int] = {}
    for place, value in enumerate(ordered, start=1):
        first_place.setdefault(value, place)
    return [first_place[s] if s is not None else None for s in scores]
