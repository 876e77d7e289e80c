"""Benchmark (issue 13): the assessment of all units over every ticket, and the dashboards, at 100 k and 1 M.

    DATABASE_URL=postgres://root@127.0.0.1:5432/jiesu_bench_assess \\
        .venv/bin/python benchmarks/bench_assess.py [--sizes 100000,1000000] [--fresh] [--quick] [--explain]

The database is filled with ``bench_queries``' loader (``jiesu demo-data --bulk``, 900 requests a day), analyzed,
then, after a warm-up, each measurement is repeated:

* assessment: ``AssessmentReport`` over the whole loaded history (every ticket, every unit), rows built —
  goal ≤ 5 s at 1 M;
* dashboard page: ``GET /dashboard/`` as the leader (the default period, the last 12 weeks), rendered —
  goal p95 ≤ 300 ms at 1 M — as served (the figures shared for ``JIESU_SUPERVISION_CACHE_SECONDS``, so one
  request in a slot computes them) and cold (the cache off: every request computes);
* dashboard for a semester (120 days) and the public summary of last month, the same two ways.

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


def _time(run: Callable[[], Any], iterations: int, warm: int = 2) -> tuple[float, float, float]:
    for _ in range(warm):
        run()
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return percentile(samples, 0.5), percentile(samples, 0.95), max(samples)


def _measurements(iterations: int) -> dict[str, tuple[Callable[[], Any], int]]:
    from django.db.models import Max, Min
    from django.test import Client, override_settings
    from django.utils import timezone

    from jiesu.org.models import User
    from jiesu.supervision.assessment import AssessmentReport
    from jiesu.supervision.figures import Period
    from jiesu.tickets.models import Ticket

    span = Ticket.objects.aggregate(first=Min("received_at"), last=Max("received_at"))
    whole = Period(timezone.localtime(span["first"]).date(), timezone.localtime(span["last"]).date())
    today = timezone.localdate()
    semester = f"from={today - dt.timedelta(days=119)}&to={today}"
    leader = Client()
    leader.force_login(User.objects.get(username="leader"))

    def assessment() -> None:
        rows = AssessmentReport(whole).rows()
        assert rows

    def page(url: str, *, cold: bool = False) -> Callable[[], None]:
        def get() -> None:
            if cold:
                with override_settings(JIESU_SUPERVISION_CACHE_SECONDS=0):
                    response = leader.get(url)
            else:
                response = leader.get(url)
            assert response.status_code == 200, response.status_code

        return get

    few = max(3, iterations // 10)
    pages = {
        "dashboard page, last 12 weeks (leader)": "/dashboard/",
        "dashboard page, last 120 days (leader)": f"/dashboard/?{semester}",
        "public summary, last month": "/summary/",
    }
    found: dict[str, tuple[Callable[[], Any], int]] = {
        f"assessment, all units, whole history ({whole.first} … {whole.last})": (assessment, few)
    }
    for name, url in pages.items():
        found[name + ", as served"] = (page(url), iterations)
        found[name + ", cold"] = (page(url, cold=True), few)
    return found


def _explain() -> None:
    from django.db import connection
    from django.utils import timezone

    from jiesu.supervision import selectors
    from jiesu.supervision.dashboard import default_period

    period = default_period()
    now = timezone.now()
    for rows in (
        selectors._ticket_rows(period, ("unit", "week", "channel")),
        selectors._clock_rows(period, ("unit", "week", "channel"), now),
        selectors._followup_rows(period, ("unit", "week", "channel")),
    ):
        sql, params = rows.query.sql_with_params()  # type: ignore[attr-defined]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print("\n".join(row[0] for row in cursor.fetchall()), end="\n\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--no-migrate", action="store_true", help="the database is migrated already")
    parser.add_argument("--explain", action="store_true", help="print the dashboard's query plans")
    parser.add_argument("--vacuum", action="store_true", help="VACUUM ANALYZE before measuring")
    parser.add_argument("--quick", action="store_true", help="sizes 20000,100000 and 10 iterations")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a disposable PostgreSQL database")
    sizes = [20_000, 100_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    iterations = 10 if args.quick else args.iterations
    from bench_queries import _fill, _recreate

    if args.fresh:
        _recreate(url)
    django_setup()
    from django.core.management import call_command
    from django.db import connection

    if not args.no_migrate:
        call_command("migrate", verbosity=0)
    call_command("createcachetable")  # the shared cache the dashboards use (as `make demo` does)
    call_command("demo-org", stdout=open(os.devnull, "w"))  # noqa: SIM115 - one short call
    rows = []
    for size in sizes:
        seconds = _fill(size, args.seed)
        if seconds:
            print(f"loaded to {size:,} tickets in {seconds:.0f} s", flush=True)
        if seconds or args.vacuum:
            # The bulk loader's fresh rows have no hint bits nor visibility map yet; autovacuum gives them both
            # in production. Without it the first assessment over 1 M took 5.5 s instead of 3.6 s.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        for name, (run, n) in _measurements(iterations).items():
            p50, p95, worst = _time(run, n)
            rows.append([f"{size:,}", name, n, f"{p50:.0f}", f"{p95:.0f}", f"{worst:.0f}"])
            print(rows[-1], flush=True)
        if args.explain:
            _explain()
    print(table(["tickets", "measurement", "runs", "p50 ms", "p95 ms", "max ms"], rows))


if __name__ == "__main__":
    main()
