"""Benchmark (issue 16 item 5, R9.4): learning the seasonal expectations from years of requests.

    .venv/bin/python benchmarks/bench_seasonal.py [--tickets 12000] [--days 730]

No database: ``insight.seasonal.learn`` gets the rows ``learning_rows`` would return — requests rendered from the
demo generator's templates, spread over ``--days`` days before 12 October 2026 with the demo's monthly volume
and seasonal topic weights (``demo.seasons``). Printed: the CPU seconds of the learning (segmentation, TF-IDF,
the cosine graph, cuts, merging, counting), the peak resident memory, the unit topics found and the peak weeks
of the heating, course-selection and graduation topics.
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

from jiesu.demo import corpus, render, seasons  # noqa: E402
from jiesu.insight import seasonal  # noqa: E402
from jiesu.org.data import UNITS  # noqa: E402
from jiesu.workcalendar.clocks import SHANGHAI  # noqa: E402

CUTOFF = dt.date(2026, 10, 6)  # the start of week 6 of academic year 2026


def rows(n: int, days: int, seed: int) -> list[tuple[str, str, int, dt.datetime]]:
    rng = random.Random(seed)
    names = {code: name for code, name, *_ in UNITS}
    codes = list(corpus.UNIT_WEIGHTS)
    ids = {code: i for i, code in enumerate(codes)}
    weights = [corpus.UNIT_WEIGHTS[c] for c in codes]
    first = CUTOFF - dt.timedelta(days=days)
    day_list = [first + dt.timedelta(days=d) for d in range(days)]
    day_weights = [seasons.volume(d) for d in day_list]
    out = []
    for code, day in zip(
        rng.choices(codes, weights, k=n), rng.choices(day_list, day_weights, k=n), strict=True
    ):
        template = seasons.pick_template(rng, corpus.templates_for(code), day.month)
        text = render.request_text(
            rng, template, unit_name=names[code], kind_letter=rng.choice(template[1]), campus="beijing"
        )
        at = dt.datetime.combine(day, dt.time(8 + rng.randrange(12)), tzinfo=SHANGHAI)
        out.append((text.subject, text.content, ids[code], at))
    out.sort(key=lambda r: r[3])
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=12_000)
    parser.add_argument("--days", type=int, default=730)
    args = parser.parse_args()
    data = rows(args.tickets, args.days, 7)
    started = time.process_time()
    topics = seasonal.learn(data, cutoff=CUTOFF)
    cpu = time.process_time() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"{len(data)} requests over {args.days} days: {cpu:.1f} s CPU, peak RSS {peak:.0f} MiB")
    with_peaks = [t for t in topics if t.peaks]
    print(f"{len(topics)} unit topics, {len(with_peaks)} with peaks")
    for name, topic in seasons.TOPICS.items():
        for t in topics:
            if any(w in "".join(t.terms) for w in topic.words) and t.peaks:
                months = sorted({seasonal.week_span(2026, w)[0].month for w in t.peaks})
                print(f"  {name}: {t.label} ({t.tickets}) peaks in months {months}")


if __name__ == "__main__":
    main()
