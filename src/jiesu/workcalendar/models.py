"""Calendar data the admins own (R5.2): imported official arrangements, single-date overrides, history.

The package data (R5.1) and the statutory fallback (R5.3) are computed, never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarImport(models.Model):
    """R5.2: one imported file of a year's official arrangement (the State Council's notice)."""

    filename = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件摘要"), max_length=64)
    years = models.JSONField(_("覆盖年份"), default=list)
    row_count = models.PositiveIntegerField(_("条目数"))
    changed_days = models.PositiveIntegerField(_("变更日期数"), default=0)
    recomputed = models.PositiveIntegerField(_("重算期限数"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("放假安排导入")
        verbose_name_plural = _("放假安排导入")

    def __str__(self) -> str:
        return f"{self.filename} ({', '.join(str(y) for y in self.years)})"


class OfficialYear(models.Model):
    """R5.2: a year whose arrangement was imported; it is official and replaces the package's data."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.ForeignKey(
        CalendarImport, verbose_name=_("来源导入"), on_delete=models.PROTECT, related_name="official_years"
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("已导入年份")
        verbose_name_plural = _("已导入年份")

    def __str__(self) -> str:
        return str(self.year)


class OfficialDay(models.Model):
    """R5.2: one row of an imported arrangement: a holiday or a make-up working day (调休上班)."""

    date = models.DateField(_("日期"), unique=True)
    working = models.BooleanField(_("上班"))
    name = models.CharField(_("名称"), max_length=64, blank=True)
    source = models.ForeignKey(
        CalendarImport, verbose_name=_("来源导入"), on_delete=models.PROTECT, related_name="days"
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("官方安排日期")
        verbose_name_plural = _("官方安排日期")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class CalendarOverride(models.Model):
    """R5.2: an admin's decision for one date (working or not), with a note; it wins over every source."""

    date = models.DateField(_("日期"), unique=True)
    working = models.BooleanField(_("上班"))
    note = models.CharField(_("说明"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设置人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("日期调整")
        verbose_name_plural = _("日期调整")

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.working else '休息'}"


class CalendarChangeAction(models.TextChoices):
    OVERRIDE_SET = "override_set", _("设置日期调整")
    OVERRIDE_CLEARED = "override_cleared", _("取消日期调整")
    IMPORTED = "imported", _("导入放假安排")


class CalendarChange(models.Model):
    """Append-only history of every calendar write (who, when, what, before → after)."""

    action = models.CharField(_("操作"), max_length=32, choices=CalendarChangeAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    date = models.DateField(_("日期"), null=True, blank=True)
    years = models.JSONField(_("年份"), default=list)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("日历变更记录")
        verbose_name_plural = _("日历变更记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class CalendarVersion(models.Model):
    """A single row whose token changes with every calendar write, so every process drops its cache."""

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("日历版本")
        verbose_name_plural = _("日历版本")

    def __str__(self) -> str:
        return self.token
