"""Benchmark: 1,000,000 R4.2 reply deadlines over 2025–2028 (random start instants and levels).

    .venv/bin/python benchmarks/bench_deadlines.py [--n 1000000] [--seed 42]

The calendar is the pure default one (chinese-calendar data + statutory fallback), built without the
database, as ``get_calendar()`` would build it with no imports or overrides. Goal: ≤ 5 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiesu.settings")

import django  # noqa: E402

django.setup()  # settings only (translations for rule texts); no query is made

from jiesu.workcalendar.clocks import SHANGHAI, reply_due  # noqa: E402
from jiesu.workcalendar.sources import compose_calendar  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    first = dt.datetime(2025, 1, 1, tzinfo=SHANGHAI).timestamp()
    last = dt.datetime(2029, 1, 1, tzinfo=SHANGHAI).timestamp()
    starts = [dt.datetime.fromtimestamp(rng.uniform(first, last), tz=SHANGHAI) for _ in range(args.n)]
    levels = [rng.choice(("direct", "department", "school")) for _ in range(args.n)]

    calendar = compose_calendar()
    began = time.perf_counter()
    provisional = 0
    for start, level in zip(starts, levels, strict=True):
        provisional += reply_due(start, level=level, calendar=calendar).provisional
    elapsed = time.perf_counter() - began

    print(
        f"{args.n:,} reply deadlines in {elapsed:.2f} s ({elapsed / args.n * 1e6:.2f} µs each); "
        f"{provisional:,} provisional (2027–2028 fallback)"
    )


if __name__ == "__main__":
    main()
