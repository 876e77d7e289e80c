"""Ticket numbers YYYYMMDD-NNNNNN come from one per-day counter (``services.base.reserve_numbers``)."""

from __future__ import annotations

import datetime as dt

import pytest

from jiesu.tickets.models import TicketSequence
from jiesu.tickets.services.base import next_number, reserve_numbers, ticket_number

DAY = dt.date(2026, 3, 20)


@pytest.mark.django_db
def test_a_reserved_block_is_the_days_next_numbers_and_intake_carries_on_after_it() -> None:
    """A block of numbers continues the day's counter; the next single number follows the block; other days
    keep their own counters."""
    assert next_number(DAY) == "20260320-000001"
    assert reserve_numbers(DAY, 5) == range(2, 7)
    assert next_number(DAY) == "20260320-000007"
    assert reserve_numbers(DAY + dt.timedelta(days=1), 3) == range(1, 4)
    assert TicketSequence.objects.get(day=DAY).last == 7


@pytest.mark.django_db
def test_a_block_needs_at_least_one_number() -> None:
    """Reserving nothing is a programming error and leaves the counter alone."""
    with pytest.raises(ValueError, match="at least one"):
        reserve_numbers(DAY, 0)
    assert not TicketSequence.objects.exists()


def test_numbers_have_six_digits_and_grow_past_them() -> None:
    """The sequence is zero-padded to six digits and never cut."""
    assert ticket_number(DAY, 42) == "20260320-000042"
    assert ticket_number(DAY, 1_234_567) == "20260320-1234567"
