"""Delivering the outbox (issue 5 §3): each row is sent once; failures back off and retry; after the last
attempt a row is failed; a claim whose lease ran out is taken over; a sent row is never sent again."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from collections.abc import Iterator

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from jiesu.notify import delivery
from jiesu.notify.delivery import MAX_ATTEMPTS, backoff, claim, deliver_due
from jiesu.notify.models import Outbox, OutboxState
from jiesu.notify.services import notify_users
from tests.notify import fake_backends
from tests.support import user

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC)  # 09:00 in Beijing
FAILING = "tests.notify.fake_backends.FailingBackend"
RECORDING = "tests.notify.fake_backends.RecordingBackend"


@pytest.fixture(autouse=True)
def _clear_sent() -> Iterator[None]:
    fake_backends.SENT.clear()
    yield
    fake_backends.SENT.clear()
    fake_backends.ON_SEND.clear()


def _queue(username: str = "officer", **channels: bool) -> list[Outbox]:
    """One message to ``username`` through their channels (email by default; ``sms=True`` adds SMS)."""
    person = user(username)
    person.phone = "13800001111"
    person.save(update_fields=["phone"])
    if channels:
        from jiesu.notify.services import preference_update

        preference_update(
            user=person, email=channels.get("email", True), sms=channels.get("sms", False), wecom=False
        )
    notify_users("digest", [person], title="每日摘要：2026-11-24", body="待办 3 件。", url="/work/inbox/")
    return list(Outbox.objects.order_by("id"))


def test_backoff_doubles_from_thirty_seconds_up_to_an_hour() -> None:
    """30 s × 2^(attempts − 1), capped at 1 h."""
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4, 7, 8, 20)] == [
        30,
        60,
        120,
        240,
        1920,
        3600,
        3600,
    ]


def test_an_email_is_sent_once_with_a_chinese_subject_and_its_idempotency_key(demo_org: None) -> None:
    """The email leaves with the RFC 2047-encoded Chinese subject and a Message-ID made from the outbox id; a
    second delivery run sends nothing."""
    with time_machine.travel(START, tick=False):
        [row] = _queue()
        assert deliver_due() == 1
        assert deliver_due() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0].message()
    assert message["Message-ID"] == f"<jiesu-outbox-{row.pk}@127.0.0.1>"
    raw = message.as_bytes()
    assert b"=?utf-8?" in raw.split(b"\n\n", 1)[0].lower()  # encoded, not raw UTF-8, in the header
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"].strip() == "【接诉即办】每日摘要：2026-11-24"  # strip: the fold after "Subject:"
    assert mail.outbox[0].to == ["officer@demo.jiesu.edu.cn"]
    row.refresh_from_db()
    assert (row.state, row.attempts, row.sent_at, row.lease_until) == (OutboxState.SENT, 1, START, None)


@override_settings(JIESU_SMS_BACKEND=RECORDING)
def test_sms_go_through_the_configured_backend(demo_org: None) -> None:
    """An SMS row is sent through ``JIESU_SMS_BACKEND`` with its idempotency key."""
    rows = _queue(sms=True, email=False)
    [sms] = [r for r in rows if r.channel == "sms"]
    deliver_due()
    assert fake_backends.SENT == [("13800001111", sms.body, f"jiesu-outbox-{sms.pk}")]
    assert sms.body.startswith("【接诉即办】每日摘要")


@override_settings(JIESU_SMS_BACKEND=FAILING)
def test_a_failing_channel_backs_off_and_fails_after_the_last_attempt(demo_org: None) -> None:
    """Each failure records the error and waits 30 s, 60 s, 120 s …; nothing is retried early; after
    MAX_ATTEMPTS the row is failed and left alone. The email to the same person is unaffected."""
    with time_machine.travel(START, tick=False) as traveller:
        rows = _queue(sms=True)
        [sms] = [r for r in rows if r.channel == "sms"]
        assert deliver_due() == 2  # the email and the SMS taken; only the email sent
        assert len(mail.outbox) == 1
        for attempt in range(1, MAX_ATTEMPTS + 1):
            sms.refresh_from_db()
            assert sms.attempts == attempt
            assert "SMS gateway unreachable" in sms.last_error
            if attempt == MAX_ATTEMPTS:
                break
            assert sms.state == OutboxState.PENDING
            assert sms.next_attempt_at == timezone.now() + backoff(attempt)
            traveller.shift(backoff(attempt) - dt.timedelta(seconds=1))
            assert deliver_due() == 0  # not yet
            traveller.shift(dt.timedelta(seconds=1))
            assert deliver_due() == 1
        assert sms.state == OutboxState.FAILED
        traveller.shift(dt.timedelta(days=1))
        assert deliver_due() == 0
    assert len(mail.outbox) == 1


def test_a_row_claimed_by_a_worker_that_died_is_taken_over_after_its_lease(demo_org: None) -> None:
    """A worker claims a row and dies before sending: nobody else takes it while the lease runs; afterwards the
    next run sends it — once."""
    with time_machine.travel(START, tick=False) as traveller:
        [row] = _queue()
        [claimed] = claim(timezone.now(), 10)  # the worker that dies
        assert claimed.pk == row.pk
        assert deliver_due() == 0
        traveller.shift(delivery.LEASE + dt.timedelta(seconds=1))
        assert deliver_due() == 1
        assert deliver_due() == 0
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxState.SENT, 2)


def test_a_worker_whose_claim_was_taken_over_cannot_record_over_the_new_result(demo_org: None) -> None:
    """The slow worker's late "sent" (or retry) is refused: its claim (id, attempts) is no longer current."""
    with time_machine.travel(START, tick=False) as traveller:
        [row] = _queue()
        [slow] = claim(timezone.now(), 10)
        traveller.shift(delivery.LEASE + dt.timedelta(seconds=1))
        [fast] = claim(timezone.now(), 10)
        assert fast.attempts == slow.attempts + 1
        assert delivery._finish(fast, state=OutboxState.SENT, sent_at=timezone.now(), lease_until=None)
        assert not delivery._finish(slow, state=OutboxState.PENDING, next_attempt_at=timezone.now())
    row.refresh_from_db()
    assert row.state == OutboxState.SENT


def test_sent_rows_are_never_claimed_again(demo_org: None) -> None:
    """However far the clock moves and however often delivery runs, a sent row stays sent once."""
    with time_machine.travel(START, tick=False) as traveller:
        _queue()
        deliver_due()
        for _ in range(3):
            traveller.shift(dt.timedelta(hours=2))
            assert deliver_due() == 0
    assert len(mail.outbox) == 1


def test_a_batch_takes_at_most_its_limit_oldest_first(demo_org: None) -> None:
    """``limit`` bounds one run; the caller loops while full batches come back."""
    with time_machine.travel(START, tick=False):
        for name in ("officer", "head", "handler"):
            _queue(name)
        assert deliver_due(limit=2) == 2
        assert deliver_due(limit=2) == 1
        assert deliver_due(limit=2) == 0
    assert len(mail.outbox) == 3


@override_settings(JIESU_SMS_BACKEND=RECORDING)
def test_each_message_is_recorded_sent_as_soon_as_it_left(demo_org: None) -> None:
    """Each message's result is recorded right after its send, before the next one goes: a worker dying in
    the middle of a batch never sends again what was already sent. Receipts lose their text (tracking code,
    R10.1), other messages keep it."""
    with time_machine.travel(START, tick=False) as traveller:
        for name in ("officer", "head", "handler"):
            _queue(name, email=False, sms=True)
        receipt = Outbox.objects.order_by("id").first()
        Outbox.objects.filter(pk=receipt.pk).update(event="received")  # the first one as a receipt
        seen: list[int] = []

        def sending(key: str) -> None:
            seen.append(Outbox.objects.filter(state=OutboxState.SENT).count())  # recorded before this send
            traveller.shift(dt.timedelta(milliseconds=100))

        fake_backends.ON_SEND.append(sending)
        assert deliver_due() == 3
    assert seen == [0, 1, 2]
    rows = list(Outbox.objects.order_by("id"))
    assert [r.state for r in rows] == [OutboxState.SENT] * 3
    step = dt.timedelta(milliseconds=100)
    assert [r.sent_at for r in rows] == [START + step, START + 2 * step, START + 3 * step]
    assert "每日摘要" not in rows[0].body  # the receipt's text is gone
    assert all(r.body.startswith("【接诉即办】每日摘要") for r in rows[1:])
