"""The public hotline directory and whether each line is open now (§11, R2.3, R5)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from jiesu.org.hours import is_open
from jiesu.org.models import Hotline

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def open_flags(client: Client) -> dict[str, list[bool]]:
    """Parse the rendered page: unit name → open flags per row."""
    response = client.get("/hotlines/")
    assert response.status_code == 200
    flags: dict[str, list[bool]] = {}
    for row in response.context["rows"]:
        line, is_open_now = row
        flags.setdefault(line.unit.name, []).append(is_open_now)
    return flags


@pytest.mark.django_db
def test_directory_is_public_and_in_chinese(demo_org: None) -> None:
    page = Client().get("/hotlines/").content.decode()
    assert "学校两校区接诉即办热线电话" in page
    for name in ["总值班室", "人事处", "保卫处", "图书馆", "网络信息中心"]:
        assert name in page
    assert "88561833" in page and "3827179" in page


@pytest.mark.django_db
@time_machine.travel(at(2026, 3, 10, 23, 30), tick=False)  # a Tuesday night
def test_working_day_line_is_closed_at_night_and_24h_line_open(demo_org: None) -> None:
    flags = open_flags(Client())
    assert flags["人事处"] == [False]
    assert flags["保卫处"] == [True]
    assert flags["总值班室"] == [True, True]


@pytest.mark.django_db
@time_machine.travel(at(2026, 3, 10, 10, 0), tick=False)
def test_working_day_line_is_open_in_working_hours(demo_org: None) -> None:
    flags = open_flags(Client())
    assert flags["人事处"] == [True] and flags["图书馆"] == [True]


@pytest.mark.django_db
@time_machine.travel(at(2026, 3, 14, 10, 0), tick=False)  # a Saturday
def test_holiday_line_open_on_a_weekend_working_day_line_closed(demo_org: None) -> None:
    flags = open_flags(Client())
    assert flags["图书馆"] == [True]
    assert flags["人事处"] == [False]


@pytest.mark.django_db
@time_machine.travel(at(2026, 10, 2, 10, 0), tick=False)  # 国庆 holiday, a Friday
def test_working_day_line_closed_on_a_public_holiday(demo_org: None) -> None:
    flags = open_flags(Client())
    assert flags["人事处"] == [False] and flags["图书馆"] == [True]


@pytest.mark.django_db
@time_machine.travel(at(2026, 2, 28, 10, 0), tick=False)  # Saturday, a 2026 make-up working day (春节调休)
def test_working_day_line_open_on_a_make_up_saturday(demo_org: None) -> None:
    flags = open_flags(Client())
    assert flags["人事处"] == [True]


@pytest.mark.django_db
def test_is_open_needs_aware_time(demo_org: None) -> None:
    line = Hotline.objects.get(unit__name="人事处")
    with pytest.raises(ValueError):
        is_open(line, dt.datetime(2026, 3, 10, 10, 0), lambda d: True)  # noqa: DTZ001
    assert is_open(line, at(2026, 3, 10, 8, 0), lambda d: True)
    assert not is_open(line, at(2026, 3, 10, 17, 0), lambda d: True)


@pytest.mark.django_db
def test_directory_takes_constant_queries(demo_org: None, django_assert_max_num_queries) -> None:
    client = Client()
    client.get("/hotlines/")  # warm the calendar cache
    with django_assert_max_num_queries(3):
        client.get("/hotlines/")
