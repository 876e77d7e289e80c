"""Supervision (rules §8): orders 督办 (R8.2) with their append-only log, and inspections (R8.5) with their
sample, findings and archived notices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiesu.org.models import Unit
from jiesu.supervision.states import OPEN, WAITING, OrderLevel, OrderState
from jiesu.tickets.models import Ticket


class Order(models.Model):
    """R8.2: a supervision order on a ticket or on a unit's matter. ``deadline_at`` and ``next_escalation_at``
    are stored columns, recomputed by the services and read by the sweep through a partial index."""

    unit = models.ForeignKey(Unit, verbose_name=_("Unit"), on_delete=models.PROTECT, related_name="+")
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("Ticket"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("Matter"), max_length=120)
    requirement = models.TextField(_("Requirement"))
    level = models.CharField(_("Level"), max_length=16, choices=OrderLevel.choices)
    state = models.CharField(_("State"), max_length=16, choices=OrderState.choices, default=OrderState.ISSUED)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("Issued at"))
    deadline_at = models.DateTimeField(_("Deadline"))
    deadline_days = models.PositiveSmallIntegerField(_("Working days"))
    provisional = models.BooleanField(default=False)  # R5.3: the deadline rests on fallback calendar data
    escalation = models.PositiveSmallIntegerField(default=0)  # 0 none, 1 unit head, 2 leader in charge
    next_escalation_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("Written answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_on_time = models.BooleanField(null=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [
            # The sweep's probe: waiting orders whose next escalation is due, oldest first.
            models.Index(
                fields=["next_escalation_at"],
                name="order_escalation_pending",
                condition=Q(state__in=sorted(WAITING), next_escalation_at__isnull=False),
            ),
            models.Index(fields=["unit", "state"], name="order_unit_state"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN


class OrderEventQuerySet(models.QuerySet["OrderEvent"]):
    def update(self, **kwargs: object) -> int:
        raise RuntimeError("the order log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuntimeError("the order log is append-only")


class OrderEvent(models.Model):
    """R10.4: the append-only log of an order (issue, answer, review, escalation); triggers refuse changes."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=16)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = OrderEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.action} @ {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise RuntimeError("the order log is append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise RuntimeError("the order log is append-only")


class Inspection(models.Model):
    """R8.5 / Art. 15: a random sample of one unit's tickets received in a period. The seed and the population
    (the ticket ids drawn from, in id order) are recorded, so the same seed always gives the same sample."""

    unit = models.ForeignKey(Unit, verbose_name=_("Unit"), on_delete=models.PROTECT, related_name="+")
    first_day = models.DateField(_("From"))
    last_day = models.DateField(_("To"))
    seed = models.CharField(_("Seed"), max_length=64)
    size = models.PositiveSmallIntegerField(_("Sample size"))
    population = models.JSONField(default=list)  # ticket ids, ascending
    sample = models.JSONField(default=list)  # ticket ids, in drawing order
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.unit_id} {self.first_day}–{self.last_day}"


class Finding(models.Model):
    """One sampled ticket's check (response, resolution, satisfaction, the call) and the finding recorded."""

    class Check(models.TextChoices):
        OK = "ok", _("Compliant")
        PROBLEM = "problem", _("Problem found")

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="+")
    response = models.CharField(_("Response"), max_length=8, choices=Check.choices)
    resolution = models.CharField(_("Resolution"), max_length=8, choices=Check.choices)
    satisfaction = models.CharField(_("Satisfaction"), max_length=8, choices=Check.choices)
    called = models.BooleanField(_("Requester called"), default=False)
    call_note = models.TextField(_("What the requester said"), blank=True)
    finding = models.TextField(_("Finding"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["inspection", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "ticket"], name="finding_once_per_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.ticket_id}"

    @property
    def has_problem(self) -> bool:
        return self.Check.PROBLEM in (self.response, self.resolution, self.satisfaction)


class Notice(models.Model):
    """R8.5: an issued notice 通报, archived unchanged: its DOCX bytes and their SHA-256 (a trigger refuses
    changes; a correction is a new notice)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="notices")
    title = models.CharField(_("Title"), max_length=120)
    body = models.TextField(_("Text"))
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.title
