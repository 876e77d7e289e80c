"""The audit log of people and units (issue 18 item 5): every change an administrator makes in the app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PeopleAction(models.TextChoices):
    UNIT_CREATED = "unit_created", _("Unit added")
    UNIT_CHANGED = "unit_changed", _("Unit changed")
    UNIT_RETIRED = "unit_retired", _("Unit retired")
    UNIT_RESTORED = "unit_restored", _("Unit restored")
    HOTLINE_SAVED = "hotline_saved", _("Hotline saved")
    HOTLINE_REMOVED = "hotline_removed", _("Hotline removed")
    ROLE_GRANTED = "role_granted", _("Role assigned")
    ROLE_REVOKED = "role_revoked", _("Role withdrawn")
    HEAD_REPLACED = "head_replaced", _("Unit head replaced")
    PERSON_IMPORTED = "person_imported", _("Person imported")
    PERSON_UPDATED = "person_updated", _("Person updated by import")
    ACCOUNT_CHANGED = "account_changed", _("Own contact details changed")


class PeopleLog(models.Model):
    """Append-only (Zulip's RealmAuditLog): one row per change, written by the service in the same transaction.
    ``summary`` is a readable sentence kept as it was at the time, ``details`` the old → new values."""

    at = models.DateTimeField(_("Time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Performed by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("Action"), max_length=24, choices=PeopleAction.choices)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("Unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.CharField(_("Summary"), max_length=300)
    details = models.JSONField(_("Details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("People and units log")
        verbose_name_plural = _("People and units log")
        indexes = [models.Index(fields=["unit", "-at"]), models.Index(fields=["person", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.summary}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Rows are written once and never changed."""
        if self.pk is not None:
            raise ValueError("PeopleLog rows are append-only")
        super().save(*args, **kwargs)
