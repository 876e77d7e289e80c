"""Writes to the working-day calendar (R5.2): overrides, imports, and the recompute hook.

Every write bumps the calendar's version token in the same transaction (so every process reloads its
cached calendar), appends to ``CalendarChange``, and hands the affected years to the registered recompute
callbacks, still inside the transaction: a deadline is never left computed on a calendar that no longer
exists, and a failed recompute rolls the import back.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable, Iterable

from django.db import transaction

from jiesu.org.models import User
from jiesu.workcalendar.importing import ImportRow
from jiesu.workcalendar.models import (
    CalendarChange,
    CalendarChangeAction,
    CalendarImport,
    CalendarOverride,
    CalendarVersion,
    OfficialDay,
    OfficialYear,
)
from jiesu.workcalendar.selectors import get_calendar, import_preview, invalidate_calendar_cache

RecomputeCallback = Callable[[set[int]], int]
"""Recomputes every open deadline that depends on any of the given years; returns how many it changed."""

_recompute_callbacks: list[RecomputeCallback] = []
_registry_lock = threading.Lock()


def register_recompute(callback: RecomputeCallback) -> RecomputeCallback:
    """R5.3: have ``callback`` called with the affected years after every calendar change.

    Usable as a decorator; registering the same callback twice has no effect. The callback runs inside
    the writing transaction and reads the new calendar through ``get_calendar()``.
    """
    with _registry_lock:
        if callback not in _recompute_callbacks:
            _recompute_callbacks.append(callback)
    return callback


def unregister_recompute(callback: RecomputeCallback) -> None:
    with _registry_lock:
        if callback in _recompute_callbacks:
            _recompute_callbacks.remove(callback)


def _recompute(years: set[int]) -> int:
    return sum(callback(set(years)) for callback in list(_recompute_callbacks))


def _calendar_changed() -> None:
    """Give the calendar a new version token and drop this process's cache, now and after commit."""
    CalendarVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})
    invalidate_calendar_cache()
    transaction.on_commit(invalidate_calendar_cache)


def _day_state(override: CalendarOverride | None, day_working: bool) -> dict[str, object]:
    if override is None:
        return {"working": day_working, "override": False}
    return {"working": override.working, "override": True, "note": override.note}


def override_set(*, date: dt.date, working: bool, note: str, actor: User | None) -> CalendarOverride:
    """R5.2: make one date working or non-working whatever the other sources say; ``note`` says why."""
    note = note.strip()
    if not note:
        raise ValueError("an override needs a note")
    with transaction.atomic():
        existing = CalendarOverride.objects.select_for_update().filter(date=date).first()
        before = _day_state(existing, get_calendar().is_working_day(date))
        if existing is None:
            override = CalendarOverride.objects.create(
                date=date, working=working, note=note, created_by=actor, updated_by=actor
            )
        else:
            existing.working, existing.note, existing.updated_by = working, note, actor
            existing.save(update_fields=["working", "note", "updated_by", "updated_at"])
            override = existing
        CalendarChange.objects.create(
            action=CalendarChangeAction.OVERRIDE_SET,
            actor=actor,
            date=date,
            years=[date.year],
            note=note,
            before=before,
            after=_day_state(override, working),
        )
        _calendar_changed()
        _recompute({date.year})
    return override


def override_clear(*, date: dt.date, actor: User | None, note: str = "") -> bool:
    """R5.2: remove a date's override; the date returns to what the other sources say."""
    with transaction.atomic():
        existing = CalendarOverride.objects.select_for_update().filter(date=date).first()
        if existing is None:
            return False
        before = _day_state(existing, existing.working)
        existing.delete()
        _calendar_changed()
        CalendarChange.objects.create(
            action=CalendarChangeAction.OVERRIDE_CLEARED,
            actor=actor,
            date=existing.date,
            years=[existing.date.year],
            note=note.strip(),
            before=before,
            after=_day_state(None, get_calendar().is_working_day(existing.date)),
        )
        _recompute({existing.date.year})
    return True


def calendar_import(
    *, rows: Iterable[ImportRow], actor: User | None, filename: str, sha256: str = ""
) -> CalendarImport:
    """R5.2: import official arrangements; every year the rows touch becomes official and replaces its data.

    All in one transaction: the rows of the touched years are replaced, the years marked official, the
    history written, and every open deadline depending on those years recomputed (R5.3).
    """
    rows = list(rows)
    if not rows:
        raise ValueError("nothing to import")
    years = sorted({row.date.year for row in rows})
    preview = import_preview(rows)
    with transaction.atomic():
        record = CalendarImport.objects.create(
            filename=filename[:255],
            sha256=sha256,
            years=years,
            row_count=len(rows),
            changed_days=len(preview.changes),
            imported_by=actor,
        )
        OfficialDay.objects.filter(date__year__in=years).delete()
        OfficialDay.objects.bulk_create(
            OfficialDay(date=row.date, working=row.working, name=row.name, source=record) for row in rows
        )
        for year in years:
            OfficialYear.objects.update_or_create(year=year, defaults={"source": record})
        _calendar_changed()
        record.recomputed = _recompute(set(years))
        record.save(update_fields=["recomputed"])
        CalendarChange.objects.create(
            action=CalendarChangeAction.IMPORTED,
            actor=actor,
            years=years,
            note=filename[:200],
            before={"fallback_years": preview.fallback_years},
            after={"rows": len(rows), "changed_days": len(preview.changes), "recomputed": record.recomputed},
        )
    return record
