"""R10.4: the base of the apps' own append-only log rows (task forces, channels, reports …): written once,
never changed nor deleted through the ORM. Where an app's migration adds database triggers, they refuse it too."""

from __future__ import annotations

from typing import Any

from django.db import models


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError(f"{type(self).__name__} rows are append-only")
