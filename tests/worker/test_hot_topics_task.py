"""R9.1: the worker computes the hot topics every hour, as its own periodic task (not in the minute sweep)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from jiesu.insight.models import HotTopic
from jiesu.worker import tasks
from tests.insight.test_hot_topics import NOW, planted  # noqa: F401 - the planted fixture

pytestmark = pytest.mark.django_db


def test_the_hourly_task_keeps_the_hot_topics(planted: dict) -> None:  # noqa: F811
    task = tasks.hot_topics_hourly.task_class()
    assert task.validate_datetime(dt.datetime(2026, 11, 20, 5, 17))  # noqa: DTZ001 - huey's crontab is naive
    assert not task.validate_datetime(dt.datetime(2026, 11, 20, 5, 18))  # noqa: DTZ001
    with time_machine.travel(NOW, tick=False):
        tasks.hot_topics_hourly.call_local()
    assert "停水" in HotTopic.objects.get().label
