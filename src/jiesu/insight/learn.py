"""The dispatch suggestion's model (R9.5), pure scikit-learn: no database here.

Words (rjieba with the campus dictionary) and character 1–3-grams, each TF-IDF weighted, feed a multinomial
logistic regression; its class probabilities are the confidences shown to the Office. Character n-grams
carry what segmentation splits differently (a college's name in a sentence, a new term); words carry meaning.
"""

from __future__ import annotations

import io
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import joblib

from jiesu.insight.text import segment

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

REMIT = Path(__file__).with_name("remit.toml")


@dataclass(frozen=True)
class Suggestion:
    unit: str
    confidence: float


def remit_documents(path: Path = REMIT) -> list[tuple[str, str]]:
    """(text, unit name) training documents from the remit data (the cold start): each line, each phrase of
    it, and for a college every common college matter said with one of its names."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    matters = [m for line in data["colleges"]["matters"].splitlines() for m in line.split()]
    docs = []
    for unit in data["unit"]:
        name = unit["name"]
        for line in filter(None, map(str.strip, unit["remit"].splitlines())):
            docs.append((line, name))
            docs.extend((phrase, name) for phrase in line.split())
        aliases = unit.get("college", [])
        docs.extend((f"{aliases[i % len(aliases)]}{m}", name) for i, m in enumerate(matters) if aliases)
    return docs


def build() -> Pipeline:
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415 - slow import, on use
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415 - slow import, on use
    from sklearn.pipeline import FeatureUnion, Pipeline  # noqa: PLC0415 - slow import, on use

    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(analyzer=segment, sublinear_tf=True)),
            (
                "chars",
                TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=1),
            ),
        ]
    )
    return Pipeline([("features", features), ("clf", LogisticRegression(C=20.0, max_iter=2000))])


def train(texts: Sequence[str], labels: Sequence[str]) -> Pipeline:
    if len(set(labels)) < 2:
        raise ValueError("the dispatch model needs documents of at least two units")
    return build().fit(list(texts), list(labels))


def suggest(model: Pipeline, texts: Sequence[str], k: int = 3) -> list[list[Suggestion]]:
    """The ``k`` most likely units per text, most likely first, each with its probability."""
    if not texts:
        return []
    classes = model.classes_
    out = []
    for row in model.predict_proba(list(texts)):
        best = row.argsort()[::-1][:k]
        out.append([Suggestion(str(classes[i]), round(float(row[i]), 3)) for i in best])
    return out


def dumps(model: Pipeline) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    return buffer.getvalue()


def loads(payload: bytes | memoryview) -> Pipeline:
    return joblib.load(io.BytesIO(bytes(payload)))  # noqa: S301 - our own model, written by train-dispatch
