"""Benchmark (issue 16 item 5, R9.2): the high-frequency issues of a semester (clustering and the cut by unit).

    .venv/bin/python benchmarks/bench_high_frequency.py [--tickets 30000] [--before 30000]

No database: ``frequency_topics_record`` minus its two reads and its writes — ``hot.clusters`` over the
semester's requests (the previous semester's in the vocabulary), then ``frequency._find`` (each cluster cut by
lead unit, named, its requesters and its previous-semester count). The requests are rendered from the demo
generator's templates (``bench_hot_topics.rows``) with the 12 planted heating requests of the tests among them.
Printed: CPU seconds (``time.process_time``), wall seconds, peak resident memory, the number of topics kept and
where the planted topic ranks for its unit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, django_setup  # noqa: E402

sys.path.insert(0, str(REPO))
django_setup()

from bench_hot_topics import rows  # noqa: E402

from jiesu.insight import frequency, hot  # noqa: E402

START = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)


def main() -> None:
    from tests.insight.test_high_frequency import HEATING, HEATING_WHO  # noqa: PLC0415

    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=30_000)
    parser.add_argument("--before", type=int, default=30_000)
    args = parser.parse_args()
    window = rows(args.tickets - len(HEATING), START, 5, 1)
    window += [
        (
            10**9 + i,
            f"H{i}",
            t[:8],
            t,
            10**8 + HEATING_WHO[i],
            "",
            "后勤管理处",
            START + dt.timedelta(days=5 * i),
        )
        for i, t in enumerate(HEATING)
    ]
    before = rows(args.before, START - dt.timedelta(days=180), 6, 2 * 10**9) if args.before else []
    cpu, wall = time.process_time(), time.perf_counter()
    found = hot.clusters([f"{r[2]} {r[3]}" for r in window], [f"{r[2]} {r[3]}" for r in before])
    topics = frequency._find(window, before, found)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    logistics = sorted((t for t in topics if t.unit_id == "后勤管理处"), key=lambda t: -len(t.rows))
    rank = next((n for n, t in enumerate(logistics, 1) if 10**9 in t.ticket_ids), None)
    print(
        f"{len(window)} requests of a semester, {len(before)} before: CPU {cpu:.1f} s, wall {wall:.1f} s, "
        f"peak RSS {peak:.0f} MiB, load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{len(topics)} topics kept over {len({t.unit_id for t in topics})} units; largest of 后勤管理处: "
        + "; ".join(f"{t.terms} ({len(t.rows)})" for t in logistics[:3])
    )
    print(f"planted heating topic: {'rank ' + str(rank) if rank else 'not among the kept topics'}")


if __name__ == "__main__":
    main()
