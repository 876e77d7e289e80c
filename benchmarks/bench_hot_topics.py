"""Benchmark (issue 16 item 3, R9.1): hot topics over a week of 100,000 tickets (goal ≤ 60 s, ≤ 2 GB).

    .venv/bin/python benchmarks/bench_hot_topics.py [--tickets 100000] [--before 0]

No database: ``insight.hot.cluster`` gets the rows the two queries of ``hot.find`` would return. The week's
tickets are requests rendered from the demo generator's templates, with one planted burst (the water cut of
the planted tests) among them; ``--before`` adds that many tickets of the 4 weeks before (the baseline).
Printed: the seconds of the clustering (segmentation, TF-IDF, the cosine graph, linkage, labels), the
process's peak resident memory, the number of hot topics and whether the burst was found.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, django_setup  # noqa: E402

sys.path.insert(0, str(REPO))
django_setup()

from jiesu.demo import corpus, render  # noqa: E402
from jiesu.insight import hot  # noqa: E402
from jiesu.org.data import UNITS  # noqa: E402

START = dt.datetime(2026, 11, 16, tzinfo=dt.UTC)


def rows(n: int, start: dt.datetime, seed: int, first_id: int) -> list[tuple]:
    """``n`` rows shaped like ``hot._FIELDS``, spread over the 7 days from ``start``."""
    rng = random.Random(seed)
    names = {code: name for code, name, *_ in UNITS}
    codes = list(corpus.UNIT_WEIGHTS)
    weights = [corpus.UNIT_WEIGHTS[c] for c in codes]
    out = []
    for i, code in enumerate(rng.choices(codes, weights, k=n)):
        template = rng.choice(corpus.templates_for(code))
        text = render.request_text(
            rng, template, unit_name=names[code], kind_letter=rng.choice(template[1]), campus="beijing"
        )
        when = start + dt.timedelta(seconds=rng.randrange(7 * 86400))
        pk = first_id + i
        out.append(
            (pk, f"N{pk:08d}", text.subject, text.content, rng.randrange(n // 3 + 1), "", names[code], when)
        )
    return out


def main() -> None:
    from tests.insight.test_hot_topics import BURST, BURST_WHO  # noqa: PLC0415

    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--before", type=int, default=0)
    args = parser.parse_args()
    generating = time.perf_counter()
    window = rows(args.tickets - len(BURST), START, 3, 1)
    burst = [
        (
            10**9 + i,
            f"B{i}",
            s,
            c,
            10**8 + BURST_WHO[i],
            "",
            "后勤管理处",
            START + dt.timedelta(days=5, hours=i),
        )
        for i, (s, c) in enumerate(BURST)
    ]
    window += burst
    before = rows(args.before, START - dt.timedelta(weeks=4), 4, 2 * 10**9) if args.before else []
    print(f"generated the rows in {time.perf_counter() - generating:.1f} s", flush=True)
    started = time.perf_counter()
    topics = hot.cluster(window, before, days=7)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    found = [t for t in topics if {"B0", "B1"} & set(t.numbers) or "停水" in t.label]
    print(f"{len(window)} tickets of a week, {len(before)} before: {seconds:.1f} s, peak RSS {peak:.0f} MiB")
    print(
        f"{len(topics)} hot topics; largest: "
        + "; ".join(f"{t.label} ({len(t.numbers)})" for t in topics[:5])
    )
    print(
        "planted burst: "
        + (f"found, {len(found[0].numbers)} tickets, label {found[0].label}" if found else "NOT found")
    )


if __name__ == "__main__":
    main()
