"""Issue 17 item 8, short form: ``benchmarks/bench_faults.py --short`` on the test database.

Twenty submitters (web form and API) for 15 s while gunicorn and the worker are each SIGKILLed once and
restarted; the benchmark then checks every answer against the database and the delivered notifications. Slow
(it starts real processes) but part of ``make test``: the check is the point, not the speed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from jiesu.notify.models import Outbox
from jiesu.tickets.models import Ticket
from jiesu.tickets.states import Status
from tests.support import drive
from tests.worker.test_reliability import _database_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.usefixtures("demo_org")]

REPO = Path(__file__).resolve().parents[2]


def test_intake_and_delivery_survive_sigkill_of_server_and_worker() -> None:
    command = [
        sys.executable,
        str(REPO / "benchmarks" / "bench_faults.py"),
        "--short",
        "--no-setup",
        "--database-url",
        _database_url(),
    ]
    if connection.vendor == "postgresql":
        command += ["--queue-url", os.environ.get("JIESU_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    lines = done.stdout.strip().splitlines()
    assert lines, f"no summary; stderr:\n{done.stderr[-4000:]}"
    summary = json.loads(lines[-1])
    assert summary["violation_count"] == 0, (summary["violations"], done.stderr[-4000:])
    assert done.returncode == 0
    assert (summary["kills"]["server"], summary["kills"]["worker"]) == (1, 1)
    assert summary["answers"]["accepted_web"] > 0 and summary["answers"]["accepted_api"] > 0
    assert summary["tickets"] >= summary["answers"]["accepted"]
    assert summary["outbox"]["delivered_rows"] == summary["outbox"]["rows"] >= summary["tickets"]


def _bench() -> Any:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import bench_faults  # noqa: PLC0415 - a script, not a package
    finally:
        sys.path.pop(0)
    return bench_faults


def test_the_check_catches_a_lost_a_doubled_and_a_phantom_delivery(tmp_path: Path) -> None:
    """The benchmark's check can fail: one row never delivered, one sent three times after a single worker kill,
    one delivery naming no row, one row left pending, a ticket with two receipts."""
    check = _bench()._check_outbox
    rows = [
        Outbox.objects.create(
            event="received",
            channel="email",
            address="a@example.edu.cn",
            subject=f"No. 20261207-00000{i}",
            body="-",
            state="sent",
        )
        for i in range(4)
    ]
    rows[3].state = "pending"
    rows[3].subject = "No. 20261207-000001"
    rows[3].save()
    record = tmp_path / "sent.log"
    keys = [rows[0].pk, rows[1].pk, rows[1].pk, rows[1].pk, rows[3].pk, rows[3].pk + 100]
    record.write_text("".join(f"email\t<jiesu-outbox-{k}@x>\ta\ts\n" for k in keys), encoding="utf-8")
    violations: dict[str, list[Any]] = defaultdict(list)
    numbers = Counter(["20261207-000000", "20261207-000001", "20261207-000002"])
    figures = check(numbers, rows[0].pk - 1, record, 1, violations)
    assert violations["outbox_never_delivered"] == [rows[2].pk]
    assert violations["resent_beyond_kills"] == [rows[1].pk]
    assert violations["delivery_of_no_row"] == [rows[3].pk + 100]
    assert violations["outbox_not_sent"] == [[rows[3].pk, "pending"]]
    assert violations["receipt_not_once"] == [["20261207-000001", 2]]
    assert figures["resent_same_key"] == 1 and figures["rows"] == 4


def test_the_check_catches_a_lost_and_a_doubled_ticket() -> None:
    """An accepted request with no ticket, one request recorded twice, a refused one recorded, a stray ticket."""
    bench = _bench()
    made = [drive(Status.NEW) for _ in range(4)]
    for ticket, handle in zip(
        made, ["r1-000-00000", "r1-000-00000", "r1-000-00002", "r1-009-00009"], strict=True
    ):
        Ticket.objects.filter(pk=ticket.pk).update(content=f"{ticket.content}[fx {handle}]")
    answers = [
        bench.Answer("r1-000-00000", "api", "accepted", 201, made[0].number),
        bench.Answer("r1-000-00001", "api", "accepted", 201, "20990101-000001"),
        bench.Answer("r1-000-00002", "web", "refused", 500),
    ]
    violations: dict[str, list[Any]] = defaultdict(list)
    numbers, _doubt = bench._check_tickets("r1", answers, violations)
    assert violations["two_tickets_for_one_request"] == ["r1-000-00000"]
    assert violations["accepted_but_not_recorded"] == ["r1-000-00001"]
    assert violations["refused_but_recorded"] == [["r1-000-00002", 500]]
    assert violations["ticket_for_no_request"] == ["r1-009-00009"]
    assert sum(numbers.values()) == 4
