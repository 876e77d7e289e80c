"""Run for real (issue 5, tests): an SMTP server on loopback that answers "451 try later" twice, then accepts.
The worker retries with back-off and the message arrives once, with the right Chinese subject."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.test import override_settings

from jiesu.notify.delivery import backoff, deliver_due
from jiesu.notify.models import Outbox, OutboxState
from tests.support import hotline_call

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC)


class RefusesAtFirst:
    """An SMTP handler that answers 451 to the first ``refusals`` messages, then accepts and keeps them."""

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.tries = 0
        self.accepted: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        self.tries += 1
        if self.tries <= self.refusals:
            return "451 4.3.0 Try again later"
        self.accepted.append(envelope.original_content or envelope.content)
        return "250 2.0.0 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[RefusesAtFirst, int]]:
    handler = RefusesAtFirst(refusals=2)
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def test_mail_refused_for_a_while_is_retried_and_arrives_once(demo_org: None, smtp) -> None:
    """Two 451 answers → two back-offs (30 s, 60 s) → the third try is accepted; later runs send nothing."""
    handler, port = smtp
    with (
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_TIMEOUT=10,
            JIESU_SMS_BACKEND="tests.notify.fake_backends.RecordingBackend",
        ),
        time_machine.travel(START, tick=True) as traveller,
    ):
        ticket = hotline_call(email="caller@example.com")
        row = Outbox.objects.get(event="received", channel="email")
        deliver_due()
        row.refresh_from_db()
        assert (row.state, row.attempts) == (OutboxState.PENDING, 1)
        assert "451" in row.last_error
        traveller.shift(backoff(1) + dt.timedelta(seconds=1))
        deliver_due()
        row.refresh_from_db()
        assert (row.state, row.attempts) == (OutboxState.PENDING, 2)
        traveller.shift(backoff(2) + dt.timedelta(seconds=1))
        deliver_due()
        row.refresh_from_db()
        assert row.state == OutboxState.SENT
        for _ in range(3):
            traveller.shift(dt.timedelta(minutes=10))
            deliver_due()
    assert handler.tries == 3
    [raw] = handler.accepted
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"].strip() == f"【接诉即办】您的诉求已受理（编号 {ticket.number}）"
    assert message["To"] == "caller@example.com"
    assert message["Message-ID"] == f"<jiesu-outbox-{row.pk}@127.0.0.1>"
    body = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert f"您的诉求“3号楼热水器坏了。”已受理，编号 {ticket.number}。" in body
