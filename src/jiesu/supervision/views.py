"""Pages of the assessment (R8.6), the dashboards and the public monthly summary (R8.7). Thin: parse the
period, build the report, render."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from jiesu.insight.selectors import acceptance
from jiesu.org.models import User
from jiesu.supervision import selectors
from jiesu.supervision.assessment import FIGURE_LABELS, AssessmentReport
from jiesu.supervision.dashboard import CHARTS, DashboardReport, default_period
from jiesu.supervision.export import table_csv, table_xlsx
from jiesu.supervision.figures import Period, PeriodError
from jiesu.supervision.permissions import may_assess, may_see_dashboard, may_see_rows, requires
from jiesu.supervision.public import MonthlySummary, month_choices, parse_month
from jiesu.tickets.permissions import visible_tickets

T = TypeVar("T")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


def _shared(key: str, build: Callable[[], T]) -> T:
    """A school-wide aggregate computed at most once per ``JIESU_SUPERVISION_CACHE_SECONDS`` (default 300;
    0 turns it off) and shared by everyone allowed to see it. The key carries the time slot, so every figure of
    one page comes from one computation and its "as of" instant."""
    seconds = int(getattr(settings, "JIESU_SUPERVISION_CACHE_SECONDS", 300))
    if seconds <= 0:
        return build()
    slot = int(time.time() // seconds)
    return cast(T, cache.get_or_set(f"supervision:{key}:{slot}", build, seconds))


def _period(request: HttpRequest) -> tuple[Period, str]:
    """The period asked for (``from``, ``to``), else the default one; the second value is an error message."""
    first, last = request.GET.get("from", ""), request.GET.get("to", "")
    if not first and not last:
        return default_period(), ""
    try:
        return Period.parse(first, last), ""
    except PeriodError as exc:
        return default_period(), exc.message


@require_GET
@requires(may_assess)
def assessment(request: HttpRequest) -> HttpResponse:
    """Every unit's figures, score and rank; counts link to their tickets for people who may see them."""
    period, error = _period(request)
    report = AssessmentReport(period)
    context: dict[str, Any] = {
        "period": period,
        "error": error,
        "rows": report.rows(),
        "total": report.total(),
        "weights": report.weights,
        "links": may_see_rows(request.user),
    }
    return render(request, "supervision/assessment.html", context, status=400 if error else 200)


@require_GET
@requires(may_assess)
def assessment_export(request: HttpRequest) -> HttpResponse:
    period, error = _period(request)
    if error:
        return render(
            request, "supervision/assessment.html", {"period": period, "error": error, "rows": []}, status=400
        )
    response = HttpResponse(content_type=XLSX)
    AssessmentReport(period).write_xlsx(response)
    name = f"考核评价_{period.first:%Y%m%d}-{period.last:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@require_GET
@requires(may_see_rows)
def figure_tickets(request: HttpRequest) -> HttpResponse:
    """The tickets behind one count (R8.6), narrowed to what the person may see (R10.3)."""
    figure = request.GET.get("figure", "")
    if figure not in selectors.FIGURES:
        raise Http404
    period, error = _period(request)
    if error:
        raise Http404
    raw_unit = request.GET.get("unit", "")
    if raw_unit == "none":
        unit_id = None
    elif raw_unit.isdigit():
        unit_id = int(raw_unit)
    else:
        raise Http404
    user = cast(User, request.user)
    qs = selectors.figure_tickets(
        visible_tickets(user), period, unit_id=unit_id, figure=figure, as_of=timezone.now()
    ).select_related("lead_unit")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    first = page.object_list[0] if page.object_list else None
    unit_name = first.lead_unit.name if first is not None and first.lead_unit is not None else ""
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "period": period,
        "figure": FIGURE_LABELS[figure],
        "page": page,
        "unit_name": unit_name,
        "query": query.urlencode(),
        "back": may_assess(user),
    }
    return render(request, "supervision/figure_tickets.html", context)


@require_GET
@requires(may_see_dashboard)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Four charts, each with its table and its export."""
    period, error = _period(request)
    report = _shared(f"dashboard:{period.first}:{period.last}", lambda: DashboardReport(period))
    charts = report.charts()
    context = {
        "period": period,
        "error": error,
        "charts": charts,
        "chart_data": [c.as_json() for c in charts],
        "as_of": report.as_of,
        # R9.5: the Office's acceptance of the dispatch suggestion, over the dispatches of the period.
        "suggestions": acceptance(since=period.start, until=period.end),
    }
    return render(request, "supervision/dashboard.html", context, status=400 if error else 200)


@require_GET
@requires(may_see_dashboard)
def dashboard_export(request: HttpRequest, chart: str, fmt: str) -> HttpResponse:
    if chart not in CHARTS or fmt not in ("csv", "xlsx"):
        raise Http404
    period, error = _period(request)
    if error:
        raise Http404
    table = _shared(f"dashboard:{period.first}:{period.last}", lambda: DashboardReport(period)).chart(chart)
    stem = f"{table.title}_{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    if fmt == "csv":
        response = HttpResponse(table_csv(table.header, table.rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(table_xlsx(table.title, table.header, table.rows), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(stem)}.{fmt}"
    return response


@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    """R8.7: the public monthly summary, no sign-in."""
    error = ""
    try:
        month = parse_month(request.GET.get("month", ""))
    except PeriodError as exc:
        error = exc.message
        month = parse_month("")
    context = {
        "summary": _shared(f"summary:{month:%Y-%m}", lambda: MonthlySummary(month)),
        "months": month_choices(),
        "month": month,
        "error": error,
    }
    return render(request, "supervision/summary.html", context, status=400 if error else 200)
