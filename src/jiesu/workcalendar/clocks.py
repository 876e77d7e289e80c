"""The clocks of rules §4 as pure functions over aware datetimes and an in-memory ``WorkCalendar``.

Times are Asia/Shanghai. "End of day D" is D+1 00:00. "Within N working days after X" follows 民法典
第二百零一条: the start day is not counted, and the due instant is the end of the N-th working day strictly
after X's date. Only the working-day clocks (R4.2, R4.4) depend on the calendar, so only they can be
provisional (R5.3).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jiesu.workcalendar.core import WorkCalendar
from jiesu.workcalendar.rules import ClockRules, clock_rules

SHANGHAI = ZoneInfo("Asia/Shanghai")
_ONE_DAY = dt.timedelta(days=1)


class Clock(StrEnum):
    RESPONSE = "response"  # R4.1
    REPLY = "reply"  # R4.2
    COHANDLING = "cohandling"  # R4.4
    DISPATCH = "dispatch"  # R4.5
    FOLLOWUP = "followup"  # R4.6
    MAILBOX = "mailbox"  # R4.7


class ReplyLevel(models.TextChoices):
    """R4.2: how far up a ticket must be studied before the reply."""

    DIRECT = "direct", _("Direct handling")
    DEPARTMENT = "department", _("Needs study by the unit")
    SCHOOL = "school", _("Needs study at university level")


@dataclass(frozen=True, slots=True)
class Deadline:
    """A clock's due instant, whether it rests on fallback calendar data, and the rule that produced it.

    ``rule_text`` is rendered on access, in the active language, from the rule's key and its configured
    numbers: computing a million deadlines must not cost a million translations.
    """

    due: dt.datetime  # aware, Asia/Shanghai
    provisional: bool
    rule_id: str
    rule_key: str
    rule_params: tuple[tuple[str, object], ...] = ()

    @property
    def rule_text(self) -> str:
        """The rule in words a unit head understands, e.g. "直接办理：受理后1个工作日内正式回复（受理当日不计）"."""
        return _text(self.rule_key, get_language(), self.rule_params)

    def as_dict(self) -> dict[str, object]:
        """The CLI's JSON shape. ``jiesu deadline`` is a developer's and auditor's tool: its rule keeps the rule's
        id in front of the words (pages and messages show the words alone)."""
        rule = f"{self.rule_id} {self.rule_text}" if self.rule_id else self.rule_text
        return {"due": self.due.isoformat(), "provisional": self.provisional, "rule": rule}


PROVISIONAL_TEXT = _(
    "Provisional: the State Council's holiday arrangement for this year has not been imported yet; "
    "the deadline is computed from the statutory holidays and recomputed automatically after the "
    "import"
)

# "Receipt" in these texts is 受理 (R4.0): the instant the lead unit has the ticket — the receipt itself on a
# direct channel, the dispatch to the unit on an Office-dispatched one. The Chinese texts say 受理.
_TEXTS = {
    "response": _(
        "Response: respond within %(hours)s hour(s) of receipt (around the clock, holidays included)"
    ),
    "response_night": _(
        "Response: a request received at night (%(start)s to %(end)s the next day) is answered "
        "by %(due)s on the day the night ends"
    ),
    "response_urgent": _("Urgent request: respond within %(minutes)s minute(s) of receipt (day or night)"),
    "reply_direct": _(
        "Direct: formal reply within %(days)s working day(s) after receipt (the day of receipt not counted)"
    ),
    "reply_department": _(
        "Needs study by the unit: initial reply within %(days)s working day(s) after receipt, "
        "stating the planned date of the formal reply (the day of receipt not counted)"
    ),
    "reply_school": _(
        "Needs study at university level: initial reply with a proposed solution within %(days)s"
        " working day(s) after receipt, put on the agenda of the president's office meeting (the day "
        "of receipt not counted)"
    ),
    "cohandling": _(
        "Co-handling: written answer within %(days)s working day(s) after the co-handling "
        "request (the day of the request not counted)"
    ),
    "dispatch_same_day": _("Dispatch: dispatch before 24:00 on the day of receipt (cleared the same day)"),
    "dispatch": _("Dispatch: dispatch before 24:00 on day %(days)s after receipt"),
    "followup": _("Follow-up: follow-up call within %(hours)s hour(s) after the formal reply is sent"),
    "mailbox_same_day": _("Mailbox: read and route a letter before 24:00 on the day it arrives (read daily)"),
    "mailbox_next_day": _(
        "Mailbox: read and route a letter before 24:00 on the day after it arrives (read daily)"
    ),
    "mailbox": _("Mailbox: read and route a letter before 24:00 on day %(days)s after it arrives"),
}


@lru_cache(maxsize=1024)
def _text(key: str, language: str | None, params: tuple[tuple[str, object], ...]) -> str:
    template = str(_TEXTS[key])
    return template % dict(params) if params else template


def _local(instant: dt.datetime) -> dt.datetime:
    if instant.tzinfo is SHANGHAI:
        return instant
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("clock arithmetic needs an aware datetime")
    return instant.astimezone(SHANGHAI)


@lru_cache(maxsize=8192)  # a few thousand distinct days cover years of deadlines; saves the hot path
def end_of_day(day: dt.date) -> dt.datetime:
    """ "End of day D" is D+1 00:00 Asia/Shanghai."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI) + _ONE_DAY


def _hhmm(value: dt.time) -> str:
    return value.strftime("%H:%M")


def _in_night(moment: dt.time, start: dt.time, end: dt.time) -> bool:
    if start > end:  # the usual case: the window wraps midnight
        return moment >= start or moment < end
    return start <= moment < end


def response_due(
    received_at: dt.datetime, *, urgent: bool = False, rules: ClockRules | None = None
) -> Deadline:
    """R4.1: received + 2 h; in the night window [22:00, 08:00) 10:00 of the morning that ends it;
    urgent: received + 30 min at any hour. Every calendar day counts (全时受理)."""
    r = rules or clock_rules()
    local = _local(received_at)
    if urgent:
        due = local + dt.timedelta(minutes=r.RESPONSE_URGENT_MINUTES)
        return Deadline(due, False, "R4.1", "response_urgent", (("minutes", r.RESPONSE_URGENT_MINUTES),))
    start, end = r.RESPONSE_NIGHT_START, r.RESPONSE_NIGHT_END
    if _in_night(local.time(), start, end):
        # R4.1: the 22:00 clause — the window ends at the next `end` at or after the receipt.
        morning = local.date() if local.time() < end else local.date() + _ONE_DAY
        due = dt.datetime.combine(morning, r.RESPONSE_NIGHT_DUE, tzinfo=SHANGHAI)
        params = (("start", _hhmm(start)), ("end", _hhmm(end)), ("due", _hhmm(r.RESPONSE_NIGHT_DUE)))
        return Deadline(due, False, "R4.1", "response_night", params)
    due = local + dt.timedelta(hours=r.RESPONSE_HOURS)
    return Deadline(due, False, "R4.1", "response", (("hours", r.RESPONSE_HOURS),))


# R4.2: level → (the ClockRules field with its working days, the rule text's key).
_LEVELS = {
    ReplyLevel.DIRECT.value: ("REPLY_DIRECT_DAYS", "reply_direct"),
    ReplyLevel.DEPARTMENT.value: ("REPLY_DEPARTMENT_DAYS", "reply_department"),
    ReplyLevel.SCHOOL.value: ("REPLY_SCHOOL_DAYS", "reply_school"),
}


def _level(level: ReplyLevel | str) -> tuple[str, str]:
    try:
        return _LEVELS[level]
    except KeyError:
        raise ValueError(f"unknown reply level {level!r}; expected one of {', '.join(_LEVELS)}") from None


def reply_days(level: ReplyLevel | str, rules: ClockRules | None = None) -> int:
    """R4.2: the working days allowed for ``level``."""
    return getattr(rules or clock_rules(), _level(level)[0])


def _working_day_deadline(
    start: dt.datetime, days: int, calendar: WorkCalendar, rule_id: str, rule_key: str
) -> Deadline:
    # 民法典 Art. 201: the start day is not counted; due at the end of the N-th working day after it.
    start_day = _local(start).date()
    last_day = calendar.add_working_days(start_day, days)
    provisional = calendar.is_provisional(start_day, last_day)
    return Deadline(end_of_day(last_day), provisional, rule_id, rule_key, (("days", days),))


def reply_due(
    received_at: dt.datetime,
    *,
    level: ReplyLevel | str,
    calendar: WorkCalendar,
    rules: ClockRules | None = None,
) -> Deadline:
    """R4.2: end of the N-th working day after the day of receipt (1 direct, 2 department, 3 school)."""
    field, key = _level(level)
    days = getattr(rules or clock_rules(), field)
    return _working_day_deadline(received_at, days, calendar, "R4.2", key)


def cohandling_due(
    requested_at: dt.datetime, *, calendar: WorkCalendar, rules: ClockRules | None = None
) -> Deadline:
    """R4.4: a co-handling unit answers within 1 working day after the request."""
    days = (rules or clock_rules()).COHANDLING_DAYS
    return _working_day_deadline(requested_at, days, calendar, "R4.4", "cohandling")


def dispatch_due(received_at: dt.datetime, *, rules: ClockRules | None = None) -> Deadline:
    """R4.5 (日清日结): dispatched before the end of the day of receipt."""
    days = (rules or clock_rules()).DISPATCH_DAYS
    due = end_of_day(_local(received_at).date() + dt.timedelta(days=days))
    if days == 0:
        return Deadline(due, False, "R4.5", "dispatch_same_day")
    return Deadline(due, False, "R4.5", "dispatch", (("days", days),))


def followup_due(reply_sent_at: dt.datetime, *, rules: ClockRules | None = None) -> Deadline:
    """R4.6: the follow-up call within 48 clock hours after the formal reply is sent."""
    hours = (rules or clock_rules()).FOLLOWUP_HOURS
    due = _local(reply_sent_at) + dt.timedelta(hours=hours)
    return Deadline(due, False, "R4.6", "followup", (("hours", hours),))


def mailbox_due(arrived_at: dt.datetime, *, rules: ClockRules | None = None) -> Deadline:
    """R4.7 (每天查阅): a letter is triaged before the end of the day after it arrived."""
    days = (rules or clock_rules()).MAILBOX_DAYS
    due = end_of_day(_local(arrived_at).date() + dt.timedelta(days=days))
    if days in (0, 1):
        return Deadline(due, False, "R4.7", "mailbox_same_day" if days == 0 else "mailbox_next_day")
    return Deadline(due, False, "R4.7", "mailbox", (("days", days),))


def compute_deadline(
    clock: Clock | str,
    start: dt.datetime,
    *,
    calendar: WorkCalendar,
    level: ReplyLevel | str | None = None,
    urgent: bool = False,
    rules: ClockRules | None = None,
) -> Deadline:
    """Any clock by name: the one entry point for the CLI and for callers that store the clock's name.

    Raises ``ValueError`` for an unknown clock, a reply without a level, a level on another clock, or
    ``urgent`` on a clock other than the response.
    """
    clock = Clock(clock)
    if (level is not None) != (clock == Clock.REPLY):
        raise ValueError("a level is required for the reply clock and only for it")
    if urgent and clock != Clock.RESPONSE:
        raise ValueError("urgent applies to the response clock only")
    if clock == Clock.RESPONSE:
        return response_due(start, urgent=urgent, rules=rules)
    if clock == Clock.REPLY:
        return reply_due(start, level=level or "", calendar=calendar, rules=rules)
    if clock == Clock.COHANDLING:
        return cohandling_due(start, calendar=calendar, rules=rules)
    if clock == Clock.DISPATCH:
        return dispatch_due(start, rules=rules)
    if clock == Clock.FOLLOWUP:
        return followup_due(start, rules=rules)
    return mailbox_due(start, rules=rules)
