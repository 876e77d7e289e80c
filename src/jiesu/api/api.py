"""REST API v1 (django-ninja). Being built; see docs/architecture.md."""

from ninja import NinjaAPI

api = NinjaAPI(title="Jiesu API", version="1", urls_namespace="api")
