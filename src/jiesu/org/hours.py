"""Whether a hotline is open at an instant (R2.3, §11). Pure: the caller passes the calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from jiesu.org.models import Hotline, ServiceDays


def is_open(hotline: Hotline, at: dt.datetime, is_working_day: Callable[[dt.date], bool]) -> bool:
    """A workdays line is open only on working days (make-up days included); hours apply every open day."""
    if at.tzinfo is None:
        raise ValueError("is_open needs an aware datetime")
    if hotline.service_days == ServiceDays.WORKDAYS and not is_working_day(at.date()):
        return False
    if hotline.opens_at is None or hotline.closes_at is None:
        return True
    return hotline.opens_at <= at.time() < hotline.closes_at
