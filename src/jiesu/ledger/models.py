"""The ledger's own audit: every export is recorded (R8.1, R10.2 — a full-contact export is a full view)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerExport(models.Model):
    """One Excel export of the ledger: who, when, what was asked for, how many rows left the system."""

    class Source(models.TextChoices):
        WEB = "web", _("Web page")
        COMMAND = "command", _("Command line")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Exported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("Exported at"))
    source = models.CharField(_("Source"), max_length=8, choices=Source.choices)
    scope = models.CharField(_("Scope"), max_length=16)
    filters = models.JSONField(_("Filters"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("Rows"))
    full_contacts = models.BooleanField(_("Full contacts"), default=False)
    # Issue 17 item 4: a full-contact export states why, and counts the rows whose contacts left unmasked
    # (each of those tickets' history notes the export).
    reason = models.TextField(_("Reason"), blank=True)
    full_count = models.PositiveIntegerField(_("Rows with full contacts"), default=0)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("Ledger export")
        verbose_name_plural = _("Ledger exports")
        indexes = [models.Index(fields=["user", "at"], name="ledger_export_user_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user or '-'} {self.row_count}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise RuntimeError("the export audit is append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class SavedFilter(models.Model):
    """A person's named ledger filter (issue 14 item 6), e.g. "本周超期" — the query string of the ledger page.

    Private to its owner: it only remembers filters, and the ledger applies the owner's own scope when opened.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Owner"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(_("Name"), max_length=40)
    query = models.CharField(_("Filters"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("Saved at"))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("Saved ledger filter")
        verbose_name_plural = _("Saved ledger filters")
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="ledger_saved_filter_name")]

    def __str__(self) -> str:
        return self.name
