"""What a backup promises to bring back: row counts per table and a checksum of the ticket history (R10.4).

Computed inside the snapshot's transaction when backing up, and again after a restore; equal figures mean the
restored database holds the same rows and the same history, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.apps import apps
from django.db import models

from jiesu.tickets.models import Event

HISTORY_FIELDS = (
    "id",
    "ticket_id",
    "at",
    "actor_id",
    "action",
    "from_status",
    "to_status",
    "before",
    "after",
    "reason",
    "public",
)


def _tables() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy and not m._meta.swapped]


def table_counts(*, existing: set[str] | None = None) -> dict[str, int]:
    """Rows per table of every installed model (one ``COUNT`` each); only the ``existing`` tables if given."""
    return {
        m._meta.db_table: m._base_manager.count()
        for m in _tables()
        if existing is None or m._meta.db_table in existing
    }


def _default(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def history_checksum() -> str:
    """SHA-256 of every history row in id order, each as canonical JSON (times in UTC)."""
    digest = hashlib.sha256()
    rows = Event.objects.order_by("id").values_list(*HISTORY_FIELDS).iterator(chunk_size=5000)
    for row in rows:
        digest.update(json.dumps(row, sort_keys=True, default=_default, ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def figures() -> dict[str, Any]:
    """Counts and the history checksum, read in the caller's transaction."""
    return {"counts": table_counts(), "history_sha256": history_checksum()}
