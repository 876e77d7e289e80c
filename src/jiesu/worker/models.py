"""What the worker keeps: the daily digests already made (one per unit and day, made exactly once)."""

from __future__ import annotations

from django.db import models

from jiesu.org.models import Unit


class Digest(models.Model):
    """A unit head's daily digest (issue 5 §4) for one day; the unique row makes it exactly once."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="digest_once_per_unit_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"
