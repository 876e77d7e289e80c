"""Shared fixtures: the demo organization (the same one `make demo` loads) and named personas."""

from __future__ import annotations

import os

import pytest
from django.conf import settings

from jiesu.org.demo import DEMO_PASSWORD, load_demo_org
from jiesu.org.models import User

# Processes the tests start (`jiesu worker`, `jiesu migrate`) run with DEBUG off: they get this run's key
# (docs/security.md — nothing starts without one).
os.environ.setdefault("SECRET_KEY", settings.SECRET_KEY)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings) -> None:
    """PBKDF2 is slow on purpose; tests only need hashing to work."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_org(db: None) -> None:
    """The realistic demo organization of rules §3 and §11."""
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
