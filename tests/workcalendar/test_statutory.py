"""R5.3: the statutory fallback is computed (lunar calendar, solar term), and matches known dates."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from jiesu.workcalendar.statutory import qingming, statutory_holidays

D = dt.date


@pytest.mark.parametrize("year", range(2008, 2027))
def test_qingming_falls_in_the_official_tomb_sweeping_block(year: int) -> None:
    """R5.3: the computed 清明 is one of chinese-calendar's Tomb-sweeping holidays, 2008–2026."""
    block = {
        d for d, name in chinese_calendar.holidays.items() if d.year == year and name == "Tomb-sweeping Day"
    }
    assert qingming(year) in block


def test_qingming_matches_chinese_calendar_solar_terms_2004_2099() -> None:
    """R5.3: 清明 agrees with chinese-calendar's solar-term table for every year it covers."""
    for year in range(2004, 2100):
        terms = chinese_calendar.get_solar_terms(D(year, 4, 1), D(year, 4, 10))
        expected = next(d for d, name in terms if name == "清明")
        assert qingming(year) == expected, year


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2026, D(2026, 4, 5)),
        (2027, D(2027, 4, 5)),
        (2028, D(2028, 4, 4)),
        (2029, D(2029, 4, 4)),
        (2030, D(2030, 4, 5)),
    ],
)
def test_qingming_known_dates(year: int, expected: dt.date) -> None:
    """R5.3: 清明 on its published dates."""
    assert qingming(year) == expected


def test_2027_statutory_days() -> None:
    """R5.3: 2027's fallback — 春节 除夕 Feb 5 and 初一–初三 Feb 6–8, 清明 Apr 5, 端午 Jun 9, 中秋 Sep 15."""
    assert [d for d, _ in statutory_holidays(2027)] == [
        D(2027, 1, 1),
        D(2027, 2, 5),
        D(2027, 2, 6),
        D(2027, 2, 7),
        D(2027, 2, 8),
        D(2027, 4, 5),
        D(2027, 5, 1),
        D(2027, 5, 2),
        D(2027, 6, 9),
        D(2027, 9, 15),
        D(2027, 10, 1),
        D(2027, 10, 2),
        D(2027, 10, 3),
    ]


def test_2028_statutory_days() -> None:
    """R5.3: 2028's fallback — 春节 Jan 25–28, 清明 Apr 4, 端午 May 28, 中秋 on 国庆's Oct 3 (one day, two names)."""
    days = dict(statutory_holidays(2028))
    assert sorted(days) == [
        D(2028, 1, 1),
        D(2028, 1, 25),
        D(2028, 1, 26),
        D(2028, 1, 27),
        D(2028, 1, 28),
        D(2028, 4, 4),
        D(2028, 5, 1),
        D(2028, 5, 2),
        D(2028, 5, 28),
        D(2028, 10, 1),
        D(2028, 10, 2),
        D(2028, 10, 3),
    ]
    assert days[D(2028, 1, 25)] == "春节（除夕）"
    assert days[D(2028, 10, 3)] == "中秋节、国庆节"


@pytest.mark.parametrize("year", range(2004, 2027))
def test_spring_festival_matches_the_official_block(year: int) -> None:
    """R5.3: 正月初一 computed from the lunar calendar is inside chinese-calendar's Spring Festival block."""
    lunar_new_year = [d for d, name in statutory_holidays(year) if name == "春节"][0]
    assert chinese_calendar.get_holiday_detail(lunar_new_year) == (True, "Spring Festival")
