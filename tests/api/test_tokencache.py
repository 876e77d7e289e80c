"""Bearer-token lookups kept per process (jiesu/api/tokencache.py, PostgreSQL): a repeated call reads no token
row, and any change to what the lookup reads — a revocation, a deactivated person, a removed role, by a service,
a bulk update or another connection's raw SQL — stops the copy from being used at once (R10)."""

from __future__ import annotations

import select
import time

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiesu.api import tokencache
from jiesu.api.models import ApiToken
from jiesu.api.selectors import active_token
from jiesu.api.services import token_create, token_revoke
from jiesu.org.models import Membership, Role, User
from jiesu.org.selectors import roles_for

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def secret(demo_org: None) -> str:
    tokencache.clear()
    return token_create(user=User.objects.get(username="duty"), name="cache").secret


def _lookups(secret: str) -> int:
    """Token queries one lookup sends (0: answered from the copy)."""
    with CaptureQueriesContext(connection) as captured:
        assert active_token(secret) is not None
    return sum("token_hash" in q["sql"] for q in captured.captured_queries)


def _arrived(timeout: float = 5.0) -> None:
    """Wait until a notification from another connection reached ours (it is asynchronous)."""
    select.select([connection.connection.fileno()], [], [], timeout)


def _elsewhere(sql: str, params: list[object]) -> None:
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute(sql, params)


def test_a_repeated_call_reads_no_token_row_and_builds_fresh_objects(secret: str) -> None:
    assert _lookups(secret) == 1
    assert _lookups(secret) == 0
    first, second = active_token(secret), active_token(secret)
    assert first is not None and second is not None
    assert first is not second and first.user is not second.user  # nothing shared between requests
    assert roles_for(second.user).is_office


def test_a_revocation_by_the_service_stops_the_token_at_once(secret: str) -> None:
    found = active_token(secret)
    assert found is not None and _lookups(secret) == 0
    token_revoke(token=ApiToken.objects.get(pk=found.pk))
    assert active_token(secret) is None


def test_a_revocation_by_another_connection_stops_the_token_as_soon_as_it_is_notified(secret: str) -> None:
    found = active_token(secret)
    assert found is not None and _lookups(secret) == 0
    _elsewhere("UPDATE api_apitoken SET revoked = true, revoked_at = now() WHERE id = %s", [found.pk])
    _arrived()
    assert active_token(secret) is None


def test_a_person_deactivated_by_a_bulk_update_is_refused(secret: str) -> None:
    assert _lookups(secret) == 1 and _lookups(secret) == 0
    User.objects.filter(username="duty").update(is_active=False)  # no signal: only the trigger knows
    assert active_token(secret) is None


def test_a_removed_role_is_gone_from_the_next_call(secret: str) -> None:
    found = active_token(secret)
    assert found is not None and roles_for(found.user).has(Role.DUTY_OPERATOR)
    Membership.objects.filter(user__username="duty", role=Role.DUTY_OPERATOR).delete()
    again = active_token(secret)
    assert again is not None and not roles_for(again.user).has(Role.DUTY_OPERATOR)


def test_changes_missed_without_a_connection_do_not_survive_a_new_one(secret: str) -> None:
    found = active_token(secret)
    assert found is not None and _lookups(secret) == 0
    connection.close()  # as when CONN_MAX_AGE ends a connection between requests
    _elsewhere("UPDATE api_apitoken SET revoked = true, revoked_at = now() WHERE id = %s", [found.pk])
    assert active_token(secret) is None


def test_a_stale_entry_expires_and_a_transaction_never_uses_the_copy(
    secret: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import transaction

    assert _lookups(secret) == 1 and _lookups(secret) == 0
    with transaction.atomic():
        assert _lookups(secret) == 1  # inside a transaction its own uncommitted changes are not notified yet
    assert _lookups(secret) == 0  # outside again: nothing it depends on changed, the copy holds
    monkeypatch.setattr(tokencache, "MAX_AGE", 0.0)
    time.sleep(0.01)
    assert _lookups(secret) == 1


def test_every_table_the_lookup_reads_notifies_its_changes() -> None:
    """The tables of the token lookup's SQL each carry the trigger (a table rebuilt without it would let a
    change pass unnoticed)."""
    from jiesu.api.selectors import _active_token_sql

    sql = _active_token_sql()
    tables = {"api_apitoken", "org_user", "org_membership", "org_unit"}
    assert all(f'"{t}"' in sql for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'jiesu_auth_changed' AND t.tgenabled <> 'D'"
        )
        assert {row[0] for row in cursor.fetchall()} == tables


def test_a_connection_keeps_its_own_copy(secret: str) -> None:
    """Another connection (another thread's) never answers from this one's copy: it starts empty."""
    import threading

    from django.db import connections

    assert _lookups(secret) == 1 and _lookups(secret) == 0
    seen: list[int] = []

    def other_thread() -> None:
        try:
            seen.append(_lookups(secret))
            seen.append(_lookups(secret))
        finally:
            connections.close_all()

    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join(timeout=30)
    assert seen == [1, 0]
