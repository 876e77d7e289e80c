"""Chinese search over the catalogue: rjieba tokens (search mode) and character bigrams, so 暖气不热 finds 供暖
through its keywords and 校园网 finds 校园网、Wi-Fi although segmentation splits them differently."""

from __future__ import annotations

import re
from functools import lru_cache

from jiesu.tickets.text import search_tokens

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


# Cached: a search scores every matter, and a matter's name and tokens change only with a new version.
@lru_cache(maxsize=8192)
def words(text: str) -> frozenset[str]:
    """Content words of ``text`` (rjieba's search mode: long words and the shorter words inside them)."""
    return frozenset(search_tokens(text))


@lru_cache(maxsize=8192)
def bigrams(text: str) -> frozenset[str]:
    """Adjacent pairs of Chinese characters (a single character stands for itself)."""
    out: set[str] = set()
    for run in _HAN_RUN.findall(text):
        out.update(run[i : i + 2] for i in range(max(len(run) - 1, 1)))
    return frozenset(out)


def index_text(*parts: str) -> str:
    """The tokens stored on a matter (``Matter.search_text``), space-joined."""
    return " ".join(sorted(words(" ".join(parts))))[:4000]


def score(
    query_words: frozenset[str], query_bigrams: frozenset[str], *, name: str, search_text: str
) -> float:
    """How well a matter answers a query: whole words of its name count most, then words of its keywords and
    path, then shared character pairs (a partial word). Zero: no match at all."""
    name_words = words(name)
    indexed = _tokens(search_text)
    hit_name = len(query_words & name_words)
    hit_other = len((query_words & indexed) - name_words)
    hit_pairs = len(query_bigrams & (bigrams(name) | bigrams(search_text)))
    return 3.0 * hit_name + 2.0 * hit_other + 0.5 * hit_pairs


@lru_cache(maxsize=8192)
def _tokens(search_text: str) -> frozenset[str]:
    return frozenset(search_text.split())
