"""Calendar data the admins own (R5.2): imported official arrangements, single-date overrides, history.

The package data (R5.1) and the statutory fallback (R5.3) are computed, never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class CalendarImport(models.Model):
    """R5.2: one imported file of a year's official arrangement (the State Council's notice)."""

    filename = models.CharField(_("File name"), max_length=255)
    sha256 = models.CharField(_("File digest (SHA-256)"), max_length=64)
    years = models.JSONField(_("Years covered"), default=list)
    row_count = models.PositiveIntegerField(_("Row count"))
    changed_days = models.PositiveIntegerField(_("Dates changed"), default=0)
    recomputed = models.PositiveIntegerField(_("Deadlines recomputed"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("Imported at"), auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("Holiday arrangement import")
        verbose_name_plural = _("Holiday arrangement imports")

    def __str__(self) -> str:
        return f"{self.filename} ({', '.join(str(y) for y in self.years)})"


class OfficialYear(models.Model):
    """R5.2: a year whose arrangement was imported; it is official and replaces the package's data."""

    year = models.PositiveSmallIntegerField(_("Year"), unique=True)
    source = models.ForeignKey(
        CalendarImport,
        verbose_name=_("Source import"),
        on_delete=models.PROTECT,
        related_name="official_years",
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("Imported year")
        verbose_name_plural = _("Imported years")

    def __str__(self) -> str:
        return str(self.year)


class OfficialDay(models.Model):
    """R5.2: one row of an imported arrangement: a holiday or a make-up working day (调休上班)."""

    date = models.DateField(_("Date"), unique=True)
    working = models.BooleanField(_("Working"))
    name = models.CharField(_("Name of the day"), max_length=64, blank=True)
    source = models.ForeignKey(
        CalendarImport, verbose_name=_("Source import"), on_delete=models.PROTECT, related_name="days"
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("Official arrangement day")
        verbose_name_plural = _("Official arrangement days")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class CalendarOverride(models.Model):
    """R5.2: an admin's decision for one date (working or not), with a note; it wins over every source."""

    date = models.DateField(_("Date"), unique=True)
    working = models.BooleanField(_("Working"))
    note = models.CharField(_("Note"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Set at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("Changed at"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("Date override")
        verbose_name_plural = _("Date overrides")

    def __str__(self) -> str:
        return f"{self.date} {gettext('Working') if self.working else gettext('Day off')}"


class CalendarChangeAction(models.TextChoices):
    OVERRIDE_SET = "override_set", _("Override set")
    OVERRIDE_CLEARED = "override_cleared", _("Override cleared")
    IMPORTED = "imported", _("Import holiday arrangement")


class CalendarChange(models.Model):
    """Append-only history of every calendar write (who, when, what, before → after)."""

    action = models.CharField(_("Action"), max_length=32, choices=CalendarChangeAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Performed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("Time"), auto_now_add=True)
    date = models.DateField(_("Date"), null=True, blank=True)
    years = models.JSONField(_("Year"), default=list)
    note = models.CharField(_("Note"), max_length=200, blank=True)
    before = models.JSONField(_("Before"), null=True, blank=True)
    after = models.JSONField(_("After"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("Calendar change")
        verbose_name_plural = _("Calendar changes")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class CalendarVersion(models.Model):
    """A single row whose token changes with every calendar write, so every process drops its cache."""

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("Calendar version")
        verbose_name_plural = _("Calendar versions")

    def __str__(self) -> str:
        return self.token
