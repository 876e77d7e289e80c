"""Benchmark: `make demo`'s data — a semester of requests played through the real services, on SQLite.

    .venv/bin/python benchmarks/bench_demo.py [--tickets 3000] [--days 120] [--quick]

A fresh SQLite database in a temporary directory is migrated and given the demo organization, then
`jiesu demo-data --tickets N --days D` runs; the wall-clock and CPU seconds of that step are reported.
Goal: a semester (3,000 requests over 120 days) well under 2 minutes.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, VENV_BIN  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=3000)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--quick", action="store_true", help="300 requests over 30 days")
    args = parser.parse_args()
    tickets, days = (300, 30) if args.quick else (args.tickets, args.days)
    tmp = tempfile.mkdtemp(prefix="jiesu-bench-demo-")
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp}/jiesu.sqlite3", JIESU_VAR_DIR=tmp)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    jiesu = str(VENV_BIN / "jiesu")
    try:
        subprocess.run([jiesu, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=REPO)
        subprocess.run([jiesu, "demo-org"], env=env, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            [jiesu, "demo-data", "--tickets", str(tickets), "--days", str(days), "--seed", "2026", "--quiet"],
            env=env,
            check=True,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(done.stdout.strip())
    print(
        f"demo-data: {tickets} requests over {days} days on SQLite: {wall:.1f} s wall, {cpu:.1f} s CPU "
        f"({1000 * wall / tickets:.1f} ms per request)"
    )


if __name__ == "__main__":
    main()
