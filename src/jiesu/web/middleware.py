"""Site-wide answers to two questions no single view should have to remember: may this answer be cached, and is
this session still alive (docs/security.md)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_cache_control

# A session's expiry is pushed forward at most this often, so an active person's every click is not a write.
SESSION_TOUCH_SECONDS = 300
TOUCHED = "_jiesu_touched"


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every page and API answer unless a view said ``public``: nearly every
    dynamic answer shows someone's requests, contacts or name, and none may stay in a shared or browser cache.
    Static files (whitenoise, earlier in the chain) keep their long cache headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        elif "public" not in response["Cache-Control"]:
            patch_cache_control(response, private=True, no_store=True)
        return response


class SessionIdleMiddleware:
    """Sessions end after ``SESSION_COOKIE_AGE`` (8 hours by default) without activity: a signed-in request
    pushes the expiry forward — at most once every ``SESSION_TOUCH_SECONDS``, instead of a write per request as
    ``SESSION_SAVE_EVERY_REQUEST`` would — so the idle limit holds to within those five minutes (never longer)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = getattr(request, "session", None)
        if (
            session is not None
            and request.COOKIES.get(settings.SESSION_COOKIE_NAME)
            and not session.is_empty()
        ):
            now = int(time.time())
            if now - int(session.get(TOUCHED, 0)) >= SESSION_TOUCH_SECONDS:
                session[TOUCHED] = now  # modified: saved with a fresh SESSION_COOKIE_AGE
        return self.get_response(request)


@receiver(user_logged_in)
def _touched_at_sign_in(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    """A new session starts touched: the sign-in's own save sets its expiry, so the next page writes nothing."""
    session = getattr(request, "session", None)
    if session is not None:
        session[TOUCHED] = int(time.time())
