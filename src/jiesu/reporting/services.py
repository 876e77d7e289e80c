"""The only writers of the reporting app (R8.3, R8.4). Each runs in one transaction and appends its
``ReportLog`` row in it; notifications go through the notify app's writer in the same transaction (its
outbox delivers after commit)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from jiesu.notify.recipients import office_people
from jiesu.notify.services import notify_users
from jiesu.org.models import Membership, Role, Unit, User
from jiesu.reporting.docx import render_docx
from jiesu.reporting.models import (
    IssuedReport,
    MissingFlag,
    ReportLog,
    SensitivePeriod,
    WeeklyDraft,
    ZeroReport,
)
from jiesu.reporting.permissions import may_edit, reporting_units
from jiesu.reporting.selectors import cutoff
from jiesu.reporting.weekly import SECTIONS, Week, WeeklyReport
from jiesu.supervision.figures import SHANGHAI

MAX_TEXT = 5000
MAX_PERIOD_DAYS = 92


class ReportingError(Exception):
    """A refused write; ``message`` is for people, ``code`` and ``field`` for the API and the CLI."""

    def __init__(self, message: str, *, code: str = "invalid", field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


def _log(*, actor: User | None, action: str, subject: str, at: dt.datetime, **details: Any) -> ReportLog:
    return ReportLog.objects.create(at=at, actor=actor, action=action, subject=subject, details=details)


def _office_only(actor: User) -> None:
    if not may_edit(actor):
        raise ReportingError(_("Only the Office may do this."), code="forbidden")


# -- the weekly report (R8.3) ------------------------------------------------------------------------------
def weekly_draft(week: Week) -> WeeklyDraft:
    """The week's draft, unsaved and empty when nobody edited it yet (a read; nothing is written)."""
    return WeeklyDraft.objects.filter(week_start=week.start).first() or WeeklyDraft(week_start=week.start)


def weekly_draft_save(
    *, actor: User, week: Week, texts: dict[str, str], omitted: Iterable[str]
) -> WeeklyDraft:
    """The Office keeps its free text per section and the sections it leaves out."""
    _office_only(actor)
    clean = {key: (texts.get(key) or "").strip() for key in SECTIONS}
    too_long = [key for key, text in clean.items() if len(text) > MAX_TEXT]
    if too_long:
        raise ReportingError(
            _("A section's text may be at most %(n)d characters.") % {"n": MAX_TEXT}, field=too_long[0]
        )
    left_out = sorted(set(omitted) & set(SECTIONS))
    now = timezone.now()
    with transaction.atomic():
        draft, _created = WeeklyDraft.objects.select_for_update().get_or_create(week_start=week.start)
        changed = [key for key in SECTIONS if draft.texts.get(key, "") != clean[key]]
        draft.texts = {key: text for key, text in clean.items() if text}
        draft.omitted = left_out
        draft.updated_by = actor
        draft.updated_at = now
        draft.save()
        _log(
            actor=actor,
            action="draft_saved",
            subject=f"week:{week.start}",
            at=now,
            changed=changed,
            omitted=left_out,
        )
    return draft


def weekly_docx(week: Week, *, as_of: dt.datetime | None = None) -> tuple[WeeklyReport, bytes]:
    """The draft as a document (the figures now, the Office's texts, the sections kept)."""
    report = WeeklyReport(week, as_of=as_of)
    draft = weekly_draft(week)
    return report, render_docx(report.figures(), texts=draft.texts, omitted=draft.omitted)


def weekly_issue(
    *, actor: User, week: Week, corrects: IssuedReport | None = None, reason: str = ""
) -> IssuedReport:
    """Issue the draft: its file is archived unchanged with its SHA-256. A week already issued takes only a
    correction — a new issue naming the one it corrects and why — never an edit."""
    _office_only(actor)
    reason = (reason or "").strip()
    if corrects is not None:
        if corrects.week_start != week.start:
            raise ReportingError(_("A correction must be for the same week."), field="corrects")
        if not reason:
            raise ReportingError(_("Give the reason for the correction."), field="reason")
    now = timezone.now()
    _report, content = weekly_docx(week, as_of=now)  # rendered before the transaction: no lock held meanwhile
    digest = hashlib.sha256(content).hexdigest()
    try:
        with transaction.atomic():
            WeeklyDraft.objects.select_for_update().get_or_create(
                week_start=week.start
            )  # one issuer at a time
            issued = IssuedReport.objects.filter(week_start=week.start)
            latest = issued.aggregate(n=Max("serial"))["n"] or 0
            if latest and corrects is None:
                raise ReportingError(
                    _("This week's report was already issued; issue a correction instead."), code="issued"
                )
            if corrects is not None and corrects.serial != latest:
                raise ReportingError(_("Correct the latest issue of the week."), field="corrects")
            report = IssuedReport.objects.create(
                week_start=week.start,
                serial=latest + 1,
                issued_at=now,
                issued_by=actor,
                content=content,
                sha256=digest,
                size=len(content),
                corrects=corrects,
                reason=reason,
            )
            _log(
                actor=actor,
                action="issued",
                subject=f"week:{week.start}",
                at=now,
                issued=report.pk,
                serial=report.serial,
                sha256=digest,
                corrects=corrects and corrects.pk,
            )
    except IntegrityError:
        raise ReportingError(
            _("Someone issued this report at the same moment; reload the page."), code="issued"
        ) from None
    return report


def issued_download(*, actor: User | None, report: IssuedReport) -> bytes:
    """The archived file, byte for byte; the download is logged."""
    with transaction.atomic():
        _log(
            actor=actor,
            action="downloaded",
            subject=f"issued:{report.pk}",
            at=timezone.now(),
            sha256=report.sha256,
        )
    return bytes(report.content)


# -- sensitive periods and zero reports (R8.4) --------------------------------------------------------------
def period_declare(
    *, actor: User, name: str, first_day: dt.date, last_day: dt.date, units: Sequence[Unit]
) -> SensitivePeriod:
    """The Office declares a sensitive period: from ``first_day`` to ``last_day`` the units report daily."""
    _office_only(actor)
    name = (name or "").strip()
    if not name:
        raise ReportingError(_("Name the period."), field="name")
    if first_day > last_day:
        raise ReportingError(_("The first day is after the last day."), field="last_day")
    if (last_day - first_day).days >= MAX_PERIOD_DAYS:
        raise ReportingError(
            _("A sensitive period may last at most %(n)d days.") % {"n": MAX_PERIOD_DAYS}, field="last_day"
        )
    if not units:
        raise ReportingError(_("Choose at least one unit."), field="units")
    now = timezone.now()
    with transaction.atomic():
        period = SensitivePeriod.objects.create(
            name=name, first_day=first_day, last_day=last_day, declared_by=actor, declared_at=now
        )
        period.units.set(units)
        _log(
            actor=actor,
            action="period_declared",
            subject=f"period:{period.pk}",
            at=now,
            name=name,
            first_day=str(first_day),
            last_day=str(last_day),
            units=sorted(u.pk for u in units),
        )
    return period


def zero_report_submit(
    *,
    actor: User,
    period: SensitivePeriod,
    unit: Unit,
    day: dt.date,
    is_zero: bool,
    new_requests: int = 0,
    notable: str = "",
) -> ZeroReport:
    """A unit's report of one day: its new requests and notable issues, or an explicit zero report. Once a
    day; after the cut-off it is still taken, marked late."""
    if unit.pk not in reporting_units(actor):
        raise ReportingError(_("You may report only for your own unit."), code="forbidden")
    if not period.units.filter(pk=unit.pk).exists():
        raise ReportingError(_("This unit does not report in this period."), field="unit")
    now = timezone.now()
    today = timezone.localtime(now, SHANGHAI).date()
    if not period.first_day <= day <= period.last_day:
        raise ReportingError(_("The day is outside the sensitive period."), field="day")
    if day > today:
        raise ReportingError(_("A day cannot be reported in advance."), field="day")
    notable = (notable or "").strip()
    if len(notable) > MAX_TEXT:
        raise ReportingError(
            _("The text may be at most %(n)d characters.") % {"n": MAX_TEXT}, field="notable"
        )
    if new_requests < 0:
        raise ReportingError(_("Enter a number of zero or more."), field="new_requests")
    if is_zero and (new_requests or notable):
        raise ReportingError(_("A zero report has no new requests and no notable issues."), field="is_zero")
    if not is_zero and not (new_requests or notable):
        raise ReportingError(
            _("Give the new requests or the notable issues, or submit a zero report."), field="notable"
        )
    try:
        with transaction.atomic():
            report = ZeroReport.objects.create(
                period=period,
                unit=unit,
                day=day,
                is_zero=is_zero,
                new_requests=new_requests,
                notable=notable,
                submitted_by=actor,
                submitted_at=now,
                late=now > cutoff(day),
            )
            _log(
                actor=actor,
                action="zero_report" if is_zero else "daily_report",
                subject=f"period:{period.pk}",
                at=now,
                unit=unit.pk,
                day=str(day),
                new_requests=new_requests,
                late=report.late,
            )
    except IntegrityError:
        raise ReportingError(_("This unit has already reported for that day."), code="duplicate") from None
    return report


def flag_missing_reports(*, now: dt.datetime) -> int:
    """R8.4, called by the worker's sweep: after a day's cut-off, every unit of a sensitive period that has
    not reported is flagged once to the Office and to its head. Returns the notifications written. One query
    when no period is running."""
    local = timezone.localtime(now, SHANGHAI)
    today = local.date()
    periods = list(
        SensitivePeriod.objects.filter(
            first_day__lte=today, last_day__gte=today - dt.timedelta(days=1)
        ).prefetch_related("units")
    )
    written = 0
    for period in periods:
        for day in (today - dt.timedelta(days=1), today):
            if period.first_day <= day <= period.last_day and now >= cutoff(day):
                written += _flag_day(period, day, now)
    return written


def _flag_day(period: SensitivePeriod, day: dt.date, now: dt.datetime) -> int:
    reported = set(ZeroReport.objects.filter(period=period, day=day).values_list("unit_id", flat=True))
    flagged = set(MissingFlag.objects.filter(period=period, day=day).values_list("unit_id", flat=True))
    missing = [u for u in period.units.all() if u.pk not in reported | flagged]
    if not missing:
        return 0
    written = 0
    url = reverse("reporting:period", args=[period.pk])
    try:
        with transaction.atomic(), override("zh-hans"):
            MissingFlag.objects.bulk_create(
                [MissingFlag(period=period, unit=u, day=day, flagged_at=now) for u in missing]
            )
            names = "、".join(u.name for u in missing)
            written += notify_users(
                "zero_report_missing",
                office_people(),
                title=_("%(n)d units have not reported for %(day)s")
                % {"n": len(missing), "day": f"{day:%Y-%m-%d}"},
                body=_("Sensitive period %(name)s: no daily report from %(units)s by the cut-off.")
                % {"name": period.name, "units": names},
                url=url,
            )
            heads: dict[int, list[User]] = {}
            for m in Membership.objects.filter(
                role=Role.UNIT_HEAD, unit__in=missing, user__is_active=True
            ).select_related("user"):
                heads.setdefault(int(m.unit_id), []).append(m.user)  # type: ignore[arg-type]
            for unit in missing:
                written += notify_users(
                    "zero_report_missing",
                    heads.get(unit.pk, []),
                    title=_("%(unit)s has not reported for %(day)s")
                    % {"unit": unit.name, "day": f"{day:%Y-%m-%d}"},
                    body=_("Sensitive period %(name)s: submit the daily report (or a zero report) now.")
                    % {"name": period.name},
                    url=reverse("reporting:zero"),
                )
            _log(
                actor=None,
                action="missing_flagged",
                subject=f"period:{period.pk}",
                at=now,
                day=str(day),
                units=[u.pk for u in missing],
            )
    except IntegrityError:
        return 0  # another worker flagged them first
    return written


def period_export_logged(*, actor: User, period: SensitivePeriod, rows: int) -> None:
    with transaction.atomic():
        _log(
            actor=actor, action="period_exported", subject=f"period:{period.pk}", at=timezone.now(), rows=rows
        )
