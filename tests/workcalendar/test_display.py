"""Deadlines as people read them: midnight is 24:00 of the day before (issue 14 item 5)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from jiesu.workcalendar.display import deadline_text

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("due", "style", "text"),
    [
        (at(9), "full", "2026-12-08 24:00"),
        (at(9), "short", "12-08 24:00"),
        (at(9), "day", "12-08 当天内"),
        (at(9, 10), "full", "2026-12-09 10:00"),
        (at(9, 10), "short", "12-09 10:00"),
        (at(9, 10), "day", "12-09 10:00 前"),
        (at(9, 0, 30), "full", "2026-12-09 00:30"),
        (dt.datetime(2027, 1, 1, tzinfo=SHANGHAI), "full", "2026-12-31 24:00"),
        (dt.datetime(2026, 12, 8, 16, tzinfo=dt.UTC), "full", "2026-12-08 24:00"),  # 00:00 in Shanghai
    ],
)
def test_midnight_is_the_end_of_the_previous_day(due: dt.datetime, style: str, text: str) -> None:
    """A due instant at 00:00 reads as 24:00 (or "当天内") of the day before; any other time as it is."""
    with translation.override("zh-hans"):
        assert deadline_text(due, style) == text


def test_no_deadline_is_empty_and_naive_is_refused() -> None:
    """No deadline shows nothing; a naive datetime is a programming error, not a guess."""
    assert deadline_text(None) == ""
    with pytest.raises(ValueError, match="aware"):
        deadline_text(dt.datetime(2026, 12, 9))  # noqa: DTZ001 - the naive value under test


def test_the_template_filter_shows_the_same_words() -> None:
    """``|deadline`` in a template renders through ``deadline_text``."""
    template = Template('{% load deadlines %}{{ due|deadline }} / {{ due|deadline:"day" }}')
    with translation.override("zh-hans"):
        assert template.render(Context({"due": at(9)})) == "2026-12-08 24:00 / 12-08 当天内"


def test_a_stored_rule_loses_an_old_rule_id() -> None:
    """Clock rows written before the ids left the texts still read as words on the page."""
    template = Template("{% load deadlines %}{{ old|rule }} / {{ new|rule }}")
    context = Context(
        {"old": "R4.2 直接办理：受理后1个工作日内正式回复", "new": "回应受理：接诉后2小时内回应"}
    )
    assert template.render(context) == "直接办理：受理后1个工作日内正式回复 / 回应受理：接诉后2小时内回应"
