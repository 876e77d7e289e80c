"""Segmentation for insight: rjieba with the campus user dictionary (``userdict.txt``, kept as data).

A private ``rjieba.Jieba`` instance carries the campus terms, so the tickets app's own tokens (``search_text``)
are not changed by this app being installed."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import rjieba

from jiesu.tickets.text import STOPWORDS

USERDICT = Path(__file__).with_name("userdict.txt")
_WORD = re.compile(r"[\w\u4e00-\u9fff]")


def campus_terms(path: Path = USERDICT) -> list[tuple[str, int | None]]:
    """The user dictionary's (term, frequency) pairs; ``#`` starts a comment."""
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if parts:
            terms.append((parts[0], int(parts[1]) if len(parts) > 1 else None))
    return terms


@cache
def segmenter() -> rjieba.Jieba:
    jieba = rjieba.Jieba()
    for term, freq in campus_terms():
        jieba.add_word(term, freq, None)
    return jieba


def segment(text: str) -> list[str]:
    """Content words of ``text``: campus-aware tokens without punctuation or stopwords (a module-level
    function, so a pickled vectorizer that uses it as its analyzer loads again)."""
    return [t for t in segmenter().cut(text.lower(), True) if _WORD.search(t) and t not in STOPWORDS]
