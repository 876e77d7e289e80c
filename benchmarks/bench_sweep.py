"""Benchmark (issue 5, Performance): the minute sweep over 1,000,000 open tickets on PostgreSQL.

    DATABASE_URL=postgres://root@127.0.0.1:5432/jiesu_bench \\
        .venv/bin/python benchmarks/bench_sweep.py [--tickets 1000000] [--overdue 10000] [--fresh]

The database is filled with the bulk loader (``jiesu demo-data --bulk``) up to ``--tickets``, then put in the
steady state of a system whose worker has been sweeping all along: every ticket open (``handling``, with a
lead unit), every existing clock already swept, and one unmet formal-reply clock per ticket due in the next
1–10 days. Measured, each with ``run_sweep`` exactly as the worker calls it (breaches, due-soon clocks,
notifications queued in the same transactions, the Office summary, the digest check):

1. a sweep with nothing newly due (goal ≤ 0.2 s), ten times after a warm-up;
2. a sweep right after ``--overdue`` of those clocks passed their due instant (goal ≤ 10 s), which records
   10,000 breaches and queues their notifications (in-app + email for each lead-unit member).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import django_setup, percentile, table  # noqa: E402
from bench_queries import PER_DAY, _recreate  # noqa: E402

BENCH_ROUND = 99  # the steady-state clocks use their own round, so they never collide with loaded ones


def _fill(size: int, seed: int) -> None:
    import math

    from jiesu.demo.bulk import load
    from jiesu.demo.progress import Progress
    from jiesu.tickets.models import Ticket

    have = Ticket.objects.count()
    if have < size:
        missing = size - have
        load(
            tickets=missing,
            days=max(30, math.ceil(size / PER_DAY)),
            seed=seed + have,
            progress=Progress(missing, label=f"load to {size:,}"),
        )


def _steady_state() -> None:
    """All tickets open, all clocks swept, one fresh unmet clock per ticket (plain SQL: setup, not measured)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT id FROM org_unit WHERE code = 'logistics'")
        (logistics,) = cur.fetchone()
        cur.execute(
            "UPDATE tickets_ticket SET status = 'handling', closed_at = NULL, "
            "lead_unit_id = COALESCE(lead_unit_id, %s) WHERE status <> 'handling' OR lead_unit_id IS NULL",
            [logistics],
        )
        # The previous run's breaches of the bench clocks go: breaches are append-only (a trigger, tickets
        # 0010), lifted here for this disposable database's setup only, inside the transaction.
        cur.execute("ALTER TABLE tickets_breach DISABLE TRIGGER append_only_tickets_breach")
        cur.execute(
            "DELETE FROM tickets_breach WHERE clock_id IN (SELECT id FROM tickets_clock WHERE round = %s)",
            [BENCH_ROUND],
        )
        cur.execute("ALTER TABLE tickets_breach ENABLE TRIGGER append_only_tickets_breach")
        cur.execute("DELETE FROM tickets_clock WHERE round = %s", [BENCH_ROUND])
        cur.execute(
            "UPDATE tickets_clock SET breached_at = COALESCE(breached_at, due_at), "
            "soon_notified_at = COALESCE(soon_notified_at, soon_at) "
            "WHERE met_at IS NULL AND (breached_at IS NULL OR soon_notified_at IS NULL)"
        )
        cur.execute(
            "UPDATE tickets_cohandlingrequest SET breached_at = COALESCE(breached_at, due_at), "
            "soon_notified_at = COALESCE(soon_notified_at, soon_at) WHERE answered_at IS NULL"
        )
        cur.execute(
            "INSERT INTO tickets_clock (ticket_id, kind, round, started_at, due_at, soon_at, provisional, rule) "
            "SELECT id, 'reply', %s, now(), d, d - interval '2 hours', false, 'R4.2 formal reply (benchmark)' "
            "FROM (SELECT id, now() + interval '1 day' + random() * interval '9 days' AS d "
            "FROM tickets_ticket) t",
            [BENCH_ROUND],
        )
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE tickets_clock")
        cur.execute("VACUUM ANALYZE tickets_ticket")


def _make_overdue(count: int) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "UPDATE tickets_clock SET due_at = now() - interval '1 minute', "
            "soon_at = now() - interval '2 hours 1 minute' WHERE id IN ("
            "SELECT id FROM tickets_clock WHERE round = %s AND met_at IS NULL AND breached_at IS NULL "
            "ORDER BY random() LIMIT %s)",
            [BENCH_ROUND, count],
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--overdue", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a disposable PostgreSQL database (see the docstring)")
    if args.fresh:
        _recreate(url)
    django_setup()
    from django.core.management import call_command
    from django.db import connection

    from jiesu.notify.models import Notification, Outbox
    from jiesu.tickets.models import Breach, Ticket
    from jiesu.worker.sweep import run_sweep

    call_command("migrate", verbosity=0)
    call_command("demo-org", stdout=open(os.devnull, "w"))  # noqa: SIM115 - one short call
    _fill(args.tickets, args.seed)
    started = time.perf_counter()
    _steady_state()
    print(
        f"steady state for {Ticket.objects.count():,} open tickets in {time.perf_counter() - started:.0f} s"
    )
    run_sweep()  # warm-up: today's digests, caches, connections

    idle = []
    for _ in range(10):
        t0 = time.perf_counter()
        result = run_sweep()
        idle.append(time.perf_counter() - t0)
        assert result.overdue == 0, result

    _make_overdue(args.overdue)
    before = (Breach.objects.count(), Notification.objects.count(), Outbox.objects.count())
    t0 = time.perf_counter()
    result = run_sweep()
    busy = time.perf_counter() - t0
    after = (Breach.objects.count(), Notification.objects.count(), Outbox.objects.count())
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM tickets_ticket WHERE status = 'handling'")
        (open_count,) = cur.fetchone()
    rows = [
        [
            "sweep, nothing newly due (p50 / max of 10)",
            f"{percentile(idle, 0.5) * 1000:.1f} ms / {max(idle) * 1000:.1f} ms",
            "≤ 0.2 s",
        ],
        [
            f"sweep, {result.overdue:,} newly overdue",
            f"{busy:.2f} s ({after[0] - before[0]:,} breaches, {after[1] - before[1]:,} in-app, "
            f"{after[2] - before[2]:,} outbox rows)",
            "≤ 10 s",
        ],
    ]
    print(f"open tickets: {open_count:,}")
    print(table(["measure", "result", "goal"], rows))


if __name__ == "__main__":
    main()
