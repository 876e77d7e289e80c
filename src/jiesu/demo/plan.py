"""What the demo requests are: when they arrive, through which channel, about what, from whom (pure, seeded).

Arrivals follow a university's week: fewer on weekends and holidays, hotlines and walk-ins only in their
service hours (rules §11), the duty room busiest in the evening and at night, web submissions peaking in the
morning, the afternoon and late evening. Both the service-path generator and the bulk loader use these plans.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass, replace

from jiesu.demo import phrases, seasons
from jiesu.demo.corpus import UNIT_WEIGHTS, templates_for
from jiesu.demo.people import PersonSpec
from jiesu.demo.render import request_text
from jiesu.tickets.models import Channel
from jiesu.workcalendar.clocks import SHANGHAI
from jiesu.workcalendar.core import WorkCalendar

WORKDAY_CHANNELS = (
    (Channel.WEB, 34),
    (Channel.HOTLINE, 20),
    (Channel.WALK_IN, 7),
    (Channel.DUTY_ROOM, 12),
    (Channel.MAILBOX, 9),
    (Channel.REFERRAL, 6),
    (Channel.RECEPTION_DAY, 3),
    (Channel.SYMPOSIUM, 4),
    (Channel.PETITION, 3),
)
OFFDAY_CHANNELS = ((Channel.WEB, 50), (Channel.HOTLINE, 6), (Channel.DUTY_ROOM, 30), (Channel.MAILBOX, 14))
ALL_DAY_HOTLINES = frozenset({"security", "library"})  # §11: 工作日及节假日
# A working school has a few units that are often late (short-staffed, many outside contractors): their requests
# are more often handled slowly or neglected at a step, so the unit rankings have a tail a leader would recognise.
LATE_UNITS = frozenset({"assets", "hr"})
LATE_PROFILES = (("prompt", 52), ("slow", 30), ("neglect", 15), ("stuck", 3))
_WEB_HOURS = [1, 1, 0, 0, 0, 0, 1, 2, 6, 9, 9, 7, 4, 5, 8, 8, 7, 5, 4, 5, 7, 8, 6, 3]
_DUTY_HOURS = [3, 2, 2, 1, 1, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 6, 7, 8, 8, 7, 5]
_OFFICE_HOURS = [0] * 8 + [3, 6, 6, 4, 1, 2, 5, 5, 4, 1] + [0] * 6
_DIRECT_HOURS = [0] * 8 + [6, 9, 8, 6, 2, 4, 8, 8, 6, 0] + [0] * 6
_HOUR_PAIRS = {
    id(t): tuple((str(h), w) for h, w in enumerate(t))
    for t in (_WEB_HOURS, _DUTY_HOURS, _OFFICE_HOURS, _DIRECT_HOURS)
}


@dataclass(frozen=True)
class Plan:
    """One demo request as received (its handling is decided when it is played)."""

    index: int
    received_at: dt.datetime
    channel: str
    unit_code: str  # the unit whose remit the text fits: the right lead unit
    campus_code: str
    requester: int  # index into the requester pool
    kind_letter: str
    anonymous: bool
    type: str
    subject: str
    content: str
    answer: str  # the unit's answer once handled (formal reply)
    urgent_reason: str = ""
    source_name: str = ""
    source_reference: str = ""
    repeat_of: int | None = None  # index of the plan this one repeats (R6.1)


_CUMULATIVE: dict[tuple[tuple[str, int], ...], tuple[list[str], list[int]]] = {}


def weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...] | list[tuple[str, int]]) -> str:
    """One of ``pairs``' names, drawn by their weights (cumulative weights cached: the bulk path draws millions)."""
    key = tuple(pairs)
    table = _CUMULATIVE.get(key)
    if table is None:
        table = _CUMULATIVE[key] = ([p[0] for p in key], list(itertools.accumulate(p[1] for p in key)))
    return rng.choices(table[0], cum_weights=table[1])[0]


def hour(rng: random.Random, channel: str, unit_code: str) -> int:
    """An hour of the day for a request of this channel (see the hour tables)."""
    return int(weighted(rng, _HOUR_PAIRS[id(hour_table(channel, unit_code))]))


def _day(rng: random.Random, first: dt.date, days: int, calendar: WorkCalendar) -> dt.date:
    return first + dt.timedelta(rng.choices(range(days), weights=day_weights(first, days, calendar))[0])


def day_weights(first: dt.date, days: int, calendar: WorkCalendar) -> list[float]:
    """How busy each day is: weekends and holidays at 45 %, the breaks quiet, a semester's start busy."""
    return [
        (1.0 if calendar.is_working_day(day) else 0.45) * seasons.volume(day)
        for day in (first + dt.timedelta(d) for d in range(days))
    ]


def hour_table(channel: str, unit_code: str) -> list[int]:
    if channel == Channel.WEB or channel == Channel.MAILBOX:
        return _WEB_HOURS
    if channel == Channel.DUTY_ROOM or (channel == Channel.HOTLINE and unit_code == "security"):
        return _DUTY_HOURS
    if channel in (Channel.HOTLINE, Channel.WALK_IN):
        return _DIRECT_HOURS
    return _OFFICE_HOURS


def pick_unit(rng: random.Random, channel: str, working: bool, hotline_units: frozenset[str]) -> str:
    units = [(c, w) for c, w in UNIT_WEIGHTS.items()]
    if channel == Channel.HOTLINE:
        units = [(c, w) for c, w in units if c in hotline_units and (working or c in ALL_DAY_HOTLINES)]
    return weighted(rng, units)


class Planner:
    """Draws the requests of one run from its seed: the same seed and ``now`` give the same plans."""

    def __init__(
        self,
        *,
        rng: random.Random,
        calendar: WorkCalendar,
        pool: list[PersonSpec],
        hotline_units: frozenset[str],
        unit_names: dict[str, str],
    ) -> None:
        self.rng, self.calendar, self.pool = rng, calendar, pool
        self.hotline_units, self.unit_names = hotline_units, unit_names
        self.by_letter: dict[str, list[int]] = {}
        for i, spec in enumerate(pool):
            self.by_letter.setdefault(kind_letter(spec.kind), []).append(i)

    def plans(self, count: int, *, days: int, now: dt.datetime) -> list[Plan]:
        """``count`` requests received over the ``days`` days up to ``now``, in order of receipt."""
        local_now = now.astimezone(SHANGHAI)
        first = local_now.date() - dt.timedelta(days=days - 1)
        drawn = sorted(
            (self._one(i, first, days, local_now) for i in range(count)), key=lambda p: p.received_at
        )
        drawn = [replace(p, index=i) for i, p in enumerate(drawn)]
        return self._repeats(drawn)

    def _one(self, index: int, first: dt.date, days: int, now: dt.datetime) -> Plan:
        rng = self.rng
        day = _day(rng, first, days, self.calendar)
        working = self.calendar.is_working_day(day)
        channel = weighted(rng, WORKDAY_CHANNELS if working else OFFDAY_CHANNELS)
        unit = pick_unit(rng, channel, working, self.hotline_units)
        received = None
        for _try in range(8):
            received = dt.datetime.combine(
                day, dt.time(hour(rng, channel, unit), rng.randint(0, 59)), tzinfo=SHANGHAI
            )
            if received < now - dt.timedelta(minutes=5):
                break
        assert received is not None  # noqa: S101 - the loop runs at least once
        if received >= now - dt.timedelta(minutes=5):
            received = now - dt.timedelta(minutes=rng.randint(5, 180))
        return self._request(index, received, channel, unit)

    def _request(self, index: int, received: dt.datetime, channel: str, unit: str) -> Plan:
        rng = self.rng
        template = seasons.pick_template(rng, templates_for(unit), received.astimezone(SHANGHAI).month)
        letters = [c for c in template[1] if channel != Channel.WEB or c != "e"] or ["s"]
        if channel == Channel.REFERRAL and "e" in template[1]:
            letters = ["e"]
        letter = rng.choice(letters)
        candidates = self.by_letter.get(letter) or self.by_letter.get("s") or list(range(len(self.pool)))
        requester = rng.choice(candidates)
        spec = self.pool[requester]
        campus = spec.campus_code
        text = request_text(rng, template, unit_name=self.unit_names[unit], kind_letter=letter, campus=campus)
        urgent = ""
        # R1.5: urgency is set by whoever receives the request, so never on a web submission.
        receiver = channel != Channel.WEB
        if text.type == "help" and unit in phrases.URGENT_REASONS and rng.random() < 0.06 and receiver:
            urgent = phrases.URGENT_REASONS[unit]
        source_name = source_reference = ""
        if channel == Channel.REFERRAL:
            source_name, pattern = rng.choice(phrases.REFERRAL_SOURCES)
            source_reference = pattern.format(
                day=f"{received:%Y%m%d}", year=received.year, n=rng.randint(10, 999)
            )
        anonymous = channel == Channel.MAILBOX and rng.random() < 0.3
        return Plan(
            index=index,
            received_at=received,
            channel=channel,
            unit_code=unit,
            campus_code=campus,
            requester=requester,
            kind_letter=letter,
            anonymous=anonymous,
            type=text.type,
            subject=text.subject,
            content=text.content,
            answer=text.answer,
            urgent_reason=urgent,
            source_name=source_name,
            source_reference=source_reference,
        )

    def _repeats(self, plans: list[Plan]) -> list[Plan]:
        """R6.1: a few web requests repeat an earlier request of the same person, days later, no new facts."""
        result: list[Plan] = []
        for plan in plans:
            if plan.channel == Channel.WEB and result and self.rng.random() < 0.05:
                earlier = [p for p in result[-200:] if _repeatable(p, plan.received_at)]
                if earlier:
                    original = self.rng.choice(earlier)
                    when = f"{original.received_at.month}月{original.received_at.day}日"
                    plan = replace(
                        plan,
                        unit_code=original.unit_code,
                        campus_code=original.campus_code,
                        requester=original.requester,
                        kind_letter=original.kind_letter,
                        type="complaint",
                        subject=f"再次反映：{original.subject}"[:120],
                        repeat_of=original.index,
                        content=phrases.REPEAT_CONTENT.format(subject=original.subject, when=when),
                    )
            result.append(plan)
        return result


def _repeatable(original: Plan, at: dt.datetime) -> bool:
    age = at - original.received_at
    return (
        not original.anonymous
        and original.repeat_of is None
        and original.kind_letter != "e"
        and dt.timedelta(days=2) <= age <= dt.timedelta(days=40)
    )


def kind_letter(kind: str) -> str:
    return {"student": "s", "faculty": "f", "staff": "t", "retiree": "r", "external": "e"}[kind]
