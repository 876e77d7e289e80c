"""Segmentation for the knowledge base: rjieba in search mode (a long word also yields its parts, 交学费 → 学费,
交学费), the tickets app's stopwords plus the words every question uses, weighted for the inverted index."""

from __future__ import annotations

import re
from collections import Counter

from jiesu.tickets.text import search_tokens

MAX_TOKEN = 64
MAX_QUERY_TOKENS = 30
# Where a token occurs says how much it tells: the question and the keywords name the consultation.
QUESTION_WEIGHT, KEYWORD_WEIGHT, ANSWER_WEIGHT = 3, 3, 1
MAX_WEIGHT = 100
_KEYWORD_SPLIT = re.compile(r"[\s,，、;；/|]+")
# Words of asking, not of the matter asked about: they would match every question.
QUESTION_WORDS = frozenset(
    "哪里 哪儿 哪个 如何 怎样 怎么办 怎么 什么 为什么 是否 多少 需要 要 去 找 办 没有 没 我的 一下 "
    "我们 你们 自己 请问 想 想问 问 应该 这样 那么 如果 时间".split()
)


def tokens(text: str) -> list[str]:
    """Content words of ``text``, search mode: no punctuation, stopwords, question words or single characters
    (a lone 卡 or 去 matches everything and tells nothing)."""
    return [t for t in (w.strip() for w in search_tokens(text)) if len(t) > 1 and t not in QUESTION_WORDS]


def keyword_list(keywords: str) -> list[str]:
    """The keywords as typed, split on spaces, commas and 顿号."""
    return [k for k in _KEYWORD_SPLIT.split(keywords.strip()) if k]


def weighted_tokens(*, question: str, keywords: str, answer: str) -> dict[str, int]:
    """Token → weight for one answer: occurrences weighted by the field they come from."""
    counts: Counter[str] = Counter()
    for token in tokens(question):
        counts[token] += QUESTION_WEIGHT
    for keyword in keyword_list(keywords):
        # A keyword counts whole (校园卡补办) and by its parts (校园卡, 补办), so either form of a query finds it.
        for token in {keyword.lower(), *tokens(keyword)}:
            counts[token] += KEYWORD_WEIGHT
    for token in tokens(answer):
        counts[token] += ANSWER_WEIGHT
    return {t[:MAX_TOKEN]: min(w, MAX_WEIGHT) for t, w in counts.items() if t.strip()}


def query_tokens(query: str) -> list[str]:
    """The distinct tokens of a query, in order, at most 30 (a pasted essay does not become 3,000 lookups)."""
    seen: dict[str, None] = {}
    for token in tokens(query):
        seen.setdefault(token[:MAX_TOKEN], None)
    return list(seen)[:MAX_QUERY_TOKENS]
