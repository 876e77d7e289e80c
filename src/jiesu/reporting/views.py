"""Pages of the weekly report (R8.3) and the daily zero reports (R8.4). Thin: parse, check, call one service,
render."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiesu.org.models import Unit
from jiesu.reporting import selectors, services
from jiesu.reporting.export import write_period_summary
from jiesu.reporting.forms import DailyReportForm, DraftForm, IssueForm, PeriodForm
from jiesu.reporting.models import SensitivePeriod
from jiesu.reporting.permissions import may_edit, may_read, reporting_units
from jiesu.reporting.services import ReportingError
from jiesu.reporting.weekly import SECTIONS, Week, WeekError, WeeklyReport
from jiesu.supervision.permissions import requires

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _week(value: str) -> Week:
    try:
        return Week.parse(value)
    except WeekError:
        raise Http404 from None


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _may_report(user: Any) -> bool:
    return bool(reporting_units(user))


@require_GET
@requires(may_read)
def weekly_list(request: HttpRequest) -> HttpResponse:
    context = {
        "weeks": selectors.recent_weeks(),
        "issued": selectors.issued_reports()[:50],
        "editor": may_edit(request.user),
    }
    return render(request, "reporting/weekly_list.html", context)


@require_http_methods(["GET", "POST"])
@requires(may_edit)
def weekly_edit(request: HttpRequest, week: str) -> HttpResponse:
    """The draft: the week's figures as they stand, and the Office's text per section."""
    the_week = _week(week)
    draft = services.weekly_draft(the_week)
    status = 200
    if request.method == "POST":
        form = DraftForm(request.POST)
        if form.is_valid():
            try:
                services.weekly_draft_save(
                    actor=request.user,  # type: ignore[arg-type]
                    week=the_week,
                    texts=form.texts(),
                    omitted=form.omitted(),
                )
            except ReportingError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The draft was saved."))
                return redirect("reporting:weekly_edit", week=the_week.label)
        status = 400
    else:
        initial: dict[str, Any] = {f"text_{k}": draft.texts.get(k, "") for k in SECTIONS}
        initial.update({f"omit_{k}": k in draft.omitted for k in SECTIONS})
        form = DraftForm(initial=initial)
    issued = list(selectors.issued_reports().filter(week_start=the_week.start))
    context = {
        "week": the_week,
        "figures": WeeklyReport(the_week).figures(),
        "form": form,
        "draft": draft,
        "issued": issued,
        "latest": issued[0] if issued else None,
        "issue_form": IssueForm(),
    }
    return render(request, "reporting/weekly_edit.html", context, status=status)


@require_GET
@requires(may_edit)
def weekly_draft_docx(request: HttpRequest, week: str) -> HttpResponse:
    the_week = _week(week)
    _report, content = services.weekly_docx(the_week)
    return _attachment(content, f"weekly-{the_week.label}-draft.docx", DOCX)


@require_POST
@requires(may_edit)
def weekly_issue(request: HttpRequest, week: str) -> HttpResponse:
    """Issue the draft; when the week was issued already, this issues a correction of the latest issue."""
    the_week = _week(week)
    form = IssueForm(request.POST)
    form.is_valid()
    latest = selectors.issued_reports().filter(week_start=the_week.start).first()
    try:
        issued = services.weekly_issue(
            actor=request.user,  # type: ignore[arg-type]
            week=the_week,
            corrects=latest,
            reason=form.cleaned_data.get("reason", ""),
        )
    except ReportingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Issued and archived (SHA-256 %(sha)s).") % {"sha": issued.sha256[:16]})
    return redirect("reporting:weekly_edit", week=the_week.label)


@require_GET
@requires(may_read)
def issued_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(selectors.issued_reports().defer(None), pk=pk)
    content = services.issued_download(actor=request.user, report=report)  # type: ignore[arg-type]
    return _attachment(content, report.filename, DOCX)


@require_http_methods(["GET", "POST"])
@requires(may_edit)
def periods(request: HttpRequest) -> HttpResponse:
    """Sensitive periods: the list and the form declaring a new one."""
    status = 200
    if request.method == "POST":
        form = PeriodForm(request.POST)
        if form.is_valid():
            try:
                period = services.period_declare(
                    actor=request.user,  # type: ignore[arg-type]
                    name=form.cleaned_data["name"],
                    first_day=form.cleaned_data["first_day"],
                    last_day=form.cleaned_data["last_day"],
                    units=list(form.cleaned_data["units"]),
                )
            except ReportingError as exc:
                form.add_error(exc.field or None, exc.message)
            else:
                messages.success(request, _("The sensitive period was declared."))
                return redirect("reporting:period", pk=period.pk)
        status = 400
    else:
        form = PeriodForm()
    context = {"form": form, "periods": SensitivePeriod.objects.all()[:50]}
    return render(request, "reporting/periods.html", context, status=status)


@require_GET
@requires(may_edit)
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(SensitivePeriod, pk=pk)
    context = {
        "period": period,
        "grid": selectors.period_grid(period),
        "days": selectors.period_days(period),
        "reports": selectors.period_reports(period)[:500],
        "cutoff": selectors.cutoff_time(),
    }
    return render(request, "reporting/period.html", context)


@require_GET
@requires(may_edit)
def period_export(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(SensitivePeriod, pk=pk)
    out = io.BytesIO()
    rows = write_period_summary(period, out)
    services.period_export_logged(actor=request.user, period=period, rows=rows)  # type: ignore[arg-type]
    return _attachment(out.getvalue(), f"sensitive-period-{period.pk}.xlsx", XLSX)


@require_http_methods(["GET", "POST"])
@requires(_may_report)
def zero(request: HttpRequest) -> HttpResponse:
    """A unit's daily report in a sensitive period: new requests and notable issues, or a zero report."""
    units = reporting_units(request.user)
    status = 200
    errors: dict[tuple[int, int], Any] = {}
    if request.method == "POST":
        period = get_object_or_404(SensitivePeriod, pk=request.POST.get("period") or 0)
        unit = get_object_or_404(Unit, pk=request.POST.get("unit") or 0)
        form = DailyReportForm(request.POST)
        if form.is_valid():
            try:
                services.zero_report_submit(
                    actor=request.user,  # type: ignore[arg-type]
                    period=period,
                    unit=unit,
                    day=selectors.today(),
                    is_zero=form.cleaned_data["is_zero"],
                    new_requests=form.cleaned_data["new_requests"] or 0,
                    notable=form.cleaned_data["notable"],
                )
            except ReportingError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Today's report was submitted."))
                return redirect("reporting:zero")
        errors[(period.pk, unit.pk)] = form
        status = 400
    items = selectors.open_periods_for(units)
    for item in items:
        item["form"] = errors.get((item["period"].pk, item["unit"].pk)) or DailyReportForm()
    context = {"items": items, "cutoff": selectors.cutoff_time()}
    return render(request, "reporting/zero.html", context, status=status)
