"""The worker, run for real (issue 5 tests): a separate ``jiesu worker`` process on the test database.

- Killed with SIGKILL in the middle of a sweep and restarted: every due notification is sent exactly once.
- Two workers sharing the Redis queue on 127.0.0.1:6379 (as in production) never double-send.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import time_machine
from django.db import connection

from jiesu.notify.models import Notification, Outbox
from jiesu.tickets.models import Breach, Clock, ClockKind, Ticket
from jiesu.tickets.states import Status
from tests.support import at, drive

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
JIESU = Path(sys.executable).with_name("jiesu")


def _database_url() -> str:
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(conf['NAME']).resolve()}"
    user = conf.get("USER") or "root"
    host = conf.get("HOST") or "127.0.0.1"
    port = conf.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{conf['NAME']}"


def _overdue_tickets(count: int) -> list[int]:
    """``count`` dispatched tickets whose response clock is overdue: one through the services, the rest
    copied from it in bulk (the worker, not the setup, is under test)."""
    with time_machine.travel(at(2026, 11, 24, 9, 0), tick=False):
        model = drive(Status.DISPATCHED)
    clock = Clock.objects.get(ticket=model, kind=ClockKind.RESPONSE)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    Clock.objects.filter(ticket=model).update(due_at=past, soon_at=past - dt.timedelta(hours=1))
    copies = []
    for i in range(count - 1):
        copy = Ticket.objects.get(pk=model.pk)
        copy.pk = None
        copy.number = f"{model.number[:8]}-9{i:05d}"
        copies.append(copy)
    Ticket.objects.bulk_create(copies, batch_size=500)
    new_ids = list(Ticket.objects.exclude(pk=model.pk).values_list("pk", flat=True))
    Clock.objects.bulk_create(
        [
            Clock(
                ticket_id=pk,
                kind=ClockKind.RESPONSE,
                round=1,
                started_at=clock.started_at,
                due_at=past,
                soon_at=past - dt.timedelta(hours=1),
                rule=clock.rule,
            )
            for pk in new_ids
        ],
        batch_size=500,
    )
    return [model.pk, *new_ids]


class Workers:
    """Start and stop ``jiesu worker`` processes against the test database."""

    def __init__(self, tmp: Path, queue_url: str, queue_name: str) -> None:
        self.record = tmp / "sent.log"
        self.record.touch()
        self.tmp = tmp
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "JIESU_QUEUE_URL": queue_url,
            "JIESU_QUEUE_NAME": queue_name,
            "JIESU_WORKER_THREADS": "1",
            "JIESU_SWEEP_BATCH": "20",
            "JIESU_EMAIL_BACKEND": "tests.worker.recording.EmailBackend",
            "JIESU_SMS_BACKEND": "tests.worker.recording.SmsBackend",
            "JIESU_WECOM_BACKEND": "tests.worker.recording.SmsBackend",
            "JIESU_RECORD_FILE": str(self.record),
            "PYTHONPATH": str(REPO),
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        log = open(self.tmp / f"worker-{len(self.procs)}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen([str(JIESU), "worker"], env=self.env, cwd=REPO, stdout=log, stderr=log)  # noqa: S603
        self.procs.append(proc)
        return proc

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.tmp.glob("worker-*.log")))

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def sent(self) -> Counter[str]:
        lines = [line.split("\t") for line in self.record.read_text(encoding="utf-8").splitlines() if line]
        return Counter(parts[1] for parts in lines)


def wait_for(condition: Callable[[], bool], what: str, workers: Workers, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    pytest.fail(f"timed out waiting for {what}; worker logs:\n{workers.logs()[-4000:]}")


@pytest.fixture
def workers_factory(tmp_path: Path) -> Iterator[Callable[[str, str], Workers]]:
    made: list[Workers] = []

    def make(queue_url: str, queue_name: str) -> Workers:
        workers = Workers(tmp_path, queue_url, queue_name)
        made.append(workers)
        return workers

    yield make
    for workers in made:
        workers.stop_all()


def _all_delivered() -> bool:
    return not Outbox.objects.exclude(state="sent").exists() and Outbox.objects.exists()


def _assert_exactly_once(workers: Workers, tickets: list[int]) -> None:
    assert Breach.objects.count() == len(tickets)
    assert Breach.objects.values("clock_id").distinct().count() == len(tickets)
    per_person = Counter(
        Notification.objects.filter(event="overdue").values_list("recipient_id", "ticket_id")
    )
    assert per_person and max(per_person.values()) == 1
    assert {t for _r, t in per_person} == set(tickets)
    emails = Outbox.objects.filter(channel="email")
    assert emails.count() == Outbox.objects.filter(channel="email", state="sent").count()
    sent = workers.sent()
    assert sent, "nothing was delivered"
    assert max(sent.values()) == 1, [key for key, n in sent.items() if n > 1][:5]
    assert len(sent) == emails.count()


def test_a_worker_killed_mid_sweep_and_restarted_sends_every_notification_exactly_once(
    demo_org: None, workers_factory: Callable[[str, str], Workers], tmp_path: Path
) -> None:
    """SIGKILL lands while the sweep is half-way through the breaches (some batches committed, some not);
    the restarted worker finishes the sweep and delivers: every breach once, every message once."""
    tickets = _overdue_tickets(1200)
    workers = workers_factory(f"sqlite:///{tmp_path / 'queue.sqlite3'}", "jiesu-kill")
    first = workers.start()
    wait_for(lambda: Breach.objects.exists(), "the first committed batch", workers)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    recorded = Breach.objects.count()
    assert 0 < recorded < len(tickets), "the kill must land mid-sweep; raise the ticket count"
    assert workers.sent() == Counter()  # the sweep delivers only after it has recorded everything

    workers.start()
    wait_for(lambda: Breach.objects.count() == len(tickets) and _all_delivered(), "the rest", workers)
    workers.stop_all()
    _assert_exactly_once(workers, tickets)


def test_two_workers_on_the_redis_queue_never_double_send(
    demo_org: None, workers_factory: Callable[[str, str], Workers]
) -> None:
    """Production layout: the queue in Redis (127.0.0.1:6379), two workers sweeping and delivering at once."""
    redis_url = os.environ.get("JIESU_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    tickets = _overdue_tickets(300)
    workers = workers_factory(redis_url, f"jiesu-test-{uuid.uuid4().hex[:8]}")
    workers.start()
    workers.start()
    wait_for(lambda: Breach.objects.count() == len(tickets) and _all_delivered(), "delivery", workers)
    workers.stop_all()
    assert "redis://" in workers.logs()
    _assert_exactly_once(workers, tickets)


@pytest.fixture(autouse=True)
def _drop_test_queues() -> Iterator[None]:
    """The Redis queues the test made (its scheduled wake-ups) are removed afterwards."""
    yield
    import redis

    client = redis.Redis.from_url(os.environ.get("JIESU_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
    for key in client.scan_iter("huey.*jiesutest*"):
        client.delete(key)
