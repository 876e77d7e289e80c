"""Run every benchmark (`make bench`): each one is also runnable alone; see docs/performance.md.

    .venv/bin/python benchmarks/run.py [--quick]

The worklist benchmark needs a disposable PostgreSQL database in DATABASE_URL (it loads up to a million
tickets); without one it is skipped with a note. Every benchmark is bounded in time and uses loopback only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PYTHON = sys.executable


def _run(name: str, *args: str) -> int:
    script = BENCH_DIR / name
    if not script.exists():
        print(f"== {name}: not present, skipped")
        return 0
    print(f"== {name} {' '.join(args)}", flush=True)
    return subprocess.run([PYTHON, str(script), *args], check=False, timeout=4 * 3600).returncode


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes and short runs (a few minutes)")
    args = parser.parse_args()
    quick = ["--quick"] if args.quick else []
    failures = 0
    failures += _run("bench_deadlines.py", *(["--n", "100000"] if args.quick else [])) != 0
    failures += _run("bench_demo.py", *quick) != 0
    failures += _run("bench_intake.py", *quick) != 0
    failures += _run("bench_faults.py", *(["--short"] if args.quick else [])) != 0
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        failures += _run("bench_queries.py", *quick) != 0
        sweep = ["--tickets", "100000", "--overdue", "2000"] if args.quick else []
        failures += _run("bench_sweep.py", *sweep) != 0
        failures += _run("bench_recompute.py", *(["--tickets", "20000"] if args.quick else [])) != 0
    else:
        print(
            "== bench_queries.py, bench_sweep.py, bench_recompute.py: skipped (set DATABASE_URL to a disposable PostgreSQL database, e.g. "
            "postgres://root@127.0.0.1:5432/jiesu_bench)"
        )
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
