"""The PostgreSQL backend's health check (jiesu.dbbackend.postgresql): no round trip on a quiet connection, and
a session the server ended is still found and replaced before a request uses it."""

from __future__ import annotations

import time
from unittest import mock

import psycopg
import pytest
from django.db import close_old_connections, connection

from jiesu.org.models import Campus

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'"),
    pytest.mark.django_db(transaction=True),
]


def _no_round_trip() -> mock._patch[mock.MagicMock]:
    return mock.patch.object(connection.connection, "cursor", side_effect=AssertionError("a round trip"))


def _request_start() -> None:
    """What Django does as a request starts: let the next query check the reused connection."""
    close_old_connections()
    assert connection.health_check_enabled


def test_a_quiet_connection_is_trusted_without_a_query() -> None:
    Campus.objects.count()
    assert connection.connection is not None
    with _no_round_trip():
        assert connection.is_usable()


def test_a_connection_inside_a_transaction_is_asked() -> None:
    Campus.objects.count()
    connection.connection.execute("BEGIN")
    try:
        with _no_round_trip(), pytest.raises(AssertionError, match="a round trip"):
            connection.is_usable()
    finally:
        connection.connection.execute("ROLLBACK")


def test_a_session_the_server_ended_is_replaced_before_the_next_request_uses_it() -> None:
    """An administrator ends the session (as a restart does): the next request starts on a new connection
    instead of failing."""
    Campus.objects.count()
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()  # the same server, user and password as the test's own
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while not connection.connection.closed and time.monotonic() < deadline:
        if not connection.is_usable():
            break
        time.sleep(0.05)
    assert not connection.is_usable()
    _request_start()
    assert Campus.objects.count() >= 0  # no OperationalError: a new session
    assert connection.connection.info.backend_pid != pid
