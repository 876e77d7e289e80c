"""Chinese search over the catalogue: rjieba tokens (search mode) and character bigrams, so 暖气不热 finds 供暖
through its keywords and 校园网 finds 校园网、Wi-Fi although segmentation splits them differently."""

from __future__ import annotations

import re

import rjieba

from jiesu.tickets.text import STOPWORDS

_WORD = re.compile(r"[\w\u4e00-\u9fff]")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def words(text: str) -> set[str]:
    """Content words of ``text`` (rjieba's search mode: long words and the shorter words inside them)."""
    return {t for t in rjieba.cut_for_search(text.lower()) if _WORD.search(t) and t not in STOPWORDS}


def bigrams(text: str) -> set[str]:
    """Adjacent pairs of Chinese characters (a single character stands for itself)."""
    out: set[str] = set()
    for run in _HAN_RUN.findall(text):
        out.update(run[i : i + 2] for i in range(max(len(run) - 1, 1)))
    return out


def index_text(*parts: str) -> str:
    """The tokens stored on a matter (``Matter.search_text``), space-joined."""
    return " ".join(sorted(words(" ".join(parts))))[:4000]


def score(query_words: set[str], query_bigrams: set[str], *, name: str, search_text: str) -> float:
    """How well a matter answers a query: whole words of its name count most, then words of its keywords and
    path, then shared character pairs (a partial word). Zero: no match at all."""
    name_words = words(name)
    indexed = set(search_text.split())
    hit_name = len(query_words & name_words)
    hit_other = len((query_words & indexed) - name_words)
    hit_pairs = len(query_bigrams & (bigrams(name) | bigrams(search_text)))
    return 3.0 * hit_name + 2.0 * hit_other + 0.5 * hit_pairs
