"""`jiesu deadline`: when is this clock due, and by which rule? (rules §4)

    jiesu deadline --clock reply --at 2026-02-13T16:30 --level direct
    {"due": "2026-02-15T00:00:00+08:00", "provisional": false, "rule": "直接办理：…"}

An ``--at`` without an offset is Asia/Shanghai time. Bad arguments: a JSON error on stderr, exit status 2.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import CommandParser
from django.db import DatabaseError, connection

from jiesu.cli import CliError, JsonErrorCommand
from jiesu.workcalendar.clocks import SHANGHAI, Clock, ReplyLevel, compute_deadline
from jiesu.workcalendar.core import WorkCalendar
from jiesu.workcalendar.models import CalendarVersion
from jiesu.workcalendar.selectors import CalendarData, get_calendar


def parse_instant(value: str) -> dt.datetime:
    """ISO 8601; a naive value is taken as Asia/Shanghai."""
    try:
        instant = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise CliError(
            "bad_at", f"--at {value!r} is not an ISO 8601 date-time (e.g. 2026-02-13T16:30+08:00)"
        ) from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=SHANGHAI)
    return instant


def calendar() -> WorkCalendar:
    """The calendar with the database's imports and overrides (R5.2). A database not set up yet (a fresh
    install before ``jiesu migrate``) holds neither, so the calendar is the package data and the statutory
    fallback alone (R5.1, R5.3): the answer is the one a migrated, untouched install gives."""
    try:
        if CalendarVersion._meta.db_table not in connection.introspection.table_names():
            return CalendarData().calendar()
        return get_calendar()
    except DatabaseError as exc:
        raise CliError("database_unavailable", f"the database cannot be read: {exc}".strip()) from None


class Command(JsonErrorCommand):
    help = "Print when a clock started at --at is due, whether it is provisional, and the rule (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clock", required=True, choices=[c.value for c in Clock])
        parser.add_argument(
            "--at", required=True, help="start instant, ISO 8601; no offset means Asia/Shanghai"
        )
        parser.add_argument("--level", choices=[level.value for level in ReplyLevel], help="reply clock only")
        parser.add_argument("--urgent", action="store_true", help="response clock only")

    def handle(self, *args: Any, **options: Any) -> None:
        start = parse_instant(options["at"])
        clock, level, urgent = options["clock"], options["level"], options["urgent"]
        if clock == Clock.REPLY and level is None:
            raise CliError(
                "missing_level", "--level is required for --clock reply (direct, department or school)"
            )
        if clock != Clock.REPLY and level is not None:
            raise CliError("unexpected_level", f"--level applies to --clock reply only, not {clock}")
        if urgent and clock != Clock.RESPONSE:
            raise CliError("unexpected_urgent", f"--urgent applies to --clock response only, not {clock}")
        try:
            deadline = compute_deadline(clock, start, calendar=calendar(), level=level, urgent=urgent)
        except (ValueError, OverflowError) as exc:
            raise CliError("out_of_range", str(exc)) from None
        self.stdout.write(json.dumps(deadline.as_dict(), ensure_ascii=False))
