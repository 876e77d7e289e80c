"""Chinese text helpers: rjieba tokens (same as jieba, no dictionary load) and a similarity for repeats (R6.1)."""

from __future__ import annotations

import math
import re
from collections import Counter

import rjieba

_WORD = re.compile(r"[\w\u4e00-\u9fff]")
STOPWORDS = frozenset(
    "的 了 是 在 我 你 他 她 们 和 与 及 也 就 都 而 或 有 没 不 很 还 又 吧 吗 呢 啊 请 您 一个 这个 那个 什么 怎么 "
    "希望 能否 能 可以 问题 反映 学校 老师 同学 谢谢 已经 一直 现在 目前 时候 这 那 把 被 对 从 到 给 让".split()
)


def tokens(text: str) -> list[str]:
    """Content words of ``text``: rjieba's tokens without punctuation, stopwords or single ASCII letters."""
    return [
        t for t in rjieba.cut(text.lower()) if _WORD.search(t) and t not in STOPWORDS and len(t.strip()) > 0
    ]


def search_tokens(text: str) -> list[str]:
    """Content words of ``text`` in rjieba's search mode (a long word also yields the words inside it, 交学费 →
    学费, 交学费): what a search box matches against, where ``tokens`` is what a text is compared by."""
    return [t for t in rjieba.cut_for_search(text.lower()) if _WORD.search(t) and t not in STOPWORDS]


def search_text(subject: str, content: str) -> str:
    """Space-joined tokens stored on the ticket for cheap comparisons."""
    return " ".join(tokens(f"{subject} {content}"))[:4000]


def similarity(a: str, b: str) -> float:
    """Cosine similarity of two space-joined token strings (0–1)."""
    ca, cb = Counter(a.split()), Counter(b.split())
    if not ca or not cb:
        return 0.0
    dot = sum(ca[t] * cb[t] for t in ca.keys() & cb.keys())
    norm = math.sqrt(sum(v * v for v in ca.values())) * math.sqrt(sum(v * v for v in cb.values()))
    return dot / norm if norm else 0.0
