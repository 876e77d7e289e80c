"""Rules §4: every clock, table-driven over the 2026 arrangement and the 2027/2028 fallback.

Expected values are literal dates worked out by hand from the State Council's 2026 notice (as carried by
chinese-calendar 1.11.0) and from the statutory days for 2027/2028 — never re-derived from the code.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from jiesu.workcalendar.clocks import (
    SHANGHAI,
    Deadline,
    cohandling_due,
    compute_deadline,
    dispatch_due,
    followup_due,
    mailbox_due,
    reply_due,
    response_due,
)
from jiesu.workcalendar.core import WorkCalendar


def at(text: str) -> dt.datetime:
    """A Shanghai instant from 'YYYY-MM-DD HH:MM'."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def eod(text: str) -> dt.datetime:
    """The end of day D, i.e. D+1 00:00 Shanghai."""
    return at(text + " 00:00") + dt.timedelta(days=1)


# (received, direct, department, school, provisional): due = end of the 1st / 2nd / 3rd working day after.
REPLY_TABLE = [
    # 元旦 2026: Jan 1–3 off, Sun Jan 4 worked. Received on the last day of 2025:
    ("2025-12-31 15:00", "2026-01-04", "2026-01-05", "2026-01-06", False),
    ("2026-01-01 10:00", "2026-01-04", "2026-01-05", "2026-01-06", False),  # on a holiday
    ("2026-01-03 23:59", "2026-01-04", "2026-01-05", "2026-01-06", False),  # holiday Saturday
    ("2026-01-04 09:00", "2026-01-05", "2026-01-06", "2026-01-07", False),  # on the make-up Sunday
    # 春节 2026: Feb 15–23 off; Sat Feb 14 and Sat Feb 28 worked.
    ("2026-02-13 16:30", "2026-02-14", "2026-02-24", "2026-02-25", False),
    ("2026-02-14 10:00", "2026-02-24", "2026-02-25", "2026-02-26", False),  # on the make-up Saturday
    ("2026-02-16 10:00", "2026-02-24", "2026-02-25", "2026-02-26", False),
    ("2026-02-23 18:00", "2026-02-24", "2026-02-25", "2026-02-26", False),  # last day of the block
    ("2026-02-27 11:00", "2026-02-28", "2026-03-02", "2026-03-03", False),
    # 清明 2026: Apr 4–6 off.
    ("2026-04-03 09:00", "2026-04-07", "2026-04-08", "2026-04-09", False),
    ("2026-04-05 09:00", "2026-04-07", "2026-04-08", "2026-04-09", False),
    # 劳动节 2026: May 1–5 off; Sat May 9 worked.
    ("2026-04-30 17:00", "2026-05-06", "2026-05-07", "2026-05-08", False),
    ("2026-05-03 12:00", "2026-05-06", "2026-05-07", "2026-05-08", False),
    ("2026-05-08 12:00", "2026-05-09", "2026-05-11", "2026-05-12", False),
    ("2026-05-09 12:00", "2026-05-11", "2026-05-12", "2026-05-13", False),
    # 端午 2026: Jun 19–21 off.
    ("2026-06-18 12:00", "2026-06-22", "2026-06-23", "2026-06-24", False),
    # 中秋 2026: Sep 25–27 off; 国庆 Oct 1–7 off; Sun Sep 20 and Sat Oct 10 worked.
    ("2026-09-18 12:00", "2026-09-20", "2026-09-21", "2026-09-22", False),
    ("2026-09-20 12:00", "2026-09-21", "2026-09-22", "2026-09-23", False),
    ("2026-09-24 12:00", "2026-09-28", "2026-09-29", "2026-09-30", False),
    ("2026-09-30 12:00", "2026-10-08", "2026-10-09", "2026-10-10", False),
    ("2026-10-04 12:00", "2026-10-08", "2026-10-09", "2026-10-10", False),
    ("2026-10-09 12:00", "2026-10-10", "2026-10-12", "2026-10-13", False),
    ("2026-10-10 12:00", "2026-10-12", "2026-10-13", "2026-10-14", False),
    # Last day of 2026 into 2027, which has no official data yet: Jan 1 2027 (Fri) statutory, then weekend.
    ("2026-12-31 18:00", "2027-01-04", "2027-01-05", "2027-01-06", True),
    # 2027 fallback: 春节 除夕 Fri Feb 5, 初一–初三 Feb 6–8; 清明 Mon Apr 5.
    ("2027-02-04 10:00", "2027-02-09", "2027-02-10", "2027-02-11", True),
    ("2027-04-02 10:00", "2027-04-06", "2027-04-07", "2027-04-08", True),
    # 2028 fallback: 春节 除夕 Tue Jan 25, 初一–初三 Jan 26–28; 清明 Tue Apr 4.
    ("2028-01-24 10:00", "2028-01-31", "2028-02-01", "2028-02-02", True),
    ("2028-04-03 10:00", "2028-04-05", "2028-04-06", "2028-04-07", True),
]


@pytest.mark.parametrize(("received", "direct", "department", "school", "provisional"), REPLY_TABLE)
def test_reply_due_by_level(
    calendar: WorkCalendar, received: str, direct: str, department: str, school: str, provisional: bool
) -> None:
    """R4.2: the reply is due at the end of the 1st/2nd/3rd working day after the day of receipt."""
    for level, last_day in (("direct", direct), ("department", department), ("school", school)):
        deadline = reply_due(at(received), level=level, calendar=calendar)
        assert deadline.due == eod(last_day), level
        assert deadline.provisional is provisional
        assert deadline.rule_id == "R4.2"


@pytest.mark.parametrize(("received", "direct", "department", "school", "provisional"), REPLY_TABLE)
def test_cohandling_due(
    calendar: WorkCalendar, received: str, direct: str, department: str, school: str, provisional: bool
) -> None:
    """R4.4: a co-handling answer is due 1 working day after the request — the same as a direct reply."""
    deadline = cohandling_due(at(received), calendar=calendar)
    assert deadline.due == eod(direct)
    assert deadline.provisional is provisional
    assert deadline.rule_id == "R4.4"


@pytest.mark.parametrize(
    ("received", "urgent", "due"),
    [
        ("2026-03-10 14:00", False, "2026-03-10 16:00"),
        ("2026-03-10 21:59", False, "2026-03-10 23:59"),  # just before the night window
        ("2026-03-10 22:00", False, "2026-03-11 10:00"),  # the window opens
        ("2026-03-10 23:59", False, "2026-03-11 10:00"),
        ("2026-03-11 00:00", False, "2026-03-11 10:00"),  # after midnight: the same morning
        ("2026-03-11 07:59", False, "2026-03-11 10:00"),
        ("2026-03-11 08:00", False, "2026-03-11 10:00"),  # the window has closed: +2 h
        ("2026-03-11 08:01", False, "2026-03-11 10:01"),
        ("2026-02-17 14:00", False, "2026-02-17 16:00"),  # 春节: every calendar day counts
        ("2026-12-31 22:30", False, "2027-01-01 10:00"),  # last night of the year, on a holiday morning
        ("2026-03-10 14:00", True, "2026-03-10 14:30"),
        ("2026-03-10 22:30", True, "2026-03-10 23:00"),  # urgent ignores the night window
        ("2026-03-10 23:45", True, "2026-03-11 00:15"),
        ("2026-03-11 03:00", True, "2026-03-11 03:30"),
    ],
)
def test_response_due(received: str, urgent: bool, due: str) -> None:
    """R4.1: +2 h; [22:00, 08:00) → 10:00 of the morning ending the window; urgent +30 min at any hour."""
    deadline = response_due(at(received), urgent=urgent)
    assert deadline.due == at(due)
    assert deadline.provisional is False
    assert deadline.rule_id == "R4.1"


def test_response_accepts_any_offset() -> None:
    """R4.1: times are Shanghai — 14:00 UTC is 22:00 in Beijing, inside the night window."""
    deadline = response_due(dt.datetime(2026, 3, 10, 14, 0, tzinfo=dt.UTC))
    assert deadline.due == at("2026-03-11 10:00")
    assert deadline.due.isoformat() == "2026-03-11T10:00:00+08:00"


def test_naive_datetimes_are_refused(calendar: WorkCalendar) -> None:
    """Aware datetimes only."""
    naive = dt.datetime(2026, 3, 10, 14, 0)  # noqa: DTZ001 — the point of the test
    with pytest.raises(ValueError, match="aware"):
        response_due(naive)
    with pytest.raises(ValueError, match="aware"):
        reply_due(naive, level="direct", calendar=calendar)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-02-17 00:00", "2026-02-18"),  # on a holiday: still the same day (日清日结)
        ("2026-02-17 23:59", "2026-02-18"),
        ("2026-12-31 12:00", "2027-01-01"),
    ],
)
def test_dispatch_due(received: str, due: str) -> None:
    """R4.5: an Office-dispatched ticket is dispatched before the end of its day of receipt."""
    deadline = dispatch_due(at(received))
    assert deadline.due == at(due + " 00:00")
    assert deadline.rule_id == "R4.5"


@pytest.mark.parametrize(
    ("sent", "due"),
    [
        ("2026-09-30 17:00", "2026-10-02 17:00"),  # holidays count: clock hours
        ("2026-12-31 09:15", "2027-01-02 09:15"),
    ],
)
def test_followup_due(sent: str, due: str) -> None:
    """R4.6: follow-up within 48 clock hours after the formal reply is sent."""
    deadline = followup_due(at(sent))
    assert deadline.due == at(due)
    assert deadline.provisional is False
    assert deadline.rule_id == "R4.6"


@pytest.mark.parametrize(
    ("arrived", "due"),
    [
        ("2026-02-16 08:00", "2026-02-18"),  # 春节: the mailbox is read every day
        ("2026-03-10 23:59", "2026-03-12"),
        ("2026-12-31 09:00", "2027-01-02"),
    ],
)
def test_mailbox_due(arrived: str, due: str) -> None:
    """R4.7: a letter is triaged before the end of the day after it arrived."""
    deadline = mailbox_due(at(arrived))
    assert deadline.due == at(due + " 00:00")
    assert deadline.rule_id == "R4.7"


def test_rule_texts_are_in_words_a_unit_head_understands(calendar: WorkCalendar) -> None:
    """Every deadline carries its rule in Chinese words, without the rule id."""
    start = at("2026-03-10 14:00")
    assert reply_due(start, level="direct", calendar=calendar).rule_text == (
        "直接办理：受理后1个工作日内正式回复（受理当日不计）"
    )
    assert "2个工作日内初步回复" in reply_due(start, level="department", calendar=calendar).rule_text
    assert "校长办公会" in reply_due(start, level="school", calendar=calendar).rule_text
    assert response_due(start).rule_text.startswith("回应受理：")
    assert "夜间" in response_due(at("2026-03-10 23:00")).rule_text
    assert "30分钟" in response_due(start, urgent=True).rule_text
    assert cohandling_due(start, calendar=calendar).rule_text.startswith("协办答复：")
    assert "当日24:00前" in dispatch_due(start).rule_text
    assert "48小时" in followup_due(start).rule_text
    assert "次日24:00前" in mailbox_due(start).rule_text


@override_settings(
    JIESU_RULES={
        "RESPONSE_HOURS": 4,
        "RESPONSE_NIGHT_START": "21:00",
        "RESPONSE_NIGHT_DUE": "09:30",
        "REPLY_DIRECT_DAYS": 2,
        "FOLLOWUP_HOURS": 24,
        "MAILBOX_DAYS": 0,
    }
)
def test_every_number_is_a_setting(calendar: WorkCalendar) -> None:
    """Rules §4: the numbers are defaults overridable through settings.JIESU_RULES, and the text follows."""
    assert response_due(at("2026-03-10 14:00")).due == at("2026-03-10 18:00")
    assert response_due(at("2026-03-10 21:30")).due == at("2026-03-11 09:30")
    direct = reply_due(at("2026-03-10 14:00"), level="direct", calendar=calendar)
    assert direct.due == eod("2026-03-12")
    assert "2个工作日" in direct.rule_text
    assert followup_due(at("2026-03-10 14:00")).due == at("2026-03-11 14:00")
    assert mailbox_due(at("2026-03-10 14:00")).due == eod("2026-03-10")


@override_settings(JIESU_RULES={"RESPONSE_HOURS": "two"})
def test_bad_setting_is_reported() -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="RESPONSE_HOURS"):
        response_due(at("2026-03-10 14:00"))


def test_compute_deadline_checks_its_arguments(calendar: WorkCalendar) -> None:
    """The dispatcher used by the CLI refuses a reply without level, a level elsewhere, urgent elsewhere."""
    start = at("2026-03-10 14:00")
    assert isinstance(compute_deadline("reply", start, calendar=calendar, level="school"), Deadline)
    for kwargs in ({"level": None}, {"level": "boss"}):
        with pytest.raises(ValueError):
            compute_deadline("reply", start, calendar=calendar, **kwargs)
    with pytest.raises(ValueError):
        compute_deadline("dispatch", start, calendar=calendar, level="direct")
    with pytest.raises(ValueError):
        compute_deadline("mailbox", start, calendar=calendar, urgent=True)
    with pytest.raises(ValueError):
        compute_deadline("bogus", start, calendar=calendar)
