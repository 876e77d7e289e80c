"""Shared helpers for the benchmarks: paths, Django setup, percentiles, a results table."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
VENV_BIN = REPO / ".venv" / "bin"


def django_setup(settings: str = "jiesu.settings") -> None:
    """Import paths for src/ and benchmarks/, then django.setup()."""
    for path in (REPO / "src", BENCH_DIR):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share in 0–1) of ``values``."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (docs/performance.md pastes these)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
