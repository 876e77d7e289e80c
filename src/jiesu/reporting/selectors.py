"""Reads of the reporting app: the weeks list, a sensitive period's grid and summary (R8.3, R8.4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from jiesu.org.models import Unit
from jiesu.reporting.models import IssuedReport, MissingFlag, SensitivePeriod, WeeklyDraft, ZeroReport
from jiesu.reporting.weekly import Week
from jiesu.supervision.figures import SHANGHAI


def today(now: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(now or timezone.now(), SHANGHAI).date()


def cutoff_time() -> dt.time:
    """``JIESU_ZERO_REPORT_CUTOFF`` (HH:MM, Asia/Shanghai; default 17:00)."""
    value = str(getattr(settings, "JIESU_ZERO_REPORT_CUTOFF", "17:00"))
    hours, _sep, minutes = value.partition(":")
    return dt.time(int(hours), int(minutes or 0))


def cutoff(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, cutoff_time(), tzinfo=SHANGHAI)


@dataclass
class WeekRow:
    week: Week
    draft: WeeklyDraft | None
    issued: list[IssuedReport] = field(default_factory=list)


def recent_weeks(count: int = 8, now: dt.datetime | None = None) -> list[WeekRow]:
    """The last ``count`` weeks (the current one first) with their drafts and issues: two queries."""
    current = Week.containing(today(now))
    weeks = [Week(current.start - dt.timedelta(days=7 * i)) for i in range(count)]
    starts = [w.start for w in weeks]
    drafts = {d.week_start: d for d in WeeklyDraft.objects.filter(week_start__in=starts)}
    rows = {w.start: WeekRow(w, drafts.get(w.start)) for w in weeks}
    for issued in issued_reports().filter(week_start__in=starts):
        rows[issued.week_start].issued.append(issued)
    return list(rows.values())


def issued_reports() -> QuerySet[IssuedReport]:
    """Issued reports without their file bytes (``defer``), newest first."""
    return IssuedReport.objects.defer("content").select_related("issued_by", "corrects")


@dataclass
class UnitSummary:
    unit: Unit
    days: list[tuple[dt.date, str]]  # day → "zero" | "report" | "late" | "missing" | "pending"
    reported: int = 0
    zero: int = 0
    late: int = 0
    missing: int = 0
    new_requests: int = 0


def period_days(period: SensitivePeriod, now: dt.datetime | None = None) -> list[dt.date]:
    """The period's days up to today."""
    last = min(period.last_day, today(now))
    return [period.first_day + dt.timedelta(days=i) for i in range((last - period.first_day).days + 1)]


def period_grid(period: SensitivePeriod, now: dt.datetime | None = None) -> list[UnitSummary]:
    """Per unit and day: reported (zero or not, late or not), missing after the cut-off, or still pending.
    Three queries (units, reports, flags) whatever the length of the period."""
    now = now or timezone.now()
    days = period_days(period, now)
    reports = {(r.unit_id, r.day): r for r in ZeroReport.objects.filter(period=period)}
    summaries = []
    for unit in period.units.order_by("sort_order", "name"):
        s = UnitSummary(unit, [])
        for day in days:
            r = reports.get((unit.pk, day))
            if r is None:
                state = "missing" if now >= cutoff(day) else "pending"
                s.missing += state == "missing"
            else:
                state = "late" if r.late else ("zero" if r.is_zero else "report")
                s.reported += 1
                s.zero += r.is_zero
                s.late += r.late
                s.new_requests += r.new_requests
            s.days.append((day, state))
        summaries.append(s)
    return summaries


def period_reports(period: SensitivePeriod) -> QuerySet[ZeroReport]:
    return (
        ZeroReport.objects.filter(period=period)
        .select_related("unit", "submitted_by")
        .order_by("day", "unit__sort_order", "unit__name")
    )


def reporting_due(unit_ids: frozenset[int], now: dt.datetime | None = None) -> bool:
    """Whether a sensitive period covering today includes one of these units (one query; none without units)."""
    if not unit_ids:
        return False
    day = today(now)
    return SensitivePeriod.objects.filter(first_day__lte=day, last_day__gte=day, units__in=unit_ids).exists()


def open_periods_for(unit_ids: frozenset[int], now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """For a unit member: each running sensitive period of their units with today's report, if any."""
    day = today(now)
    periods = (
        SensitivePeriod.objects.filter(first_day__lte=day, last_day__gte=day, units__in=unit_ids)
        .distinct()
        .prefetch_related("units")
    )
    done = {
        (r.period_id, r.unit_id): r
        for r in ZeroReport.objects.filter(day=day, unit_id__in=unit_ids, period__in=periods)
    }
    return [
        {"period": p, "unit": u, "day": day, "report": done.get((p.pk, u.pk))}
        for p in periods
        for u in p.units.all()
        if u.pk in unit_ids
    ]


def flag_counts(period: SensitivePeriod) -> dict[str, int]:
    return MissingFlag.objects.filter(period=period).aggregate(
        flags=Count("id"), units=Count("unit", distinct=True)
    )


def totals(period: SensitivePeriod) -> dict[str, Any]:
    return ZeroReport.objects.filter(period=period).aggregate(
        reports=Count("id"), zero=Count("id", filter=Q(is_zero=True)), requests=Sum("new_requests")
    )
