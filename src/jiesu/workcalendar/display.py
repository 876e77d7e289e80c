"""Deadlines as people read them (issue 14 item 5).

A due instant is stored as "end of day D" = D+1 00:00 (rules §4). People read "12-09 00:00" as the start of
the 9th, a day later than meant, so a due instant at midnight is shown as the end of the previous day:
"2026-12-08 24:00", or "12-08 当天内" where a day is all a requester needs. Pure functions over aware
datetimes; every page, notification and export that shows a deadline goes through ``deadline_text``.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.workcalendar.clocks import SHANGHAI


class Style(StrEnum):
    FULL = "full"  # 2026-12-08 24:00
    SHORT = "short"  # 12-08 24:00
    DAY = "day"  # 12-08 当天内 (the day only, for requesters)


def deadline_text(due: dt.datetime | None, style: str = Style.FULL) -> str:
    """The due instant in words: midnight is 24:00 of the day before; "" for no deadline."""
    if due is None:
        return ""
    if timezone.is_naive(due):
        raise ValueError("a deadline is an aware datetime")
    local = due.astimezone(SHANGHAI)
    midnight = local.hour == 0 and local.minute == 0 and local.second == 0
    day = (local - dt.timedelta(days=1)).date() if midnight else local.date()
    date_part = f"{day:%m-%d}" if style in (Style.SHORT, Style.DAY) else f"{day:%Y-%m-%d}"
    if style == Style.DAY:
        if midnight:
            return _("%(day)s (within the day)") % {"day": date_part}
        return _("%(day)s by %(time)s") % {"day": date_part, "time": f"{local:%H:%M}"}
    return f"{date_part} {'24:00' if midnight else f'{local:%H:%M}'}"


_RULE_ID_PREFIX = re.compile(r"^R\d+\.\d+\s*")


def rule_words(rule: str) -> str:
    """A clock's stored rule text without the rule id that rows written before issue 14 begin with
    ("R4.2 直接办理：…" → "直接办理：…"); newer rows have none."""
    return _RULE_ID_PREFIX.sub("", rule)
