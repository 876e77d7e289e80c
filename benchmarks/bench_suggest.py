"""Benchmark (issue 16 item 1, R9.5): the dispatch suggestion's speed and its quality with the school's tickets.

    .venv/bin/python benchmarks/bench_suggest.py [--tickets 100000] [--requests 500]

No database: the "closed tickets" are requests rendered from the demo generator's templates (the demo corpus),
spread over the units as the demo spreads them. Measured:

* training time: remit + N rendered tickets (goal ≤ 120 s at 100,000 on the 2-core machine);
* suggestion latency: one request at a time, as the dispatch form asks (goal ≤ 20 ms; p50 / p95 printed);
* top-1 / top-3 on ``tests/data/dispatch_eval.tsv`` for the cold start (remit only), the demo templates only,
  and remit + templates — the hand-written evaluation set shares no text with either.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiesu.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from jiesu.demo import corpus, render  # noqa: E402
from jiesu.insight import learn  # noqa: E402
from jiesu.org.data import UNITS  # noqa: E402


def rendered_tickets(n: int, seed: int = 16) -> list[tuple[str, str]]:
    """``n`` (text, unit name) pairs from the demo templates, units weighted as the demo weighs them."""
    rng = random.Random(seed)
    names = {code: name for code, name, *_ in UNITS}
    codes = list(corpus.UNIT_WEIGHTS)
    weights = [corpus.UNIT_WEIGHTS[c] for c in codes]
    out = []
    for code in rng.choices(codes, weights, k=n):
        template = rng.choice(corpus.templates_for(code))
        kind = rng.choice(template[1])
        text = render.request_text(rng, template, unit_name=names[code], kind_letter=kind, campus="beijing")
        out.append((f"{text.subject} {text.content}", names[code]))
    return out


def evaluate(model: object, rows: list[dict[str, str]]) -> tuple[float, float]:
    ranked = learn.suggest(model, [r["text"] for r in rows])  # type: ignore[arg-type]
    top1 = sum(r["unit"] == s[0].unit for r, s in zip(rows, ranked, strict=True)) / len(rows)
    top3 = sum(r["unit"] in {x.unit for x in s} for r, s in zip(rows, ranked, strict=True)) / len(rows)
    return top1, top3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    with (ROOT / "tests/data/dispatch_eval.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    remit = learn.remit_documents()
    tickets = rendered_tickets(args.tickets)

    def fit(docs: list[tuple[str, str]]) -> tuple[object, float]:
        started = time.perf_counter()
        model = learn.train([t for t, _ in docs], [u for _, u in docs])
        return model, time.perf_counter() - started

    cold, cold_s = fit(remit)
    print(
        f"cold start (remit, {len(remit)} docs): trained in {cold_s:.1f} s; "
        "top-1 {:.1%} top-3 {:.1%}".format(*evaluate(cold, rows))
    )
    small = tickets[: min(len(tickets), 20_000)]
    only, _ = fit(small)
    print(
        f"demo templates only ({len(small)} tickets): top-1 {{:.1%}} top-3 {{:.1%}}".format(
            *evaluate(only, rows)
        )
    )
    full, full_s = fit(remit + tickets)
    print(
        f"remit + {len(tickets)} tickets: trained in {full_s:.1f} s; top-1 {{:.1%}} top-3 {{:.1%}}".format(
            *evaluate(full, rows)
        )
    )
    print(f"model size: {len(learn.dumps(full)) / 1e6:.1f} MB (joblib, compressed)")
    probes = [r["text"] for r in rows] * (args.requests // len(rows) + 1)
    timings = []
    for text in probes[: args.requests]:
        started = time.perf_counter()
        learn.suggest(full, [text])  # type: ignore[arg-type]
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"suggest latency over {len(timings)} requests: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms"
    )


if __name__ == "__main__":
    main()
