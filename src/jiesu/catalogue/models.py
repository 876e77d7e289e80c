"""The dispatch catalogue 派单目录 (R2.7): a tree of matters, each with its responsible unit and default co-handling
units, and its versions — every edit is a new catalogue version with one change row per matter it touched."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Matter(models.Model):
    """One node of the catalogue: a category (it has matters under it) or a matter the Office dispatches.

    Rows are never deleted: a matter that is no longer dispatched is retired (``is_active`` off), so its code
    (the Open311 ``service_code``) is never reused and earlier versions still name it."""

    code = models.SlugField(_("Code"), max_length=64, unique=True)
    name = models.CharField(_("Matter"), max_length=64)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Parent matter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("Responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cohandlers = models.ManyToManyField(
        "org.Unit", verbose_name=_("Default co-handling units"), blank=True, related_name="+"
    )
    keywords = models.CharField(_("Keywords"), max_length=500, blank=True)
    is_active = models.BooleanField(_("In use"), default=True)
    sort_order = models.PositiveIntegerField(_("Order"), default=100)
    # rjieba tokens of the name, the keywords and the parent's name, written by the services (search).
    search_text = models.TextField(_("Search tokens"), blank=True, editable=False)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("Matter")
        verbose_name_plural = _("Matters")

    def __str__(self) -> str:
        return self.name


class CatalogueVersion(models.Model):
    """One edit of the catalogue (one change, or one whole import): who, when, what, and the catalogue as it
    stood after it (``snapshot``), so any earlier version can be shown as it was. Rows are never changed."""

    number = models.PositiveIntegerField(_("Version"), unique=True)
    created_at = models.DateTimeField(_("Changed at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.CharField(_("Summary"), max_length=200)
    snapshot = models.JSONField(_("Catalogue after the change"), default=list)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("Catalogue version")
        verbose_name_plural = _("Catalogue versions")

    def __str__(self) -> str:
        return f"v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("catalogue versions are append-only")
        super().save(*args, **kwargs)


class ChangeAction(models.TextChoices):
    ADD = "add", _("Added")
    RENAME = "rename", _("Renamed")
    MOVE = "move", _("Moved")
    REASSIGN = "reassign", _("Responsible unit changed")
    EDIT = "edit", _("Edited")
    RETIRE = "retire", _("Retired")
    RESTORE = "restore", _("Restored")


class MatterChange(models.Model):
    """What one version did to one matter: before → after (append-only)."""

    version = models.ForeignKey(
        CatalogueVersion, verbose_name=_("Version"), on_delete=models.PROTECT, related_name="changes"
    )
    matter = models.ForeignKey(
        Matter, verbose_name=_("Matter"), on_delete=models.PROTECT, related_name="changes"
    )
    action = models.CharField(_("Change"), max_length=16, choices=ChangeAction.choices)
    before = models.JSONField(_("Before"), null=True, blank=True)
    after = models.JSONField(_("After"), null=True, blank=True)

    class Meta:
        ordering = ["version_id", "id"]
        verbose_name = _("Catalogue change")
        verbose_name_plural = _("Catalogue changes")

    def __str__(self) -> str:
        return f"{self.version_id}: {self.action} {self.matter_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("catalogue changes are append-only")
        super().save(*args, **kwargs)
