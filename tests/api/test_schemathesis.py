"""Issue 17 item 6: schemathesis against the API's own OpenAPI document, as a staff member and as a requester —
no answer is a server error and none falls outside its documented schema. Bounded (a few examples per operation,
no shrinking) so it runs in CI in well under two minutes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from jiesu.api.services import token_create

EXAMPLES = 6


@pytest.fixture
def api_schema(demo_org: None) -> Iterator[Any]:
    """The document read from the application in process; like Django's test client, requests do not close the
    database connection (it holds the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearers(person: Any, web_ticket: Any) -> list[dict[str, str]]:
    """Tokens of the Office's dispatcher and of a requester; one real ticket exists for the paths to find."""
    web_ticket()
    return [
        {"Authorization": f"Bearer {token_create(user=person(username), name='schemathesis').secret}"}
        for username in ("dispatcher", "student")
    ]


def _probe(operation: Any, bearers: list[dict[str, str]]) -> None:
    """A few generated requests to one operation, each sent with every token."""

    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=operation.as_strategy())
    def probe(case: Any) -> None:
        for bearer in bearers:
            case.call_and_validate(headers=bearer, checks=[not_a_server_error, response_schema_conformance])

    probe()


@pytest.mark.django_db
def test_the_api_answers_bad_input_with_a_4xx_in_its_schema(
    api_schema: Any, bearers: list[dict[str, str]]
) -> None:
    # schemathesis' own pytest plugin does not run under pytest 9: the operations are walked here instead.
    failures = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        try:
            _probe(operation, bearers)
        except Exception as error:  # noqa: BLE001 - every operation is probed; the failures are listed at the end
            failures.append(f"{operation.method.upper()} {operation.path}: {str(error)[:600]}")
    assert not failures, "\n\n".join(failures)
