"""The knowledge base (R2.8): answers to frequent consultations, their search tokens, history and uses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AnswerState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Answer(models.Model):
    """One answer to a frequent consultation, owned by a unit. Edited only through ``knowledge.services``."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("Owner unit"), on_delete=models.PROTECT, related_name="answers"
    )
    question = models.CharField(_("Question"), max_length=200)
    answer = models.TextField(_("Answer text"))
    keywords = models.CharField(_("Keywords"), max_length=200, blank=True)
    state = models.CharField(
        _("State"), max_length=16, choices=AnswerState.choices, default=AnswerState.DRAFT
    )
    review_on = models.DateField(_("Review date"))
    # The review date the unit was last told about (told once per review date).
    review_flagged_on = models.DateField(null=True, blank=True)
    view_count = models.PositiveIntegerField(_("Views"), default=0)
    created_at = models.DateTimeField(_("Created at"))
    updated_at = models.DateTimeField(_("Updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Updated by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Space-joined rjieba tokens of question, keywords and answer (what the token rows were built from).
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["unit", "question"]
        verbose_name = _("Answer")
        verbose_name_plural = _("Answers")
        indexes = [models.Index(fields=["state", "review_on"], name="kb_answer_state_review")]

    def __str__(self) -> str:
        return self.question


class AnswerToken(models.Model):
    """The inverted index: one row per (answer, token), weighted by where and how often the token occurs."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="tokens")
    token = models.CharField(max_length=64)
    weight = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["answer", "token"], name="kb_token_once")]
        indexes = [models.Index(fields=["token"], name="kb_token")]

    def __str__(self) -> str:
        return f"{self.token}×{self.weight}"


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Answer created")
    EDIT = "edit", _("Edited")
    STATE = "state", _("State changed")
    REVIEW_DUE = "review_due", _("Review date passed; the unit was told")


class AnswerChange(models.Model):
    """Append-only history of an answer: every creation, edit, state change and review flag."""

    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    action = models.CharField(max_length=32, choices=ChangeAction.choices)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


class AnswerUse(models.Model):
    """R2.8: a consultation answered on the spot with this answer, recorded as this ticket."""

    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="uses")
    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.PROTECT, related_name="knowledge_use")
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    used_at = models.DateTimeField()
    sent_at_once = models.BooleanField(default=False)  # True: the head answered and approved at once (R4.3)

    class Meta:
        ordering = ["-used_at"]

    def __str__(self) -> str:
        return f"{self.answer_id} → {self.ticket_id}"
