"""Benchmark (issue 12 item 4, R5.3): a calendar import recomputing 100,000 open deadlines on PostgreSQL.

    DATABASE_URL=postgres://root@127.0.0.1:5432/jiesu_bench \\
        .venv/bin/python benchmarks/bench_recompute.py [--tickets 100000] [--fresh]

The database is filled with the bulk loader (``jiesu demo-data --bulk``) up to ``--tickets``, then given one
open formal-reply clock per ticket (its own round, ``BENCH_ROUND``, the 1-working-day rule of a reopened round)
started between 1 March and 9 June 2027, a year on fallback data. Measured: ``calendar_import`` of the 2027
arrangement, exactly as an administrator runs it — the import, and in the same transaction the set-based
recomputation of every open deadline (``tickets.recompute``).

Two scenarios:

* R5.3 as it happens (the default): each clock's deadline was computed on the fallback data (weekends and the
  statutory days) and is provisional. The official arrangement adds the May Day bridge (3–4 May off, Saturday
  8 May worked): the deadlines across those days move — each such clock ends superseded and a new one starts
  (R4.9) — and every other one stays where it was and is confirmed (no longer provisional). Every ticket gets
  one history row; the stored next deadline is refreshed where it changed.
* ``--all-moved``: the worst case, every deadline deliberately wrong, so every one of the 100,000 clocks is
  replaced.

``--profile`` prints where the Python time of the measured call goes (cProfile, which slows it down).

Goal: ≤ 10 s for 100,000 open tickets. Each run first removes the previous run's bench clocks and 2027 data
(setup, not measured); the history rows of earlier runs stay (they are append-only).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import django_setup, table  # noqa: E402
from bench_queries import _recreate  # noqa: E402
from bench_sweep import _fill  # noqa: E402

BENCH_ROUND = 98  # the bench clocks use their own round (bench_sweep uses 99)
YEAR = 2027
CSV = (
    "date,kind,name\n"
    "2027-01-01,holiday,元旦\n"
    "2027-04-05,holiday,清明节\n"
    "2027-05-03,holiday,劳动节\n"
    "2027-05-04,holiday,劳动节\n"
    "2027-05-08,workday,劳动节调休\n"
    "2027-06-09,holiday,端午节\n"
)


DAYS = 100  # clocks start between 1 March 2027 09:00 and 100 days later


def _fallback_dues() -> list[tuple[str, str]]:
    """(local start day, due instant) of the reopened-round rule (1 working day) on 2027's fallback data,
    computed with the pure calendar functions exactly as the services compute a new clock's deadline."""
    import datetime as dt

    from jiesu.workcalendar import clocks as rules
    from jiesu.workcalendar.selectors import get_calendar, invalidate_calendar_cache

    invalidate_calendar_cache()
    calendar = get_calendar()
    first = dt.date(YEAR, 3, 1)
    out = []
    for n in range(DAYS + 1):
        day = first + dt.timedelta(days=n)
        start = dt.datetime.combine(day, dt.time(9), tzinfo=rules.SHANGHAI)
        deadline = rules.reply_due(start, level="direct", calendar=calendar)
        assert deadline.provisional, f"{YEAR} must be on fallback data for this benchmark"
        out.append((day.isoformat(), deadline.due.isoformat()))
    return out


def _steady_state(all_moved: bool) -> int:
    """Every ticket open with one provisional reply clock started in 2027 (plain SQL: setup). Its deadline is
    the fallback one, or with ``all_moved`` a wrong one (one day after the start, to the second)."""
    import json

    from django.db import connection, transaction

    from jiesu.workcalendar.selectors import invalidate_calendar_cache

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM tickets_clock WHERE round = %s", [BENCH_ROUND])
        cur.execute(
            "DELETE FROM workcalendar_officialday WHERE date >= %s AND date < %s",
            [f"{YEAR}-01-01", f"{YEAR + 1}-01-01"],
        )
        cur.execute("DELETE FROM workcalendar_officialyear WHERE year = %s", [YEAR])
        cur.execute("UPDATE workcalendar_calendarversion SET token = md5(random()::text)")
        cur.execute(
            "UPDATE tickets_ticket SET status = 'handling', closed_at = NULL WHERE status <> 'handling'"
        )
    dues = json.dumps(_fallback_dues())
    with transaction.atomic(), connection.cursor() as cur:
        # soon_at: 2 hours before the deadline (the recomputation does not read it).
        cur.execute(
            "INSERT INTO tickets_clock (ticket_id, kind, round, started_at, due_at, soon_at, provisional, rule, "
            "carries_miss) SELECT id, 'reply', %s, s, due, due - interval '2 hours', true, "
            "'R7.2 reopened (benchmark)', false FROM (SELECT t.id, s, CASE WHEN %s THEN s + interval '1 day' "
            "ELSE d.due END AS due FROM (SELECT id, timestamptz '2027-03-01 09:00+08' + random() * "
            "interval '100 days' AS s FROM tickets_ticket) t JOIN (SELECT (e->>0)::date AS day, "
            "(e->>1)::timestamptz AS due FROM jsonb_array_elements(%s::jsonb) e) d "
            "ON d.day = (t.s AT TIME ZONE 'Asia/Shanghai')::date) c",
            [BENCH_ROUND, all_moved, dues],
        )
        made = cur.rowcount
    invalidate_calendar_cache()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE tickets_clock")
        cur.execute("VACUUM ANALYZE tickets_ticket")
    return made


def _cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process on this machine (the database's backend), from /proc.
    On a loaded machine the wall-clock figure mostly measures the other jobs; the CPU both sides spend does not
    grow with them, and on an idle machine the wall time is about their sum (the two take turns)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument(
        "--all-moved", action="store_true", help="the worst case: every deadline wrong, every clock replaced"
    )
    parser.add_argument(
        "--profile", action="store_true", help="print the Python profile of the measured call"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a disposable PostgreSQL database (see the docstring)")
    if args.fresh:
        _recreate(url)
    django_setup()
    from django.core.management import call_command
    from django.db import connection

    from jiesu.tickets.models import Clock, Event
    from jiesu.workcalendar.importing import parse_calendar_csv
    from jiesu.workcalendar.services import calendar_import

    call_command("migrate", verbosity=0)
    call_command("demo-org", stdout=open(os.devnull, "w"))  # noqa: SIM115 - one short call
    _fill(args.tickets, args.seed)
    started = time.perf_counter()
    clocks = _steady_state(args.all_moved)
    state = "wrong" if args.all_moved else "fallback (provisional)"
    print(f"steady state: {clocks:,} open 2027 deadlines, {state}, in {time.perf_counter() - started:.0f} s")

    rows = parse_calendar_csv(CSV)
    events_before = Event.objects.filter(action="recompute_deadlines").count()
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        (backend,) = cur.fetchone()
    statements = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements.append(1)  # counted, not captured: capturing renders each statement's parameters
        return execute(sql, params, many, context)

    profiler = cProfile.Profile() if args.profile else None
    with connection.execute_wrapper(count):
        if profiler:
            profiler.enable()
        cpu0, db0 = time.process_time(), _cpu_seconds(backend)
        t0 = time.perf_counter()
        record = calendar_import(rows=rows, actor=None, filename=f"bench-{YEAR}.csv")
        elapsed = time.perf_counter() - t0
        cpu, db = time.process_time() - cpu0, _cpu_seconds(backend) - db0
        if profiler:
            profiler.disable()
    bench = Clock.objects.filter(round=BENCH_ROUND)
    moved = bench.filter(superseded_at__isnull=False).count()
    confirmed = bench.filter(superseded_at__isnull=True, provisional=False).count() - moved
    events = Event.objects.filter(action="recompute_deadlines").count() - events_before
    print(
        table(
            ["measure", "result", "goal"],
            [
                [
                    f"calendar import recomputing {record.recomputed:,} open deadlines",
                    f"{elapsed:.2f} s ({len(statements):,} queries; {moved:,} moved: "
                    f"superseded and started again; {confirmed:,} confirmed in place; {events:,} history rows)",
                    "≤ 10 s",
                ],
                [
                    "CPU spent: Python + the PostgreSQL backend",
                    f"{cpu + db:.2f} s ({cpu:.2f} s + {db:.2f} s; load average {os.getloadavg()[0]:.1f})",
                    "",
                ],
            ],
        )
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(40)


if __name__ == "__main__":
    main()
