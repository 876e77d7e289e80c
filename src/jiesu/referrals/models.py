"""Bulk imports of referral sheets (R2.6, issue 15 item 5): one ``ReferralImport`` per uploaded sheet, one
``ReferralRow`` per imported referral, and the app's append-only ``ReferralLog``.

``ReferralRow`` carries the key of a referral, (source, reference): the database refuses a second row with the
same key, so importing the same sheet twice — or two workers running the same batch — never records a referral
twice.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiesu.org.models import Campus
from jiesu.tickets.models import Ticket, TicketType


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Awaiting confirmation")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Stopped with an error")


class ReferralImport(models.Model):
    """One uploaded sheet: its bytes (the worker reads them again), the choices made at upload, the preview's
    figures and, as the import runs, its progress and outcome."""

    source_name = models.CharField(_("Referral source"), max_length=100)
    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="+")
    type = models.CharField(_("Type"), max_length=16, choices=TicketType.choices)
    filename = models.CharField(_("File name"), max_length=200)
    content = models.BinaryField()
    # The rows as the upload judged them from the sheet alone (``rows.pack``): the run takes them up instead of
    # reading the sheet again. Empty for a batch uploaded before they were kept (the run reads ``content``).
    judged = models.BinaryField(default=b"", blank=True)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    status = models.CharField(
        _("Status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    columns = models.JSONField(default=dict)  # field key → the header it was read from
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)  # at preview
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=list)  # the first rows as read, contacts masked (R10.2)
    failures = models.JSONField(
        default=list
    )  # [{"line", "reference", "errors"}] of the preview, then the run
    duplicates = models.JSONField(default=list)  # [{"line", "reference", "number"}] skipped at the run
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("Referral import")
        verbose_name_plural = _("Referral imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.source_name})"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)


class ReferralRow(models.Model):
    """One imported referral: the source's key and the ticket recorded for it."""

    batch = models.ForeignKey(ReferralImport, on_delete=models.PROTECT, related_name="rows")
    line = models.PositiveIntegerField()  # the row number in the sheet
    source_name = models.CharField(max_length=100)
    reference = models.CharField(max_length=64)
    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="referral_row")

    class Meta:
        ordering = ["batch", "line"]
        constraints = [
            models.UniqueConstraint(fields=["source_name", "reference"], name="referral_source_reference")
        ]

    def __str__(self) -> str:
        return f"{self.source_name} {self.reference}"


class ReferralLog(models.Model):
    """The app's audit log: upload, confirmation, each run's start and end (append-only)."""

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(ReferralImport, on_delete=models.PROTECT, related_name="log")
    action = models.CharField(max_length=32)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.batch_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("the referral import log is append-only")
        super().save(*args, **kwargs)
