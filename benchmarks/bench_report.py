"""Benchmark (issue 13 item 2): the weekly 情况专报 for a week of 400,000 tickets (Beijing 12345's weekly volume).

    psql -h 127.0.0.1 -d test -c 'CREATE DATABASE jiesu_bench_report'
    DATABASE_URL=postgres://root@127.0.0.1:5432/jiesu_bench_report \\
        .venv/bin/python benchmarks/bench_report.py [--tickets 400000] [--fresh] [--quick] [--explain]

The demo's bulk loader (as ``bench_queries``) writes the tickets received over one ISO week (2026-W48, Monday
2026-11-23 00:00 to Monday 2026-11-30 00:00, Asia/Shanghai) with their clocks, follow-ups and histories; the
database is ``VACUUM ANALYZE``d; then, after a warm-up, each measurement is repeated:

* figures: ``WeeklyReport(week).figures()`` — the grouped counts by unit, channel and type and the three lists;
* figures + DOCX: the same plus ``render_docx`` (what ``jiesu report weekly`` and issuing do) — goal ≤ 5 s.

``--fresh`` drops and recreates the database named in DATABASE_URL first (it must be a disposable one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import django_setup, percentile, table  # noqa: E402

WEEK = "2026-W48"


def _time(run: Callable[[], Any], iterations: int, warm: int = 1) -> tuple[float, float, float]:
    for _ in range(warm):
        run()
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return percentile(samples, 0.5), percentile(samples, 0.95), max(samples)


def _fill(tickets: int, seed: int) -> float:
    """Load the week's tickets unless they are there; returns the seconds it took (0 when nothing was needed)."""
    from jiesu.demo.bulk import load
    from jiesu.demo.progress import Progress
    from jiesu.reporting.weekly import Week
    from jiesu.supervision.figures import SHANGHAI
    from jiesu.tickets.models import Ticket

    week = Week.parse(WEEK)
    have = Ticket.objects.filter(received_at__gte=week.period.start, received_at__lt=week.end).count()
    if have >= tickets:
        return 0.0
    started = time.perf_counter()
    # "now" is the Sunday evening that ends the week: the loader's last seven days are exactly Monday–Sunday.
    load(
        tickets=tickets - have,
        days=7,
        seed=seed + have,
        now=dt.datetime(2026, 11, 29, 23, 30, tzinfo=SHANGHAI),
        progress=Progress(tickets - have, label=f"load {WEEK} to {tickets:,}"),
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=400_000)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--quick", action="store_true", help="20,000 tickets and 3 iterations")
    parser.add_argument("--explain", action="store_true", help="print the grouped queries' plans")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a disposable PostgreSQL database")
    tickets = 20_000 if args.quick else args.tickets
    iterations = 3 if args.quick else args.iterations
    from bench_queries import _recreate

    if args.fresh:
        _recreate(url)
    django_setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    call_command("migrate", verbosity=0)
    call_command("demo-org", stdout=open(os.devnull, "w"))  # noqa: SIM115 - one short call
    seconds = _fill(tickets, args.seed)
    if seconds:
        print(f"loaded {tickets:,} tickets into {WEEK} in {seconds:.0f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    from jiesu.reporting.docx import render_docx
    from jiesu.reporting.weekly import Week, WeeklyReport
    from jiesu.supervision.figures import SHANGHAI

    week = Week.parse(WEEK)
    as_of = dt.datetime(2026, 11, 30, 8, 0, tzinfo=SHANGHAI)
    sizes: dict[str, int] = {}

    def figures() -> None:
        f = WeeklyReport(week, as_of=as_of).figures()
        sizes["received"] = f.received

    def with_docx() -> None:
        f = WeeklyReport(week, as_of=as_of).figures()
        sizes["docx bytes"] = len(render_docx(f, texts={"summary": "本周总体平稳。"}, omitted=[]))

    rows = []
    with translation.override("zh-hans"):
        for name, run in (("weekly figures", figures), ("weekly figures + DOCX", with_docx)):
            p50, p95, worst = _time(run, iterations)
            rows.append([f"{tickets:,}", name, iterations, f"{p50:.0f}", f"{p95:.0f}", f"{worst:.0f}"])
            print(rows[-1], flush=True)
    print(f"week {WEEK}: {sizes}")
    if args.explain:
        from jiesu.supervision import selectors

        by = ("unit", "channel", "type")
        for qs in (
            selectors._ticket_rows(week.period, by),
            selectors._clock_rows(week.period, by, as_of),
            selectors._followup_rows(week.period, by),
        ):
            sql, params = qs.query.sql_with_params()  # type: ignore[attr-defined]
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                print("\n".join(row[0] for row in cursor.fetchall()), end="\n\n")
    print(table(["tickets in the week", "measurement", "runs", "p50 ms", "p95 ms", "max ms"], rows))


if __name__ == "__main__":
    main()
