"""The OpenAPI document and the docs page."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/tickets",
    "/api/v1/tickets/{number}",
    "/api/v1/tickets/{number}/dispatch",
    "/api/v1/tickets/{number}/acknowledge",
    "/api/v1/tickets/{number}/level",
    "/api/v1/tickets/{number}/contacts",
    "/api/v1/tickets/{number}/cohandling",
    "/api/v1/tickets/{number}/cohandling/{item_id}/answer",
    "/api/v1/tickets/{number}/initial-reply",
    "/api/v1/tickets/{number}/planned-date",
    "/api/v1/tickets/{number}/escalate",
    "/api/v1/tickets/{number}/instruct",
    "/api/v1/tickets/{number}/third-party",
    "/api/v1/tickets/{number}/reply",
    "/api/v1/tickets/{number}/reply/approve",
    "/api/v1/tickets/{number}/reply/return",
    "/api/v1/tickets/{number}/redispatch",
    "/api/v1/tickets/{number}/redispatch/{request_id}/decide",
    "/api/v1/tickets/{number}/amendments",
    "/api/v1/tickets/{number}/contact/reveal",
    "/api/v1/tickets/{number}/followup-attempts",
    "/api/v1/tickets/{number}/followup",
    "/api/v1/tickets/{number}/close-unsatisfied",
    "/api/v1/track",
    "/api/v1/ratings/{token}",
    "/api/v1/orders",
    "/api/v1/orders/{order_id}",
    "/api/v1/orders/{order_id}/answer",
    "/api/v1/orders/{order_id}/review",
    "/api/v1/orders/{order_id}/withdraw",
    "/api/v1/inspections",
    "/api/v1/inspections/{inspection_id}",
    "/api/v1/inspections/{inspection_id}/samples/{number}/finding",
    "/api/v1/assessment",
]


def test_openapi_document_lists_every_endpoint_without_sign_in() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["info"]["version"] == "1"
    assert sorted(p for p in PATHS if p not in doc["paths"]) == []
    assert set(doc["paths"]["/api/v1/tickets"]) == {"get", "post"}
    schemes = doc["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    assert doc["paths"]["/api/v1/track"]["get"].get("security") in (None, [])
    assert doc["paths"]["/api/v1/ratings/{token}"]["post"].get("security") in (None, [])  # R7.1: no sign-in


def test_supervision_endpoints_declare_their_answers_and_errors() -> None:
    """R8.2 / R8.5 / R8.6: a client generated from the document knows every answer, the errors included, and
    that sampled contacts stay masked (the reveal is the audited ticket call)."""
    doc = Client().get("/api/v1/openapi.json").json()
    paths, schemas = doc["paths"], doc["components"]["schemas"]
    assert set(paths["/api/v1/orders"]) == {"get", "post"}
    assert set(paths["/api/v1/inspections"]) == {"get", "post"}
    created = {
        "/api/v1/orders": "OrderDetail",
        "/api/v1/inspections": "InspectionDetail",
        "/api/v1/inspections/{inspection_id}/samples/{number}/finding": "InspectionDetail",
    }
    for path, schema in created.items():
        answers = paths[path]["post"]["responses"]
        assert answers["201"]["content"]["application/json"]["schema"]["$ref"].endswith(f"/{schema}")
        for status in ("401", "403", "404", "409", "422"):
            assert answers[status]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    query = {p["name"] for p in paths["/api/v1/assessment"]["get"]["parameters"]}
    assert query == {"from", "to"}
    assert {p["name"] for p in paths["/api/v1/orders"]["get"]["parameters"]} >= {
        "unit",
        "state",
        "level",
        "limit",
    }
    assert "contact/reveal" in schemas["SampleOut"]["properties"]["contact"]["description"]
    assert set(schemas["OrderDetail"]["required"]) >= {"events", "answer", "allowed_actions", "state"}


def test_docs_page_uses_local_static_files(settings) -> None:
    """No CDN ever: Swagger UI comes from django-ninja's bundled static files."""
    if "ninja" not in settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "ninja"]
    html = Client().get("/api/v1/docs").content.decode()
    assert "ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
