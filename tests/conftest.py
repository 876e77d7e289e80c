"""Shared fixtures: the demo organization (the same one `make demo` loads) and named personas."""

from __future__ import annotations

import pytest
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
