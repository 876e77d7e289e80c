"""Reads of the knowledge base: ranked search over the stored inverted index (R2.8), never ``LIKE``."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Case, Count, F, FloatField, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiesu.knowledge.models import Answer, AnswerChange, AnswerState, AnswerToken, AnswerUse, ChangeAction
from jiesu.knowledge.text import query_tokens
from jiesu.org.models import User


@dataclass(frozen=True)
class Hit:
    answer: Answer
    score: float
    matched: int  # how many of the query's tokens the answer holds

    @property
    def past_review(self) -> bool:
        return is_past_review(self.answer)


def is_past_review(answer: Answer) -> bool:
    return answer.review_on < timezone.localdate()


def search(query: str, *, answers: QuerySet[Answer], limit: int = 10) -> list[Hit]:
    """Answers among ``answers`` sharing tokens with ``query``, best first, by TF-IDF over the token table.

    Three queries whatever the size of the base: the document frequency of the query's tokens, the answer
    count, and one grouped ranking (score = Σ weight × idf over the shared tokens)."""
    wanted = query_tokens(query)
    if not wanted:
        return []
    pool = AnswerToken.objects.filter(token__in=wanted, answer__in=answers)
    frequency = dict(pool.values_list("token").annotate(n=Count("id")).values_list("token", "n"))
    if not frequency:
        return []
    total = answers.count()
    idf = {t: math.log(1 + total / n) for t, n in frequency.items()}
    weight_idf = Case(
        *(When(token=t, then=Value(v)) for t, v in idf.items()), default=Value(0.0), output_field=FloatField()
    )
    ranked = list(
        pool.values("answer")
        .annotate(score=Sum(F("weight") * weight_idf, output_field=FloatField()), matched=Count("id"))
        .order_by("-matched", "-score", "answer")[:limit]
    )
    by_id = answers.select_related("unit").in_bulk([row["answer"] for row in ranked])
    return [
        Hit(by_id[row["answer"]], round(row["score"], 3), row["matched"])
        for row in ranked
        if row["answer"] in by_id
    ]


def answers_for_units(answers: QuerySet[Answer], unit_ids: list[int] | None = None) -> QuerySet[Answer]:
    """A listing of answers (optionally of some units), owner unit joined."""
    if unit_ids is not None:
        answers = answers.filter(unit_id__in=unit_ids)
    return answers.select_related("unit").order_by("unit__sort_order", "unit_id", "question")


def past_review(answers: QuerySet[Answer]) -> QuerySet[Answer]:
    return answers.filter(review_on__lt=timezone.localdate())


FIELD_LABELS = {
    "question": _("Question"),
    "answer": _("Answer text"),
    "keywords": _("Keywords"),
    "review_on": _("Review date"),
}


@dataclass(frozen=True)
class HistoryRow:
    change: AnswerChange
    detail: str  # in the reader's language: the new state, or the fields that changed


def history(answer: Answer, limit: int = 50) -> list[HistoryRow]:
    """The answer's history, newest first, each row described in words (no stored codes on the page)."""
    rows = []
    for change in answer.changes.select_related("actor").order_by("-at", "-id")[:limit]:
        if change.action == ChangeAction.STATE:
            detail = str(AnswerState(change.after["state"]).label)
        elif change.action == ChangeAction.EDIT:
            detail = "、".join(str(FIELD_LABELS.get(name, "")) for name in change.after)
        elif change.action == ChangeAction.REVIEW_DUE:
            detail = change.after.get("review_on", "")
        else:
            detail = ""
        rows.append(HistoryRow(change, detail))
    return rows


def uses_of(answer: Answer) -> QuerySet[AnswerUse]:
    """The tickets answered on the spot with ``answer``, newest first."""
    return answer.uses.select_related("ticket", "used_by").order_by("-used_at")


def uses_by(user: User) -> QuerySet[AnswerUse]:
    return AnswerUse.objects.filter(used_by=user).select_related("answer", "ticket", "answer__unit")
