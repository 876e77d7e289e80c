"""Deployment checks of the notify app (``jiesu check --deploy``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core import checks

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0"})  # noqa: S104 - a list to compare with


@checks.register(checks.Tags.security, deploy=True)
def site_url_is_public(**kwargs: Any) -> list[checks.CheckMessage]:
    """Links in messages (the rating link, "open in Jiesu") use JIESU_SITE_URL: in production it must be the
    address requesters reach the site at, over HTTPS."""
    url = urlparse(settings.JIESU_SITE_URL)
    if (url.hostname or "") in LOCAL_HOSTS or url.scheme != "https":
        return [
            checks.Warning(
                f"JIESU_SITE_URL is {settings.JIESU_SITE_URL!r}: links in notifications would not reach people.",
                hint="Set JIESU_SITE_URL to the public https:// address of the site.",
                id="jiesu.notify.W001",
            )
        ]
    return []
