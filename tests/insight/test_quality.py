"""Quality of the dispatch suggestion (R9.5) and of repeat detection (R6.1) on sets written by hand.

``tests/data/dispatch_eval.tsv``: requests as students, teachers, staff and retirees write them, never used for
training; ``tests/data/repeat_pairs.tsv``: pairs labelled repeat (1) or not (0). docs/insight.md reports both.
"""

from __future__ import annotations

import csv
import tomllib
from functools import cache
from pathlib import Path

import pytest
from sklearn.pipeline import Pipeline

from jiesu.insight import learn, repeats
from jiesu.org.data import UNITS
from jiesu.org.models import UnitKind

DATA = Path(__file__).resolve().parents[1] / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


@cache
def _cold_start() -> Pipeline:
    docs = learn.remit_documents()
    return learn.train([t for t, _ in docs], [u for _, u in docs])


def test_the_evaluation_set_covers_every_unit_the_office_dispatches_to() -> None:
    """At least 300 requests, every unit except the Office itself (党政办公室, 总值班室) among them."""
    rows = _rows("dispatch_eval.tsv")
    dispatchable = {
        name
        for code, name, kind, _, _ in UNITS
        if not (kind == UnitKind.OFFICE and code in {"office", "duty_room"})
    }
    assert len(rows) >= 300
    assert {r["unit"] for r in rows} == dispatchable
    assert {r["writer"] for r in rows} >= {"学生", "教师", "退休"}


def test_no_evaluation_request_is_a_training_document() -> None:
    """The evaluation set is never used for training: none of its texts is a remit document."""
    trained = {text for text, _ in learn.remit_documents()}
    assert not trained & {r["text"] for r in _rows("dispatch_eval.tsv")}
    remit = tomllib.loads(learn.REMIT.read_text(encoding="utf-8"))
    assert len(remit["unit"]) == len({u["name"] for u in remit["unit"]})


def test_cold_start_meets_the_quality_goal_on_the_evaluation_set() -> None:
    """R9.5 quality goal: top-1 ≥ 85 %, top-3 ≥ 97 %, from the remit alone (a fresh installation)."""
    rows = _rows("dispatch_eval.tsv")
    ranked = learn.suggest(_cold_start(), [r["text"] for r in rows])
    top1 = sum(r["unit"] == s[0].unit for r, s in zip(rows, ranked, strict=True)) / len(rows)
    top3 = sum(r["unit"] in {x.unit for x in s} for r, s in zip(rows, ranked, strict=True)) / len(rows)
    assert top1 >= 0.85, top1
    assert top3 >= 0.97, top3


def test_confidences_are_probabilities_most_likely_first() -> None:
    [ranked] = learn.suggest(_cold_start(), ["宿舍暖气不热，晚上冷得睡不着"])
    assert [s.unit for s in ranked][0] == "后勤管理处"
    confidences = [s.confidence for s in ranked]
    assert confidences == sorted(confidences, reverse=True)
    assert 0 < sum(confidences) <= 1.0001


def test_a_saved_model_loads_and_answers_the_same() -> None:
    model = _cold_start()
    again = learn.loads(learn.dumps(model))
    text = ["校园网晚上很卡"]
    assert learn.suggest(again, text) == learn.suggest(model, text)


@pytest.mark.parametrize(("threshold", "precision", "recall"), [(repeats.NEAR_DUPLICATE, 0.85, 0.75)])
def test_repeat_detection_on_the_labelled_pairs(threshold: float, precision: float, recall: float) -> None:
    """R6.1: precision and recall of "near-duplicate" at the threshold in use (docs/insight.md)."""
    rows = _rows("repeat_pairs.tsv")
    scores = repeats.pair_scores([(r["a"], r["b"]) for r in rows])
    said = [s >= threshold for s in scores]
    truth = [r["label"] == "1" for r in rows]
    hits = sum(s and t for s, t in zip(said, truth, strict=True))
    assert sum(truth) >= 40 and len(rows) - sum(truth) >= 40
    assert hits / sum(said) >= precision
    assert hits / sum(truth) >= recall
