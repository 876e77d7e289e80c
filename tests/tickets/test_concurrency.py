"""Concurrency (issue 4 §5): real threads, each with its own database connection, acting at the same moment.
Intake numbers stay distinct and consecutive; two people racing on one ticket never produce two replies or a
skipped state — one wins, the other is refused with a domain error.

PostgreSQL serializes the racers on the ticket's row lock (select_for_update) and the sequence row's upsert.
SQLite serializes them with IMMEDIATE transactions and a 30 s busy timeout, which works on a database file
(these tests pass with DATABASES["default"]["TEST"]["NAME"] set to a file). pytest-django's default in-memory
SQLite test database uses a shared cache, whose table locks fail at once instead of waiting (SQLITE_LOCKED
ignores the busy timeout), so with it the threaded tests are skipped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from django.db import connection, connections
from django.utils import timezone

from jiesu.tickets import services
from jiesu.tickets.errors import DomainError
from jiesu.tickets.models import Clock, Event, Reply, Ticket, TicketSequence
from jiesu.tickets.states import Status
from tests.support import HEATING, beijing, drive, unit, user

T = TypeVar("T")


def _sqlite_in_memory() -> bool:
    """pytest-django's SQLite test database is in memory unless DATABASES["default"]["TEST"]["NAME"] names a file."""
    return connection.vendor == "sqlite" and not (connection.settings_dict.get("TEST") or {}).get("NAME")


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        _sqlite_in_memory(),
        reason="SQLite's in-memory shared-cache test database raises 'database table is locked' at once for "
        "concurrent writers instead of waiting; run on PostgreSQL (DATABASE_URL=postgres://…) or give SQLite a "
        "test database file (DATABASES['default']['TEST']['NAME']) to exercise the races",
    ),
]


def race(count: int, work: Callable[[int], T]) -> list[T | Exception]:
    """Run ``work(i)`` in ``count`` threads released together; each thread has (and closes) its own connection."""
    start = threading.Barrier(count)

    def run(i: int) -> T | Exception:
        try:
            start.wait(timeout=30)
            return work(i)
        except Exception as error:  # noqa: BLE001 - the outcome is what the test inspects
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def _winners_and_losers(results: list[Any]) -> tuple[list[Any], list[Exception]]:
    losers = [r for r in results if isinstance(r, Exception)]
    unexpected = [e for e in losers if not isinstance(e, DomainError)]
    assert not unexpected, unexpected
    return [r for r in results if not isinstance(r, Exception)], losers


def test_fifty_parallel_submissions_get_distinct_consecutive_numbers(demo_org: None) -> None:
    """R1: 50 requests submitted at once get 50 distinct numbers, NNNNNN = 1…50 for the day, and 50 histories."""
    student, campus = user("student"), beijing()

    def submit(i: int) -> str:
        return services.ticket_create(
            actor=student,
            channel="web",
            type="help",
            campus=campus,
            content=f"{HEATING}（第{i}次）",
            requester=student,
            contact_phone="13812345678",
        ).ticket.number

    results = race(50, submit)
    numbers, errors = _winners_and_losers(results)
    assert errors == []
    day = timezone.localdate()
    assert sorted(numbers) == [f"{day:%Y%m%d}-{n:06d}" for n in range(1, 51)]
    assert TicketSequence.objects.get(day=day).last == 50
    assert Ticket.objects.count() == 50
    assert Event.objects.filter(action="create").count() == 50


def test_two_approvals_at_once_send_one_reply(demo_org: None) -> None:
    """R4.3: two approvals of one pending reply (the head on two devices) send exactly one formal reply."""
    ticket = drive(Status.PENDING_APPROVAL, cohandling=False)
    head = user("head")
    results = race(2, lambda i: services.reply_approve(actor=head, ticket=ticket, comment=f"同意{i}"))
    winners, losers = _winners_and_losers(results)
    assert len(winners) == 1 and len(losers) == 1
    assert isinstance(losers[0], DomainError) and losers[0].code in ("transition_not_allowed", "conflict")
    assert Reply.objects.filter(ticket=ticket, stage="formal", state="sent").count() == 1
    assert Event.objects.filter(ticket=ticket, action="approve_reply").count() == 1
    assert Clock.objects.filter(ticket=ticket, kind="followup").count() == 1
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REPLIED


def test_approve_and_return_at_once_decide_once(demo_org: None) -> None:
    """R4.3: the head approving on one device while returning on another: exactly one decision is recorded."""
    ticket = drive(Status.PENDING_APPROVAL, cohandling=False)
    head = user("head")

    def decide(i: int) -> Reply:
        if i == 0:
            return services.reply_approve(actor=head, ticket=ticket)
        return services.reply_return(actor=head, ticket=ticket, comment="请补充上门时间")

    winners, losers = _winners_and_losers(race(2, decide))
    assert len(winners) == 1 and len(losers) == 1
    decisions = Event.objects.filter(ticket=ticket, action__in=("approve_reply", "return_reply"))
    assert decisions.count() == 1
    assert (
        Ticket.objects.get(pk=ticket.pk).status
        == {"approve_reply": Status.REPLIED, "return_reply": Status.HANDLING}[decisions.get().action]
    )


def test_two_acknowledgements_at_once_succeed_once(demo_org: None) -> None:
    """R4.1: the officer and a colleague acknowledging together: one acknowledgement, one met response clock."""
    ticket = drive(Status.DISPATCHED)
    people = [user("officer"), user("handler")]
    winners, losers = _winners_and_losers(
        race(2, lambda i: services.ticket_acknowledge(actor=people[i], ticket=ticket))
    )
    assert len(winners) == 1 and len(losers) == 1
    assert Event.objects.filter(ticket=ticket, action="acknowledge").count() == 1
    response = Clock.objects.get(ticket=ticket, kind="response")
    assert response.met_at is not None
    assert Ticket.objects.get(pk=ticket.pk).status == Status.HANDLING


def test_two_submissions_at_once_leave_one_pending_reply(demo_org: None) -> None:
    """R4.3: two officers submitting drafts together: one pending reply, the other is refused."""
    ticket = drive(Status.HANDLING, cohandling=False)
    people = [user("officer"), user("handler")]
    winners, losers = _winners_and_losers(
        race(2, lambda i: services.reply_submit(actor=people[i], ticket=ticket, body=f"已安排维修（{i}）"))
    )
    assert len(winners) == 1 and len(losers) == 1
    assert Reply.objects.filter(ticket=ticket, stage="formal").count() == 1
    assert Event.objects.filter(ticket=ticket, action="submit_reply").count() == 1


def test_two_dispatches_at_once_assign_one_lead_unit(demo_org: None) -> None:
    """R4.5: two dispatchers on one ticket: one dispatch, one lead unit, one history row."""
    ticket = drive(Status.NEW)
    people, units = [user("dispatcher"), user("duty")], [unit("logistics"), unit("nic")]
    winners, losers = _winners_and_losers(
        race(2, lambda i: services.ticket_dispatch(actor=people[i], ticket=ticket, lead_unit=units[i]))
    )
    assert len(winners) == 1 and len(losers) == 1
    assert Event.objects.filter(ticket=ticket, action="dispatch").count() == 1
    assert Ticket.objects.get(pk=ticket.pk).lead_unit_id == winners[0].lead_unit_id
