"""Template context shared by every page."""

from typing import Any

from django.http import HttpRequest

from jiesu.org.selectors import roles_for


def roles(request: HttpRequest) -> dict[str, Any]:
    """Expose the signed-in person's roles (resolved once per request)."""
    return {"my_roles": roles_for(getattr(request, "user", None))}
