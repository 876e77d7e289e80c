"""The Office's reports (issue 13 items 2–3): the weekly 情况专报 (R8.3, Art. 14) and the daily zero reports of
sensitive periods (R8.4, Art. 3), with the app's own append-only log of every action.

An issued weekly report is a row of ``IssuedReport`` holding the DOCX bytes and their SHA-256; the database
refuses UPDATE and DELETE on it and on ``ReportLog`` (migration 0002). A correction is a new issued report that
links the one it corrects.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiesu.appendonly import AppendOnly
from jiesu.org.models import Unit


class WeeklyDraft(models.Model):
    """The Office's working copy of one week's report: the sections kept and the free text of each."""

    week_start = models.DateField(_("Week starting"), unique=True)  # a Monday, Asia/Shanghai
    texts = models.JSONField(_("Section texts"), default=dict, blank=True)  # section key → free text
    omitted = models.JSONField(_("Sections left out"), default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("Updated at"), null=True, blank=True)

    class Meta:
        ordering = ["-week_start"]
        verbose_name = _("Weekly report draft")
        verbose_name_plural = _("Weekly report drafts")

    def __str__(self) -> str:
        return f"{self.week_start:%G-W%V}"


class IssuedReport(AppendOnly):
    """An issued weekly report, archived unchanged: the file as issued and its SHA-256 (R8.3)."""

    week_start = models.DateField(_("Week starting"))
    serial = models.PositiveSmallIntegerField(
        _("Issue")
    )  # 1 for the first issue of a week, 2 for its correction …
    issued_at = models.DateTimeField(_("Issued at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content = models.BinaryField(_("File"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("Size in bytes"))
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    reason = models.TextField(_("Reason for the correction"), blank=True)

    class Meta:
        ordering = ["-week_start", "-serial"]
        verbose_name = _("Issued weekly report")
        verbose_name_plural = _("Issued weekly reports")
        constraints = [models.UniqueConstraint(fields=["week_start", "serial"], name="reporting_issue_once")]

    def __str__(self) -> str:
        return f"{self.week_start:%G-W%V} #{self.serial}"

    @property
    def filename(self) -> str:
        suffix = f"-{self.serial}" if self.serial > 1 else ""
        return f"weekly-{self.week_start:%G-W%V}{suffix}.docx"


class SensitivePeriod(models.Model):
    """Dates in which the listed units report every day by the cut-off (R8.4, Art. 3)."""

    name = models.CharField(_("Name"), max_length=100)
    first_day = models.DateField(_("First day"))
    last_day = models.DateField(_("Last day"))
    units = models.ManyToManyField(Unit, verbose_name=_("Units"), related_name="+")
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(_("Declared at"))

    class Meta:
        ordering = ["-first_day", "-id"]
        verbose_name = _("Sensitive period")
        verbose_name_plural = _("Sensitive periods")

    def __str__(self) -> str:
        return f"{self.name} {self.first_day}–{self.last_day}"


class ZeroReport(AppendOnly):
    """One unit's daily report in a sensitive period: its new requests and notable issues, or an explicit zero
    report (nothing to report). Written once; a late one is kept and marked late."""

    period = models.ForeignKey(SensitivePeriod, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, verbose_name=_("Unit"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("Day"))
    is_zero = models.BooleanField(_("Zero report"))
    new_requests = models.PositiveIntegerField(_("New requests"), default=0)
    notable = models.TextField(_("Notable issues"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("Submitted at"))
    late = models.BooleanField(_("Late"), default=False)

    class Meta:
        ordering = ["day", "unit__sort_order"]
        verbose_name = _("Zero report")
        verbose_name_plural = _("Zero reports")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit", "day"], name="reporting_zero_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


class MissingFlag(AppendOnly):
    """A unit found without a report at the cut-off, flagged once (the unique key makes two sweeps safe)."""

    period = models.ForeignKey(SensitivePeriod, on_delete=models.PROTECT, related_name="missing")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    flagged_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "unit", "day"], name="reporting_flag_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


class ReportLog(AppendOnly):
    """The app's audit log: every draft edit, issue, download, declaration, report, flag and export."""

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=32)
    subject = models.CharField(max_length=64)  # "week:2026-11-23", "period:3", "issued:7"
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject", "at"], name="reporting_log_subject_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.subject}"
