"""Sending the outbox (issue 5 §3): claim due rows, send each through its channel, record the result.

Claiming is what keeps two workers (on two machines) from sending one row twice:

- PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` picks rows no other worker is claiming, and one ``UPDATE``
  marks them ``sending`` with a lease, in one short transaction;
- SQLite: each candidate is claimed by a conditional ``UPDATE … WHERE id = ? AND <still due>``; a row count of 0
  means another worker took it.

The claim commits before anything is sent. A claim raises ``attempts`` by one, so (id, attempts) names this
claim: marking the row ``sent`` (or scheduling a retry) is conditional on it, and a worker whose lease ran out
and whose row was claimed again cannot overwrite the newer result. A ``sent`` row is never claimed again.

Failures back off exponentially (30 s × 2^(attempts − 1), at most 1 h); after ``MAX_ATTEMPTS`` the row is
``failed`` and shows on the Office's outbox page. If a worker dies between sending and recording, the lease
expires and the message is sent again with the same idempotency key (email: the same Message-ID), so the
receiver can drop the repeat — delivery is at least once, recorded exactly once.

Call ``deliver_due`` outside any transaction so each claim and each result commits on its own.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jiesu.notify import backends
from jiesu.notify.models import Outbox, OutboxState

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_DELAY = dt.timedelta(seconds=30)
MAX_DELAY = dt.timedelta(hours=1)
# Longer than one send can take (backends time out after 10–20 s; the lease is renewed before each send).
LEASE = dt.timedelta(seconds=settings.JIESU_OUTBOX_LEASE_SECONDS)


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed try: 30 s, 1 min, 2 min, … capped at 1 h."""
    return min(BASE_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)


def idempotency_key(row: Outbox) -> str:
    return f"jiesu-outbox-{row.pk}"


def _due(now: dt.datetime) -> Q:
    return Q(state=OutboxState.PENDING, next_attempt_at__lte=now) | Q(
        state=OutboxState.SENDING, lease_until__lte=now
    )


def _candidates(now: dt.datetime, limit: int) -> list[int]:
    """Due rows in order: waiting ones by their next attempt, then ones whose worker's lease ran out."""
    waiting = Outbox.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=now).order_by(
        "next_attempt_at", "id"
    )
    stale = Outbox.objects.filter(state=OutboxState.SENDING, lease_until__lte=now).order_by(
        "lease_until", "id"
    )
    if connection.vendor == "postgresql":
        waiting = waiting.select_for_update(skip_locked=True)
        stale = stale.select_for_update(skip_locked=True)
    ids = list(waiting.values_list("id", flat=True)[:limit])
    if len(ids) < limit:
        ids += list(stale.values_list("id", flat=True)[: limit - len(ids)])
    return ids


def claim(now: dt.datetime, limit: int) -> list[Outbox]:
    """Take up to ``limit`` due rows for this worker; committed before the caller sends anything."""
    claimed = {"state": OutboxState.SENDING, "lease_until": now + LEASE, "attempts": F("attempts") + 1}
    # One transaction: on PostgreSQL the candidates are row-locked (SKIP LOCKED), on SQLite the IMMEDIATE
    # transaction holds the only write lock — either way no other worker can take them in between.
    with transaction.atomic():
        ids = _candidates(now, limit)
        if ids:
            Outbox.objects.filter(_due(now), pk__in=ids).update(**claimed)
    if not ids:
        return []
    return list(Outbox.objects.filter(pk__in=ids, state=OutboxState.SENDING).order_by("id"))


def _finish(row: Outbox, **changes: object) -> bool:
    """Record a result only while the row is still this worker's claim."""
    done = Outbox.objects.filter(pk=row.pk, state=OutboxState.SENDING, attempts=row.attempts).update(
        **changes
    )
    if done != 1:
        log.warning("outbox %s: the claim was lost before its result was recorded", row.pk)
    return done == 1


def _failed(row: Outbox, error: Exception, now: dt.datetime) -> None:
    text = f"{type(error).__name__}: {error}"[:2000]
    if row.attempts >= MAX_ATTEMPTS:
        _finish(row, state=OutboxState.FAILED, lease_until=None, last_error=text)
        log.error(
            "outbox %s (%s) failed for good after %s attempts: %s", row.pk, row.channel, row.attempts, text
        )
        return
    _finish(
        row,
        state=OutboxState.PENDING,
        lease_until=None,
        last_error=text,
        next_attempt_at=now + backoff(row.attempts),
    )
    log.info("outbox %s (%s) attempt %s failed, retrying: %s", row.pk, row.channel, row.attempts, text)


@contextmanager
def _senders() -> Iterator[dict[str, backends.Backend]]:
    opened: dict[str, backends.Backend] = {}
    try:
        yield opened
    finally:
        for backend in opened.values():
            backend.close()


# Messages carrying a secret (the tracking code of a receipt, the single-use rating link of a sent reply) keep
# only their subject once delivered: the body is not kept in plain text any longer than needed (R10.1).
SECRET_EVENTS = frozenset({"received", "reply_sent"})


def _redacted() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("(Sent. The text held a tracking code or a rating link and is not kept.)")


def _renew(row: Outbox, at: dt.datetime) -> bool:
    """Extend this worker's lease right before sending: a row whose lease ran out while earlier rows of the
    batch were being sent (a slow SMTP server) may have been claimed by another worker — then skip it."""
    return (
        Outbox.objects.filter(pk=row.pk, state=OutboxState.SENDING, attempts=row.attempts).update(
            lease_until=at + LEASE
        )
        == 1
    )


def deliver_due(*, now: dt.datetime | None = None, limit: int = 50) -> int:
    """Claim up to ``limit`` due outbox rows, send them, record each result. Returns how many rows were taken
    (sent, rescheduled or failed), so a caller can loop while a full batch comes back."""
    stamp = now  # an explicit instant (tests, a replayed sweep) is also the sending time
    now = now or timezone.now()
    rows = claim(now, limit)
    with _senders() as opened:
        for row in rows:
            if not _renew(row, stamp or timezone.now()):
                log.warning("outbox %s: the claim was lost before sending; another worker has it", row.pk)
                continue
            try:
                backend = opened.get(row.channel) or opened.setdefault(
                    row.channel, backends.load(row.channel)
                )
                backend.send(
                    address=row.address, subject=row.subject, body=row.body, key=idempotency_key(row)
                )
            except Exception as error:  # noqa: BLE001 - any failure of a channel is a retry, not a crash
                _failed(row, error, now)
                continue
            sent: dict[str, object] = {"state": OutboxState.SENT, "lease_until": None, "last_error": ""}
            sent["sent_at"] = stamp or timezone.now()
            if row.event in SECRET_EVENTS:
                sent["body"] = _redacted()
            _finish(row, **sent)
    return len(rows)
