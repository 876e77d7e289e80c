"""Every write to the knowledge base (R2.8): answers, their inverted index, their history, and the on-the-spot
answer that becomes a ticket with that answer as its formal reply.

Each service validates first, then writes the answer, its token rows and its append-only history row in one
transaction; the review flag tells the unit after commit (``notify_users`` writes the outbox in the flag's own
transaction, which the worker delivers once committed)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.knowledge import permissions
from jiesu.knowledge.models import Answer, AnswerChange, AnswerState, AnswerToken, AnswerUse, ChangeAction
from jiesu.knowledge.text import keyword_list, weighted_tokens
from jiesu.notify.services import notify_users
from jiesu.org.models import Role, Unit, User
from jiesu.textcheck import control_character
from jiesu.tickets import services as tickets
from jiesu.tickets.attachments import attachments_add
from jiesu.tickets.errors import BadValue, DomainError, NotAllowed
from jiesu.tickets.models import DIRECT_CHANNELS, Level
from jiesu.tickets.permissions import relations
from jiesu.tickets.services.replies import flags_third_party
from jiesu.tickets.states import Actor

MAX_QUESTION, MAX_ANSWER, MAX_KEYWORDS = 200, 2000, 200
MAX_REVIEW_YEARS = 3
# A tag (<b>, </p>, <script …>, <!-- …): answers are plain text shown to requesters and sent as formal replies.
_TAG = re.compile(r"<\s*[/!?]?\s*[a-zA-Z][^>]*>|<!--")
# Moves between states (data, checked here): a retired answer may come back as a draft to be reworked.
MOVES = {
    AnswerState.DRAFT: {AnswerState.PUBLISHED, AnswerState.RETIRED},
    AnswerState.PUBLISHED: {AnswerState.DRAFT, AnswerState.RETIRED},
    AnswerState.RETIRED: {AnswerState.DRAFT},
}
_FIELDS = ("question", "answer", "keywords", "review_on")


def _check_text(name: str, value: str, limit: int, *, multiline: bool) -> str:
    text = value.strip()
    if control_character(text, multiline=multiline) is not None:
        raise BadValue(
            _("The text contains control characters (such as a NUL byte); remove them and try again."),
            field=name,
        )
    if _TAG.search(text):
        raise BadValue(_("Write plain text: HTML tags are not allowed."), field=name)
    if len(text) > limit:
        raise BadValue(
            _("At most %(limit)s characters (now %(count)s).") % {"limit": limit, "count": len(text)},
            field=name,
        )
    return text


def _check_fields(*, question: str, answer: str, keywords: str, review_on: dt.date | None) -> dict[str, Any]:
    """Validated, stripped fields, or a DomainError naming the field."""
    clean: dict[str, Any] = {
        "question": _check_text("question", question, MAX_QUESTION, multiline=False),
        "answer": _check_text("answer", answer, MAX_ANSWER, multiline=True),
        "keywords": " ".join(keyword_list(_check_text("keywords", keywords, MAX_KEYWORDS, multiline=False))),
    }
    if not clean["question"]:
        raise DomainError(_("Write the question."), field="question")
    if not clean["answer"]:
        raise DomainError(_("Write the answer."), field="answer")
    if flags_third_party(clean["answer"]):
        # R6.5 / Art. 9.6: the answer becomes a formal reply, which may not send the requester elsewhere.
        raise DomainError(
            _(
                "The answer asks the requester to contact a third party themselves, which Article 9 of the "
                "regulation forbids in a reply: say what the unit does instead."
            ),
            field="answer",
        )
    today = timezone.localdate()
    if review_on is None:
        raise DomainError(_("Give the date by which the answer must be reviewed."), field="review_on")
    if not today <= review_on <= today.replace(year=today.year + MAX_REVIEW_YEARS):
        raise DomainError(
            _("The review date must be between today and three years from now."), field="review_on"
        )
    clean["review_on"] = review_on
    return clean


def _index(answer: Answer) -> None:
    """Rebuild the answer's token rows (the inverted index) from its text."""
    weights = weighted_tokens(question=answer.question, keywords=answer.keywords, answer=answer.answer)
    AnswerToken.objects.filter(answer=answer).delete()
    AnswerToken.objects.bulk_create(AnswerToken(answer=answer, token=t, weight=w) for t, w in weights.items())
    answer.search_text = " ".join(sorted(weights))[:8000]


def _record(
    answer: Answer, *, actor: User | None, action: str, before: dict, after: dict, at: dt.datetime
) -> None:
    AnswerChange.objects.create(answer=answer, actor=actor, action=action, before=before, after=after, at=at)


def _facts(answer: Answer, names: tuple[str, ...] = (*_FIELDS, "state")) -> dict[str, str]:
    return {name: str(getattr(answer, name)) for name in names}


def _check_editor(actor: User, unit: Unit) -> None:
    if not permissions.may_edit_unit(actor, unit):
        raise NotAllowed(_("Only the unit's information officers and the Office may edit its answers."))


@transaction.atomic
def answer_create(
    *,
    actor: User,
    unit: Unit,
    question: str,
    answer: str,
    keywords: str = "",
    review_on: dt.date | None,
    publish: bool = False,
) -> Answer:
    """A new answer of ``unit``, as a draft (or published at once); indexed and in the history."""
    _check_editor(actor, unit)
    clean = _check_fields(question=question, answer=answer, keywords=keywords, review_on=review_on)
    at = timezone.now()
    state = AnswerState.PUBLISHED if publish else AnswerState.DRAFT
    created = Answer(unit=unit, state=state, created_at=at, updated_at=at, updated_by=actor, **clean)
    created.save(force_insert=True)
    _index(created)
    created.save(update_fields=["search_text"])
    _record(
        created,
        actor=actor,
        action=ChangeAction.CREATE,
        before={},
        after={**_facts(created), "unit": unit.name},
        at=at,
    )
    return created


def _locked(answer: Answer) -> Answer:
    return Answer.objects.select_for_update().select_related("unit").get(pk=answer.pk)


@transaction.atomic
def answer_update(
    *, actor: User, answer: Answer, question: str, answer_text: str, keywords: str, review_on: dt.date | None
) -> Answer:
    """Edit the text or the review date (a later review date is how a unit records its review)."""
    answer = _locked(answer)
    _check_editor(actor, answer.unit)
    clean = _check_fields(question=question, answer=answer_text, keywords=keywords, review_on=review_on)
    changed = tuple(name for name in _FIELDS if getattr(answer, name) != clean[name])
    if not changed:
        return answer
    before = _facts(answer, changed)
    for name in changed:
        setattr(answer, name, clean[name])
    answer.updated_at, answer.updated_by = timezone.now(), actor
    _index(answer)
    answer.save()
    _record(
        answer,
        actor=actor,
        action=ChangeAction.EDIT,
        before=before,
        after=_facts(answer, changed),
        at=answer.updated_at,
    )
    return answer


@transaction.atomic
def answer_set_state(*, actor: User, answer: Answer, state: str) -> Answer:
    """Publish, withdraw to draft or retire an answer (moves in ``MOVES``)."""
    answer = _locked(answer)
    _check_editor(actor, answer.unit)
    if state not in MOVES.get(AnswerState(answer.state), set()):
        raise DomainError(_("This answer cannot move to that state now."), field="state")
    if state == AnswerState.PUBLISHED and answer.review_on < timezone.localdate():
        raise DomainError(
            _("Review the answer and give a new review date before publishing it."), field="review_on"
        )
    before = answer.state
    answer.state, answer.updated_at, answer.updated_by = state, timezone.now(), actor
    answer.save(update_fields=["state", "updated_at", "updated_by"])
    _record(
        answer,
        actor=actor,
        action=ChangeAction.STATE,
        before={"state": before},
        after={"state": state},
        at=answer.updated_at,
    )
    return answer


def answer_view(*, answer: Answer) -> None:
    """Count one opening of the answer (a counter, not a change: no history row)."""
    Answer.objects.filter(pk=answer.pk).update(view_count=F("view_count") + 1)


def _unit_officers(unit_id: int) -> list[User]:
    return list(
        User.objects.filter(
            memberships__unit_id=unit_id, memberships__role=Role.INFO_OFFICER, is_active=True
        ).distinct()
    )


def answers_flag_review(*, now: dt.datetime | None = None) -> int:
    """Published answers past their review date are flagged to their unit's information officers, once per
    review date, in the history; they are hidden from requesters meanwhile (``permissions``). Returns the
    number of notifications written."""
    today = timezone.localdate(now or timezone.now())
    told = 0
    due = Answer.objects.filter(state=AnswerState.PUBLISHED, review_on__lt=today).exclude(
        review_flagged_on=F("review_on")
    )
    for pk in due.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            answer = (
                Answer.objects.select_for_update()
                .filter(pk=pk)
                .exclude(review_flagged_on=F("review_on"))
                .first()
            )
            if answer is None:
                continue
            answer.review_flagged_on = answer.review_on
            answer.save(update_fields=["review_flagged_on"])
            _record(
                answer,
                actor=None,
                action=ChangeAction.REVIEW_DUE,
                before={},
                after={"review_on": str(answer.review_on)},
                at=now or timezone.now(),
            )
            told += notify_users(
                "knowledge_review",
                _unit_officers(answer.unit_id),
                title=_("An answer is past its review date"),
                body=_(
                    "“%(question)s” was due for review on %(date)s; requesters no longer see it until it is reviewed."
                )
                % {"question": answer.question, "date": answer.review_on.isoformat()},
                url=reverse("knowledge:edit", args=[answer.pk]),
            )
    return told


@dataclass(frozen=True)
class OnCall:
    use: AnswerUse
    tracking_code: str  # shown once to the recorder, who reads it to the caller (R10.1)


@transaction.atomic
def answer_on_call(*, actor: User, answer: Answer, files: Sequence[Any] = (), **intake: Any) -> OnCall:
    """R2.8: a call answered on the spot with ``answer`` is recorded as a ticket whose formal reply is that answer.

    The ticket is created through ``tickets.services.ticket_create`` (hotline or walk-in, so the receiving unit
    leads and the call is acknowledged, R4.1), set to the level ``direct`` (R4.2: solved directly) and the answer
    submitted as its formal reply. R4.3 says a formal reply is sent only once the unit head approves it; the
    knowledge base answer was written by the unit's officers or the Office, not approved for this request, so:

    * recorded by the lead unit's head, the head's own submission is the approval: the reply is sent at once
      and the follow-up clock starts (R4.6);
    * recorded by anyone else, the reply waits in the head's approvals; the follow-up starts when it is sent.

    The requester heard the answer on the call either way; the ticket still gets its follow-up (R2.8)."""
    answer = _locked(answer)  # its state now, not as the caller last read it
    if answer.state != AnswerState.PUBLISHED:
        raise DomainError(_("Only a published answer can be given on a call."), field="answer")
    if answer.review_on < timezone.localdate():
        raise DomainError(
            _("This answer is past its review date; its unit must review it before it is given again."),
            field="answer",
        )
    if intake.get("channel") not in DIRECT_CHANNELS:
        raise DomainError(_("Only a hotline call or a walk-in can be answered on the spot."), field="channel")
    created = tickets.ticket_create(actor=actor, **{**intake, "acknowledge": True})
    ticket = created.ticket
    tickets.ticket_set_level(actor=actor, ticket=ticket, level=Level.DIRECT)
    tickets.reply_submit(actor=actor, ticket=ticket, body=answer.answer)
    sent = Actor.LEAD_HEAD in relations(actor, ticket)
    if sent:
        tickets.reply_approve(
            actor=actor, ticket=ticket, comment=_("Answered on the call from the knowledge base")
        )
    use = AnswerUse.objects.create(
        answer=answer, ticket=ticket, used_by=actor, used_at=timezone.now(), sent_at_once=sent
    )
    answer_view(answer=answer)
    # Last, so a refused file rolls everything back and its own cleanup removes what it wrote (R1.2).
    attachments_add(actor=actor, ticket=ticket, files=files)
    return OnCall(use, created.tracking_code)
