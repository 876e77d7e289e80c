"""Shared fixtures: the demo organization (the same one `make demo` loads) and named personas."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from jiesu.demo.accounts import DEMO_PASSWORD, load_demo_org
from jiesu.org.models import User

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> None:
    """Load the demo organization once into each test database: every test runs in a transaction rolled back
    at its end, so the organization stays as loaded (``demo_org`` reloads it after a transactional test's
    flush emptied the tables)."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        load_demo_org()


# Processes the tests start (`jiesu worker`, `jiesu migrate`) run with DEBUG off: they get this run's key
# (docs/security.md — nothing starts without one).
os.environ.setdefault("SECRET_KEY", settings.SECRET_KEY)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings) -> None:
    """PBKDF2 is slow on purpose; tests only need hashing to work."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def demo_org(db: None) -> None:
    """The realistic demo organization of rules §3 and §11 (loaded once per test database)."""
    if not User.objects.filter(username="admin").exists():  # emptied by a transactional test's flush
        load_demo_org()


@pytest.fixture
def password() -> str:
    return DEMO_PASSWORD


@pytest.fixture
def person(demo_org: None):
    """Fetch a demo person by username: person("head"), person("student") …"""

    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture(autouse=True, scope="session")
def _sqlite_flush_lifts_append_only_triggers() -> Iterator[None]:
    """R10.4: on SQLite the history and breach tables refuse DELETE by trigger (migration tickets 0010), and
    SQLite has no TRUNCATE: the test runner's flush between transactional tests (``DELETE FROM`` every table)
    drops those triggers, empties the tables and creates them again, all in the flush's own transaction.
    PostgreSQL's flush is a TRUNCATE, which row triggers do not see. Only the test runner does this."""
    from django.db import connections

    sqlite = [c for c in connections.all() if c.vendor == "sqlite"]
    if not sqlite:
        yield
        return
    operations = type(sqlite[0].ops)
    original = operations.sql_flush

    def sql_flush(self: Any, style: Any, tables: Any, **options: Any) -> list[str]:
        statements = original(self, style, tables, **options)
        if not statements:
            return statements
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'append_only_%'"
            )
            triggers = cursor.fetchall()
        return (
            [f'DROP TRIGGER "{name}";' for name, _sql in triggers]
            + statements
            + [f"{sql};" for _n, sql in triggers]
        )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(operations, "sql_flush", sql_flush)
        yield


@pytest.fixture
def no_organization(db: None) -> None:
    """An installation before anything is loaded: the session's demo organization removed inside this test's
    transaction (rolled back at its end), for the tests of loading it."""
    from jiesu.org.models import Campus, Hotline, Membership, Unit

    Membership.objects.all().delete()
    User.objects.all().delete()
    Hotline.objects.all().delete()
    Unit.objects.filter(parent__isnull=False).delete()  # children first: a parent is protected
    Unit.objects.all().delete()
    Campus.objects.all().delete()
