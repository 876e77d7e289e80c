"""REST API v1 (django-ninja) at /api/v1/: the same services as the web pages (docs/architecture.md).

Auth: ``Authorization: Bearer <token>`` (``jiesu token create USERNAME``) or the web session (CSRF on unsafe
methods). Errors: ``{"error": {"code", "message", "field"}}``. OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.
"""

from __future__ import annotations

from ninja import NinjaAPI

from jiesu.api import errors
from jiesu.api.auth import BearerToken, WebSession
from jiesu.api.docs import LocalSwagger
from jiesu.api.endpoints import actions, followup, inspections, orders, tickets, track

api = NinjaAPI(
    title="Jiesu API",
    version="1",
    description="接诉即办 REST API v1. Every call acts as one person, with that person's access (rules §10).",
    urls_namespace="api",
    auth=[BearerToken(), WebSession()],
    docs=LocalSwagger(),
)
errors.install(api)
api.add_router("", tickets.router)
api.add_router("", actions.router)
api.add_router("", followup.router)
api.add_router("", track.router)
api.add_router("", followup.public)
api.add_router("", orders.router)  # R8.2
api.add_router("", inspections.router)  # R8.5, R8.6
