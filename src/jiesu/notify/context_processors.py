"""The unread count beside "Notifications" in the global nav: one COUNT for a signed-in person, none otherwise."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from jiesu.notify.selectors import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """``notify_unread``: 0 for anonymous visitors; for a signed-in person a callable the template calls on
    first use — counted once per response, and not at all by a response that never shows the nav."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notify_unread": 0}
    return {"notify_unread": cache(lambda: unread_count(user))}
