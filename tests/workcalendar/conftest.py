"""Fixtures for the working-day calendar: the pure 2026 calendar, personas, and a clean process cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jiesu.org.models import Membership, Role, User
from jiesu.workcalendar import services
from jiesu.workcalendar.core import WorkCalendar
from jiesu.workcalendar.selectors import invalidate_calendar_cache
from jiesu.workcalendar.sources import compose_calendar


@pytest.fixture(autouse=True)
def _fresh_calendar_state() -> Iterator[None]:
    """Every test starts with no cached calendar and no recompute callbacks."""
    invalidate_calendar_cache()
    saved = list(services._recompute_callbacks)
    services._recompute_callbacks.clear()
    yield
    services._recompute_callbacks[:] = saved
    invalidate_calendar_cache()


@pytest.fixture(scope="session")
def calendar() -> WorkCalendar:
    """The default calendar: chinese-calendar data (2004–2026), statutory fallback after."""
    return compose_calendar()


@pytest.fixture
def alice(db: None) -> User:
    """Alice, the system administrator (sysadmin role, not a superuser)."""
    user = User.objects.create_user("alice", password="pw-alice-123", full_name="Alice 管理员")
    Membership.objects.create(user=user, role=Role.SYSADMIN)
    return user


@pytest.fixture
def root(db: None) -> User:
    """A superuser without any role."""
    return User.objects.create_superuser("root", password="pw-root-123")


@pytest.fixture
def bob(db: None) -> User:
    """Bob, a student with no role: may not touch the calendar."""
    return User.objects.create_user("bob", password="pw-bob-123", full_name="Bob 学生")
