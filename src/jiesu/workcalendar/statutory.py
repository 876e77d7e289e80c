"""R5.3: the statutory fallback calendar for a year without official data.

《全国年节及纪念日放假办法》 (2025 revision) gives every citizen these days off: 元旦 Jan 1; 春节 除夕 and
正月初一–初三; 清明 (the day of the solar term); 劳动节 May 1–2; 端午 五月初五; 中秋 八月十五; 国庆 Oct 1–3.
Everything here is computed, nothing typed in: lunar dates come from ``lunardate``, the 清明 solar term
from a low-precision solar position (Meeus, *Astronomical Algorithms*, ch. 25).

The fallback deliberately has no 调休 (make-up working days) and no 补假 (a weekday off for a statutory day
that falls on a weekend): those are decided by the State Council's yearly notice, which is what the
import replaces the fallback with. Deadlines on fallback data are marked provisional.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache

from lunardate import LunarDate

SHANGHAI_OFFSET = dt.timezone(dt.timedelta(hours=8))
_UNIX_EPOCH_JD = 2440587.5
_J2000 = 2451545.0
_TROPICAL_YEAR = 365.2422

# lunardate covers lunar years 1900–2099; outside it only the solar-calendar days can be computed.
LUNAR_MIN_YEAR = 1900
LUNAR_MAX_YEAR = 2099


def _apparent_solar_longitude(jde: float) -> float:
    """The sun's apparent ecliptic longitude in degrees at Julian Ephemeris Day ``jde`` (±0.01°)."""
    t = (jde - _J2000) / 36525
    mean_longitude = 280.46646 + 36000.76983 * t + 0.0003032 * t * t
    anomaly = math.radians(357.52911 + 35999.05029 * t - 0.0001537 * t * t)
    centre = (
        (1.914602 - 0.004817 * t - 0.000014 * t * t) * math.sin(anomaly)
        + (0.019993 - 0.000101 * t) * math.sin(2 * anomaly)
        + 0.000289 * math.sin(3 * anomaly)
    )
    omega = math.radians(125.04 - 1934.136 * t)
    return (mean_longitude + centre - 0.00569 - 0.00478 * math.sin(omega)) % 360


def _delta_t_seconds(year: int) -> float:
    """TT − UT (Espenak & Meeus polynomials); a minute of error here is far below the method's own."""
    if year < 2005:
        return 64.0
    if year < 2050:
        t = year - 2000
        return 62.92 + 0.32217 * t + 0.005589 * t * t
    u = (year - 1820) / 100
    return -20 + 32 * u * u - 0.5628 * (2150 - year)


def solar_term_instant(year: int, longitude: float, *, near: dt.date) -> dt.datetime:
    """The instant (Asia/Shanghai) the sun's apparent longitude reaches ``longitude`` near date ``near``."""
    start = dt.datetime(near.year, near.month, near.day, 12, tzinfo=dt.UTC)
    delta_days = _delta_t_seconds(year) / 86400
    jde = start.timestamp() / 86400 + _UNIX_EPOCH_JD + delta_days
    for _ in range(8):  # Newton steps on a near-linear function: converges to well under a second.
        error = (longitude - _apparent_solar_longitude(jde) + 180) % 360 - 180
        jde += error * _TROPICAL_YEAR / 360
    unix_seconds = (jde - delta_days - _UNIX_EPOCH_JD) * 86400
    return dt.datetime.fromtimestamp(unix_seconds, tz=dt.UTC).astimezone(SHANGHAI_OFFSET)


def qingming(year: int) -> dt.date:
    """R5.3: 清明, the day (Beijing time) the sun reaches apparent longitude 15°."""
    return solar_term_instant(year, 15.0, near=dt.date(year, 4, 5)).date()


def _lunar(year: int, month: int, day: int) -> dt.date:
    return LunarDate(year, month, day).to_solar_date()


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> tuple[tuple[dt.date, str], ...]:
    """R5.3: the statutory days off of ``year`` as (date, Chinese name), sorted by date."""
    days: dict[dt.date, str] = {}

    def add(day: dt.date, name: str) -> None:
        # 中秋 can fall inside 国庆 (2020, 2031): one day off carrying both names.
        days[day] = f"{days[day]}、{name}" if day in days else name

    add(dt.date(year, 1, 1), "元旦")
    if LUNAR_MIN_YEAR <= year <= LUNAR_MAX_YEAR:
        new_year = _lunar(year, 1, 1)
        add(new_year - dt.timedelta(days=1), "春节（除夕）")
        for offset in range(3):
            add(new_year + dt.timedelta(days=offset), "春节")
        add(_lunar(year, 5, 5), "端午节")
        add(_lunar(year, 8, 15), "中秋节")
    add(qingming(year), "清明节")
    for day in (1, 2):
        add(dt.date(year, 5, day), "劳动节")
    for day in (1, 2, 3):
        add(dt.date(year, 10, day), "国庆节")
    return tuple(sorted(days.items()))
