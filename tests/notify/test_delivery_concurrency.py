"""Two workers delivering at the same moment (issue 5: "several workers on several machines never
double-send"): real threads, each with its own database connection, share 40 due rows — every row is sent
exactly once and claimed exactly once.

PostgreSQL splits the rows with ``FOR UPDATE SKIP LOCKED``; SQLite with the conditional per-row claim under
its single write lock. pytest-django's in-memory SQLite database cannot hold concurrent writers (see
tests/tickets/test_concurrency.py), so there the test is skipped; it runs on PostgreSQL and on a SQLite file.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone

from jiesu.notify.delivery import deliver_due
from jiesu.notify.models import Outbox, OutboxState
from tests.notify import fake_backends


def _sqlite_in_memory() -> bool:
    return connection.vendor == "sqlite" and not (connection.settings_dict.get("TEST") or {}).get("NAME")


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(_sqlite_in_memory(), reason="needs a database that holds concurrent writers"),
]

ROWS = 40


@override_settings(JIESU_SMS_BACKEND="tests.notify.fake_backends.RecordingBackend")
def test_two_workers_at_once_send_every_row_exactly_once() -> None:
    """Both workers start together and loop in batches of 5 until nothing is due: 40 sends, 40 distinct keys,
    every row sent after exactly one claim."""
    fake_backends.SENT.clear()
    now = timezone.now()
    Outbox.objects.bulk_create(
        Outbox(event="digest", channel="sms", address=f"1380000{i:04d}", body=f"第{i}条", next_attempt_at=now)
        for i in range(ROWS)
    )
    start = threading.Barrier(2)
    taken: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait(timeout=30)
            while handled := deliver_due(limit=5):
                taken.append(handled)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    keys = Counter(key for _address, _body, key in fake_backends.SENT)
    assert len(keys) == ROWS
    assert set(keys.values()) == {1}
    assert sum(taken) == ROWS
    assert set(Outbox.objects.values_list("state", "attempts")) == {(OutboxState.SENT, 1)}
    fake_backends.SENT.clear()
