"""The dispatch model's versions and what it suggested for each dispatched ticket (R9.5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DispatchModel(models.Model):
    """One trained version of the dispatch suggestion; the newest row is the one in use. Rows are never changed."""

    class Trigger(models.TextChoices):
        NIGHTLY = "nightly", _("Nightly")
        ON_DEMAND = "on_demand", _("On demand")
        COMMAND = "command", _("Command line")

    trained_at = models.DateTimeField(_("Trained at"))
    tickets = models.PositiveIntegerField(_("Closed tickets in the training set"))
    remit_documents = models.PositiveIntegerField(_("Remit documents in the training set"))
    newest_ticket_at = models.DateTimeField(_("Newest training ticket"), null=True, blank=True)
    units = models.JSONField(_("Units"), default=list)
    seconds = models.FloatField(_("Training time (s)"))
    trigger = models.CharField(_("Trigger"), max_length=16, choices=Trigger.choices)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Trained by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    payload = models.BinaryField(_("Model (joblib)"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("Dispatch model")
        verbose_name_plural = _("Dispatch models")

    def __str__(self) -> str:
        return f"v{self.pk}"


class DispatchSuggestion(models.Model):
    """What was suggested for a ticket and which lead unit the Office chose, written with the dispatch."""

    ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name=_("Ticket"),
        on_delete=models.CASCADE,
        related_name="dispatch_suggestion",
    )
    model = models.ForeignKey(
        DispatchModel,
        verbose_name=_("Model version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("Empty: the built-in cold-start model (no version trained yet)"),
    )
    suggested = models.JSONField(_("Suggested units"), default=list)  # [{"unit": name, "confidence": p}]
    suggested_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("First suggestion"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    chosen_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("Chosen lead unit"), on_delete=models.PROTECT, related_name="+"
    )
    accepted = models.BooleanField(_("First suggestion chosen"))
    in_top3 = models.BooleanField(_("Chosen unit among the suggestions"))
    dispatched_at = models.DateTimeField(_("Dispatched at"), db_index=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Dispatched by"), null=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("Dispatch suggestion")
        verbose_name_plural = _("Dispatch suggestions")

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.chosen_unit_id}"
