"""Benchmark (issue 4 item 13b): worklist and ledger pages at 100 k and 1 M tickets on PostgreSQL.

    DATABASE_URL=postgres://root@127.0.0.1:5432/jiesu_bench \\
        .venv/bin/python benchmarks/bench_queries.py [--sizes 100000,1000000] [--fresh] [--quick]

For each size the database is filled up to that many tickets with the bulk loader (``jiesu demo-data --bulk``;
received over size / 900 days, about a university's volume), analyzed, then each query is timed
``--iterations`` times after a warm-up: the first page (50 rows) of the unit inbox of 后勤管理处's officer
(the busiest unit), the Office's overdue board for the dispatcher, and a filtered ledger page (school-wide,
web requests of the last 90 days, for the dispatcher), each rendered to Python rows (``list(...)``), with the
person's roles read afresh as a request would. Goals: p95 ≤ 100 ms at 1 M and p95(1 M) / p95(100 k) ≤ 1.5.

``--fresh`` drops and recreates the database named in DATABASE_URL first (it must be a disposable one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import django_setup, percentile, table  # noqa: E402

PER_DAY = 900  # requests a day at a university of ~30,000 people
PAGE = 50


def _recreate(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _fill(size: int, seed: int) -> float:
    """Load tickets until there are ``size``; returns the seconds it took (0 when nothing was needed)."""
    from jiesu.demo.bulk import load
    from jiesu.demo.progress import Progress
    from jiesu.tickets.models import Ticket

    have = Ticket.objects.count()
    if have >= size:
        return 0.0
    missing = size - have
    started = time.perf_counter()
    load(
        tickets=missing,
        days=max(30, math.ceil(size / PER_DAY)),
        seed=seed + have,
        progress=Progress(missing, label=f"load to {size:,}"),
    )
    return time.perf_counter() - started


def _queries() -> dict[str, Callable[[], list[Any]]]:
    from django.utils import timezone

    from jiesu.ledger.reports import LedgerFilter, LedgerReport
    from jiesu.org.models import User
    from jiesu.org.selectors import clear_roles_cache
    from jiesu.tickets import selectors

    officer = User.objects.get(username="officer")
    dispatcher = User.objects.get(username="dispatcher")
    today = timezone.localdate()

    def inbox() -> list[Any]:
        clear_roles_cache(officer)
        return list(selectors.unit_inbox(officer)[:PAGE])

    def overdue() -> list[Any]:
        clear_roles_cache(dispatcher)
        return list(selectors.overdue_board(dispatcher)[:PAGE])

    def ledger() -> list[Any]:
        clear_roles_cache(dispatcher)
        filters = LedgerFilter(channel="web", received_from=today - dt.timedelta(days=90), received_to=today)
        return LedgerReport.for_user(dispatcher, filters).page().rows

    return {
        "unit inbox (officer, 后勤管理处)": inbox,
        "overdue board (dispatcher)": overdue,
        "ledger page (web, last 90 days)": ledger,
    }


# The index proposed for the unit inbox (Ticket.Meta.indexes), tried with --try-index: open tickets of a unit in
# deadline order, so the first page is an ordered index range scan whatever the number of closed tickets.
PROPOSED_INDEX = (
    "CREATE INDEX IF NOT EXISTS ticket_unit_open_due ON tickets_ticket (lead_unit_id, next_due_at, id) "
    "WHERE status IN ('new', 'dispatched', 'handling', 'pending_approval')"
)


def _with_index(create: bool) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if create:
            cursor.execute(PROPOSED_INDEX)
            cursor.execute("ANALYZE tickets_ticket")
        else:
            cursor.execute("DROP INDEX IF EXISTS ticket_unit_open_due")


def _time(query: Callable[[], list[Any]], iterations: int) -> tuple[float, float, int]:
    for _ in range(5):
        rows = query()
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        rows = query()
        samples.append((time.perf_counter() - started) * 1000)
    return percentile(samples, 0.5), percentile(samples, 0.95), len(rows)


def _explain() -> None:
    """EXPLAIN of each query's SQL, so a missing index shows (printed with --explain)."""
    from django.db import connection

    from jiesu.org.models import User
    from jiesu.tickets import selectors

    officer = User.objects.get(username="officer")
    dispatcher = User.objects.get(username="dispatcher")
    for qs in (selectors.unit_inbox(officer)[:PAGE], selectors.overdue_board(dispatcher)[:PAGE]):
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN ANALYZE " + sql, params)
            print("\n".join(row[0] for row in cursor.fetchall()), end="\n\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument("--no-migrate", action="store_true", help="the database is migrated already")
    parser.add_argument("--try-index", action="store_true", help="also measure with the proposed inbox index")
    parser.add_argument("--quick", action="store_true", help="sizes 20000,100000 and 20 iterations")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit(
            "set DATABASE_URL to a disposable PostgreSQL database, e.g. "
            "postgres://root@127.0.0.1:5432/jiesu_bench"
        )
    sizes = [20_000, 100_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    iterations = 20 if args.quick else args.iterations
    if args.fresh:
        _recreate(url)
    django_setup()
    from django.core.management import call_command

    if not args.no_migrate:
        call_command("migrate", verbosity=0)
    call_command("demo-org", stdout=open(os.devnull, "w"))  # noqa: SIM115 - one short call
    results = {size: _measure(size, args.seed, iterations, args.explain, args.try_index) for size in sizes}
    print(_report(results, sizes))


Result = dict[str, tuple[float, float, int]]


def _measure(size: int, seed: int, iterations: int, explain: bool, try_index: bool) -> Result:
    seconds = _fill(size, seed)
    if seconds:
        print(f"loaded to {size:,} tickets in {seconds:.0f} s")
    result = {name: _time(query, iterations) for name, query in _queries().items()}
    if explain:
        _explain()
    if try_index:
        _with_index(create=True)
        inbox, query = next(iter(_queries().items()))
        result[inbox + " + proposed index"] = _time(query, iterations)
        if explain:
            _explain()
        _with_index(create=False)
    return result


def _report(results: dict[int, Result], sizes: list[int]) -> str:
    rows = []
    for name in results[sizes[0]]:
        row: list[object] = [name]
        for size in sizes:
            p50, p95, _n = results[size][name]
            row += [f"{p50:.1f}", f"{p95:.1f}"]
        if len(sizes) > 1:
            row.append(f"{results[sizes[-1]][name][1] / results[sizes[0]][name][1]:.2f}")
        rows.append(row)
    headers = ["query (first page, 50 rows)"]
    for size in sizes:
        headers += [f"p50 ms @ {size:,}", f"p95 ms @ {size:,}"]
    if len(sizes) > 1:
        headers.append(f"p95 ratio {sizes[-1]:,} / {sizes[0]:,}")
    return table(headers, rows)


if __name__ == "__main__":
    main()
