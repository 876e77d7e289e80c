"""API fixtures: clients signed in by session or by bearer token, plus the ticket fixtures of tests/tickets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from jiesu.api.services import token_create
from tests.tickets.conftest import beijing, handling_ticket, unit, web_ticket  # noqa: F401 - shared fixtures

API = "/api/v1"


class ApiClient:
    """A JSON client for one person: ``api.get("/tickets")``, ``api.post("/tickets/…/acknowledge", {...})``."""

    def __init__(self, client: Client, headers: dict[str, str] | None = None) -> None:
        self.client = client
        self.headers = headers or {}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(API + path, params or {}, headers=self.headers)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(API + path, body or {}, content_type="application/json", headers=self.headers)


@pytest.fixture
def as_session(person) -> Callable[[str], ApiClient]:
    """An API client signed in through the web session (CSRF not enforced by the test client)."""

    def make(username: str) -> ApiClient:
        client = Client()
        client.force_login(person(username))
        return ApiClient(client)

    return make


@pytest.fixture
def as_token(person) -> Callable[[str], ApiClient]:
    """An API client carrying a fresh bearer token, with no session."""

    def make(username: str) -> ApiClient:
        issued = token_create(user=person(username), name="tests")
        return ApiClient(Client(), {"Authorization": f"Bearer {issued.secret}"})

    return make


def assert_error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    """Every API error has the same JSON shape (docs/architecture.md, API errors)."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if field is not None:
        assert body["error"]["field"] == field
    return body["error"]
