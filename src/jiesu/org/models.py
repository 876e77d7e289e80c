"""Organization (rules §3, §11): campuses, units, hotlines, people and their roles."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def with_area_code(number: str, area_code: str) -> str:
    """Prefix a local fixed-line number with its area code; numbers that carry one, mobiles (1…, 11 digits)
    and international numbers are left as they are."""
    digits = re.sub(r"\D", "", number)
    if (
        not area_code
        or not digits
        or number.startswith(("0", "+"))
        or (len(digits) == 11 and digits[0] == "1")
    ):
        return number
    return f"{area_code}-{number}"


class Campus(models.Model):
    """R1.4: the seed's two campuses."""

    code = models.SlugField(_("Code"), max_length=32, unique=True)
    name = models.CharField(_("Name"), max_length=64, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("Order"), default=0)
    # The city's telephone area code (010 Beijing, 0312 Zhuozhou): the directory's numbers are local ones.
    area_code = models.CharField(_("Telephone area code"), max_length=8, blank=True, default="")

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("Campus")
        verbose_name_plural = _("Campus")

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    COLLEGE = "college", _("College")
    DEPARTMENT = "department", _("Department")
    OFFICE = "office", _("Office")
    CENTRE = "centre", _("Centre")


class Unit(models.Model):
    """A 承办单位: a college, 部, 处, office or centre that receives and handles tickets (R3)."""

    code = models.SlugField(_("Code"), max_length=64, unique=True)
    name = models.CharField(_("Name"), max_length=64, unique=True)
    kind = models.CharField(_("Kind"), max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    remit = models.TextField(
        _("Remit"),
        blank=True,
        help_text=_("What the unit is responsible for; used by the dispatch catalogue and suggestions"),
    )
    is_active = models.BooleanField(_("Active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("Order"), default=100)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("Unit")
        verbose_name_plural = _("Unit")

    def __str__(self) -> str:
        return self.name


class ServiceDays(models.TextChoices):
    WORKDAYS = "workdays", _("Working days")
    ALL_DAYS = "all_days", _("Working days and holidays")


class Hotline(models.Model):
    """R2.3 / §11: a unit's hotline number on one campus, with its service days and daily hours."""

    unit = models.ForeignKey(Unit, verbose_name=_("Unit"), on_delete=models.CASCADE, related_name="hotlines")
    campus = models.ForeignKey(
        Campus, verbose_name=_("Campus"), on_delete=models.PROTECT, related_name="hotlines"
    )
    number = models.CharField(_("Number"), max_length=32)
    service_label = models.CharField(_("Service hours (as published)"), max_length=64)
    service_days = models.CharField(_("Service days"), max_length=16, choices=ServiceDays.choices)
    # Null opening hours mean around the clock (24 小时).
    opens_at = models.TimeField(_("Opens at"), null=True, blank=True, default=dt.time(8, 0))
    closes_at = models.TimeField(_("Closes at"), null=True, blank=True, default=dt.time(17, 0))

    class Meta:
        ordering = ["unit__sort_order", "campus__sort_order"]
        verbose_name = _("Hotlines")
        verbose_name_plural = _("Hotlines")
        constraints = [
            models.UniqueConstraint(fields=["unit", "campus"], name="hotline_unit_campus_unique"),
            models.CheckConstraint(
                condition=(Q(opens_at__isnull=True) & Q(closes_at__isnull=True))
                | (
                    Q(opens_at__isnull=False)
                    & Q(closes_at__isnull=False)
                    & Q(opens_at__lt=models.F("closes_at"))
                ),
                name="hotline_hours_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.campus.name} {self.number}"

    @property
    def dial_number(self) -> str:
        """The number as dialled from anywhere: a local number gets its campus's area code (010-88561833)."""
        return with_area_code(self.number, self.campus.area_code)

    @property
    def around_the_clock(self) -> bool:
        return self.opens_at is None


class RequesterKind(models.TextChoices):
    STUDENT = "student", _("Student")
    FACULTY = "faculty", _("Faculty")
    STAFF = "staff", _("Staff")
    RETIREE = "retiree", _("Retiree")
    EXTERNAL = "external", _("External")


class User(AbstractUser):
    """One person: a requester, a unit's staff, a leader … Roles come from memberships."""

    full_name = models.CharField(_("Name"), max_length=64, blank=True)
    kind = models.CharField(
        _("Requester kind"), max_length=16, choices=RequesterKind.choices, default=RequesterKind.STUDENT
    )
    number = models.CharField(_("Student or staff number"), max_length=32, blank=True)
    campus = models.ForeignKey(
        Campus,
        verbose_name=_("Campus"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    phone = models.CharField(_("Mobile phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Person")
        constraints = [
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="user_number_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    UNIT_HEAD = "unit_head", _("Unit head")
    INFO_OFFICER = "info_officer", _("Information officer")
    UNIT_STAFF = "unit_staff", _("Unit staff")
    DISPATCHER = "dispatcher", _("Office dispatcher")
    DUTY_OPERATOR = "duty_operator", _("Duty operator")
    LEADER = "leader", _("Leader")
    INSPECTOR = "inspector", _("Inspector")
    ASSESSOR = "assessor", _("Assessor")
    SYSADMIN = "sysadmin", _("System administrator")


# Roles exercised inside one unit; the others are school-wide.
UNIT_ROLES = frozenset(
    {Role.UNIT_HEAD, Role.INFO_OFFICER, Role.UNIT_STAFF, Role.DISPATCHER, Role.DUTY_OPERATOR}
)


class Membership(models.Model):
    """A role a person holds, in a unit where the role is unit-scoped. A person may hold several."""

    user = models.ForeignKey(
        User, verbose_name=_("Person"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("Role"), max_length=16, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("Unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Role membership")
        verbose_name_plural = _("Role membership")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="membership_unique"),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(unit__isnull=True), name="membership_unique_schoolwide"
            ),
            # R3.1: each unit has one head.
            models.UniqueConstraint(
                fields=["unit"], condition=Q(role="unit_head"), name="membership_one_head_per_unit"
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | ~Q(role__in=sorted(r.value for r in UNIT_ROLES)),
                name="membership_unit_role_has_unit",
            ),
        ]
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}" + (f" · {self.unit}" if self.unit_id else "")
