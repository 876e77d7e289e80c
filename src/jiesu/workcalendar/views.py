"""Admin pages of the working-day calendar (R5.2, R5.3): year grids, overrides, CSV import."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jiesu.org.models import User
from jiesu.workcalendar import selectors, services
from jiesu.workcalendar.forms import ClearOverrideForm, ImportUploadForm, OverrideForm
from jiesu.workcalendar.importing import CalendarImportError, decode, parse_calendar_csv
from jiesu.workcalendar.permissions import calendar_admin_required
from jiesu.workcalendar.statutory import LUNAR_MAX_YEAR, LUNAR_MIN_YEAR

_SESSION_KEY = "workcalendar_import"


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 — guaranteed by calendar_admin_required
    return request.user


def _year_or_404(year: int) -> int:
    if not LUNAR_MIN_YEAR <= year <= LUNAR_MAX_YEAR:
        raise Http404
    return year


@calendar_admin_required
def index(request: HttpRequest) -> HttpResponse:
    statuses = selectors.years_status(timezone.localdate())
    context = {
        "statuses": statuses,
        "fallback_years": [s.year for s in statuses if not s.official],
        "changes": selectors.recent_changes(),
    }
    return render(request, "workcalendar/index.html", context)


@calendar_admin_required
def year_view(request: HttpRequest, year: int) -> HttpResponse:
    overview = selectors.year_overview(_year_or_404(year))
    return render(request, "workcalendar/year.html", {"overview": overview, "months": overview.months()})


@calendar_admin_required
@require_http_methods(["GET", "POST"])
def day_view(request: HttpRequest, day: str) -> HttpResponse:
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    _year_or_404(date.year)
    override = selectors.get_override(date)
    form = OverrideForm(initial={"working": "1" if override and override.working else "0", "note": ""})
    clear_form = ClearOverrideForm()
    if request.method == "POST":
        if request.POST.get("action") == "clear":
            clear_form = ClearOverrideForm(request.POST)
            if clear_form.is_valid():
                services.override_clear(
                    date=date, actor=_actor(request), note=clear_form.cleaned_data["note"]
                )
                messages.success(request, _("Cleared the override of %(date)s") % {"date": date})
                return redirect("workcalendar:year", year=date.year)
        else:
            form = OverrideForm(request.POST)
            if form.is_valid():
                services.override_set(
                    date=date,
                    working=form.cleaned_data["working"],
                    note=form.cleaned_data["note"],
                    actor=_actor(request),
                )
                messages.success(request, _("Saved the override of %(date)s") % {"date": date})
                return redirect("workcalendar:year", year=date.year)
    context = {
        "info": selectors.get_calendar().describe(date),
        "override": override,
        "form": form,
        "clear_form": clear_form,
    }
    return render(request, "workcalendar/day.html", context, status=400 if form.errors else 200)


@calendar_admin_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm()
    problems = None
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            raw = upload.read()
            try:
                text = decode(raw)
                parse_calendar_csv(text)
            except CalendarImportError as exc:
                problems = exc.problems
            else:
                request.session[_SESSION_KEY] = {
                    "text": text,
                    "filename": upload.name,
                    "sha256": hashlib.sha256(raw).hexdigest(),
                }
                return redirect("workcalendar:import_preview")
    status = 400 if problems or form.errors else 200
    return render(
        request, "workcalendar/import_upload.html", {"form": form, "problems": problems}, status=status
    )


@calendar_admin_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(_SESSION_KEY)
    if not pending:
        messages.warning(request, _("Please upload a file first"))
        return redirect("workcalendar:import_upload")
    rows = parse_calendar_csv(pending["text"])  # validated at upload; the session cannot be edited
    if request.method == "POST":
        if request.POST.get("sha256") != pending["sha256"]:
            messages.warning(request, _("The preview has expired; please confirm again"))
            return redirect("workcalendar:import_preview")
        record = services.calendar_import(
            rows=rows, actor=_actor(request), filename=pending["filename"], sha256=pending["sha256"]
        )
        del request.session[_SESSION_KEY]
        messages.success(
            request,
            _(
                "Imported the holiday arrangement for %(years)s: %(days)d date(s) changed, %(recomputed)d deadline(s) recomputed"
            )
            % {
                "years": "、".join(str(y) for y in record.years),
                "days": record.changed_days,
                "recomputed": record.recomputed,
            },
        )
        return redirect("workcalendar:year", year=record.years[0])
    context = {"preview": selectors.import_preview(rows), "pending": pending}
    return render(request, "workcalendar/import_preview.html", context)
