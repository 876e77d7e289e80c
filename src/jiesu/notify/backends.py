"""Channel backends (issue 5 §3): email through Django's email backends, SMS and WeCom (企业微信) pluggable.

A backend sends one message and raises on failure (the outbox then retries with back-off). Each is built once
per delivery batch, may keep a connection open for the batch, and is closed afterwards. ``key`` is the
outbox row's idempotency key: a receiver that sees it twice (a worker died after sending, before recording
it) can drop the repeat — email carries it as the Message-ID.

Settings name the backends by dotted path: ``JIESU_SMS_BACKEND``, ``JIESU_WECOM_BACKEND`` (console by
default: one line on the worker's stdout); email uses Django's ``EMAIL_BACKEND`` (SMTP when ``EMAIL_HOST``
is set).
"""

from __future__ import annotations

import json
import sys
import urllib.request
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

from jiesu.privacy import mask_phone

WEBHOOK_TIMEOUT = 10  # seconds


class Backend:
    """Send one message through one channel; raise on failure."""

    def send(self, *, address: str, subject: str, body: str, key: str) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the batch held (a connection)."""


class DjangoEmailBackend(Backend):
    """Email through ``settings.EMAIL_BACKEND``, one connection per batch (reopened after an error)."""

    def __init__(self) -> None:
        self._connection: Any = None

    def send(self, *, address: str, subject: str, body: str, key: str) -> None:
        if self._connection is None:
            self._connection = get_connection(fail_silently=False)
        message = EmailMessage(
            subject=subject,  # Django encodes non-ASCII headers (RFC 2047, UTF-8)
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            headers={"Message-ID": f"<{key}@{_domain()}>"},
            connection=self._connection,
        )
        try:
            sent = message.send()
        except Exception:
            self.close()  # a refused or broken session: the next message opens a fresh one
            raise
        if sent != 1:
            raise RuntimeError("the email backend accepted no message")

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # noqa: BLE001, S110 - closing a dead connection must not hide the send's result
                pass
            self._connection = None


def _domain() -> str:
    return urlparse(settings.JIESU_SITE_URL).hostname or "jiesu.localhost"


def _one_line(text: str) -> str:
    return " ".join(text.split())


class ConsoleSmsBackend(Backend):
    """Prints one line per SMS on stdout, with the phone number masked (R10.2)."""

    def send(self, *, address: str, subject: str, body: str, key: str) -> None:
        sys.stdout.write(f"[sms] {mask_phone(address)} {key}: {_one_line(body)}\n")
        sys.stdout.flush()


class ConsoleWecomBackend(Backend):
    """Prints one line per WeCom message on stdout."""

    def send(self, *, address: str, subject: str, body: str, key: str) -> None:
        sys.stdout.write(f"[wecom] {address} {key}: {_one_line(subject or body)}\n")
        sys.stdout.flush()


class WebhookWecomBackend(Backend):
    """Posts to a WeCom group robot (``JIESU_WECOM_WEBHOOK_URL``), mentioning the member by userid.

    Any HTTP error, a timeout or a non-zero ``errcode`` raises, so the outbox retries."""

    def __init__(self) -> None:
        self.url = settings.JIESU_WECOM_WEBHOOK_URL
        if urlparse(self.url).scheme not in ("https", "http"):
            raise ImproperlyConfigured("JIESU_WECOM_WEBHOOK_URL must be an http(s) URL")

    def send(self, *, address: str, subject: str, body: str, key: str) -> None:
        payload = {"msgtype": "text", "text": {"content": body, "mentioned_list": [address]}}
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": key},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
        if answer.get("errcode", 0) != 0:
            raise RuntimeError(f"WeCom webhook refused the message: {answer.get('errmsg', answer)}")


def load(channel: str) -> Backend:
    """A fresh backend for the channel, from settings."""
    if channel == "email":
        return DjangoEmailBackend()
    path = {"sms": settings.JIESU_SMS_BACKEND, "wecom": settings.JIESU_WECOM_BACKEND}[channel]
    backend = import_string(path)()
    if not isinstance(backend, Backend):
        raise ImproperlyConfigured(f"{path} is not a jiesu.notify.backends.Backend")
    return backend
