"""Ledger pages (R8.1): the filtered register, its summary and its Excel export. Thin: parse, report, render."""

from __future__ import annotations

import tempfile
from array import array
from typing import cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiesu.ledger import services
from jiesu.ledger.dispatch import bulk_dispatch, may_bulk_dispatch
from jiesu.ledger.forms import SCOPE_LABELS, ExportReasonForm, LedgerFilterForm
from jiesu.ledger.models import LedgerExport, SavedFilter
from jiesu.ledger.permissions import (
    ScopeKind,
    ledger_required,
    may_read_export_log,
    scopes_for,
    unit_names,
)
from jiesu.ledger.reports import LedgerReport
from jiesu.ledger.selectors import export_log
from jiesu.org.models import Unit, User

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_PREFIX = "台账"  # the file name the Office files exports under (R8.1)
_PAGING = ("after", "before")
LOG_PAGE_SIZE = 50


def _report(request: HttpRequest) -> tuple[LedgerFilterForm, LedgerReport, str]:
    """Parse the filters and build the report in the chosen scope; also the query string without paging."""
    user = cast(User, request.user)  # ledger_required: signed in
    form = LedgerFilterForm(request.GET, scopes=scopes_for(user))
    form.is_valid()
    report = LedgerReport.for_user(user, form.to_filter(), form.cleaned_data.get("scope") or "")
    query = request.GET.copy()
    for key in _PAGING:
        query.pop(key, None)
    return form, report, query.urlencode()


def _scope_label(report: LedgerReport) -> str:
    """ "后勤管理处" for a unit ledger, "School-wide" otherwise."""
    if report.user is not None and report.scope.kind == ScopeKind.UNIT:
        return "、".join(unit_names(report.user, report.scope)) or str(SCOPE_LABELS[ScopeKind.UNIT])
    return str(SCOPE_LABELS[report.scope.kind])


def _bulk_units(user: User) -> list[Unit]:
    """The units the Office may dispatch to from the ledger; nobody else gets the bulk form."""
    if not may_bulk_dispatch(user):
        return []
    return list(Unit.objects.filter(is_active=True).order_by("name").only("id", "name"))


@require_GET
@ledger_required
def index(request: HttpRequest) -> HttpResponse:
    """The register: rows newest first, 50 a page by keyset; aggregate-only people see the summary (R10.3)."""
    form, report, query = _report(request)
    context: dict[str, object] = {
        "form": form,
        "report": report,
        "query": query,
        "scope_label": _scope_label(report),
        "may_read_export_log": may_read_export_log(request.user),
        "bulk_units": _bulk_units(cast(User, request.user)),
        "saved_filters": list(
            SavedFilter.objects.filter(user=cast(User, request.user)).only("id", "name", "query")
        ),
    }
    if report.shows_rows:
        context["page"] = report.page(
            after=request.GET.get("after", ""), before=request.GET.get("before", "")
        )
        context["count"], context["count_capped"] = report.capped_count()
    else:
        context["summary"] = report.summary()
    return render(request, "ledger/index.html", context, status=400 if form.errors else 200)


@require_GET
@ledger_required
def summary(request: HttpRequest) -> HttpResponse:
    """Counts by status, channel and type for the filtered set; a fragment for htmx, a page otherwise."""
    form, report, query = _report(request)
    context = {"form": form, "report": report, "summary": report.summary(), "query": query}
    template = "ledger/_summary.html" if getattr(request, "htmx", False) else "ledger/summary.html"
    return render(request, template, context)


def _workbook(request: HttpRequest, report: LedgerReport, *, reason: str = "") -> HttpResponseBase:
    """Write the workbook into an anonymous temporary file, record the export, stream the file back.

    The workbook is complete before the first byte leaves (a zip's directory comes last); memory stays flat
    because rows flow from a chunked cursor into openpyxl's write-only sheet on disk. The export is recorded
    in ``LedgerExport`` (who, when, filters, rows, whether contacts were full and why); a full-contact export
    also notes itself in each such ticket's history.
    """
    full = bool(reason)
    full_ids: array[int] = array("q")
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # FileResponse closes it, which deletes it
    try:
        rows = report.write_xlsx(handle, full_contacts=full, full_ids=full_ids)
        services.ledger_export_record(
            actor=cast(User, request.user),
            report=report,
            row_count=rows,
            source=LedgerExport.Source.WEB,
            full_contacts=full,
            reason=reason,
            full_ids=full_ids,
        )
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    filename = f"{EXPORT_PREFIX}_{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


@require_GET
@ledger_required
def export(request: HttpRequest) -> HttpResponseBase:
    """The filtered ledger as .xlsx with every contact masked (see export.py for how memory stays flat)."""
    _form, report, _query = _report(request)
    if not report.shows_rows:
        raise PermissionDenied  # R10.3: aggregates only
    return _workbook(request, report)


@require_http_methods(["GET", "POST"])
@ledger_required
def export_full(request: HttpRequest) -> HttpResponseBase:
    """Issue 17 item 4: the export with full contacts (R10.2 decides per row) asks for a reason first."""
    filters, report, query = _report(request)
    if not report.may_export_full_contacts():
        raise PermissionDenied
    form = ExportReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return _workbook(request, report, reason=form.cleaned_data["reason"])
    context = {
        "form": form,
        "filters": filters,
        "report": report,
        "query": query,
        "scope_label": _scope_label(report),
    }
    return render(request, "ledger/export_full.html", context, status=400 if form.errors else 200)


@require_GET
def exports(request: HttpRequest) -> HttpResponseBase:
    """The export audit log (who, when, filters, rows, reason) for the Office and the inspectors."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_read_export_log(request.user):
        raise PermissionDenied
    page = Paginator(export_log(), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    fields = LedgerFilterForm.base_fields
    for record in page:
        record.scope_label = SCOPE_LABELS.get(ScopeKind(record.scope), record.scope)  # type: ignore[attr-defined]
        record.filter_items = [  # type: ignore[attr-defined]
            (fields[key].label if key in fields else _("Units"), value)
            for key, value in record.filters.items()
        ]
    return render(request, "ledger/exports.html", {"page": page})


@require_POST
@ledger_required
def filter_save(request: HttpRequest) -> HttpResponse:
    """Save the ledger's current filters (the posted query string) under a name; back to the filtered page."""
    query = QueryDict(request.POST.get("query", ""))
    try:
        saved = services.saved_filter_save(
            actor=cast(User, request.user), name=request.POST.get("name", ""), query=query
        )
    except services.SavedFilterError as refused:
        messages.error(request, str(refused))
        return HttpResponseRedirect(f"{reverse('ledger:index')}?{query.urlencode()}")
    messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
    return HttpResponseRedirect(f"{reverse('ledger:index')}?{saved.query}")


@require_POST
@ledger_required
def filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of the person's own saved filters."""
    services.saved_filter_delete(actor=cast(User, request.user), pk=pk)
    messages.success(request, _("Saved filter deleted."))
    return HttpResponseRedirect(reverse("ledger:index"))


@require_POST
@ledger_required
def dispatch(request: HttpRequest) -> HttpResponse:
    """R4.5 for the ticked new requests: each dispatched on its own to the chosen lead unit; told per ticket."""
    user = cast(User, request.user)
    if not may_bulk_dispatch(user):
        raise PermissionDenied
    back = f"{reverse('ledger:index')}?{request.POST.get('query', '')}"
    numbers = request.POST.getlist("tickets")
    unit = Unit.objects.filter(pk=request.POST.get("lead_unit") or 0, is_active=True).first()
    if not numbers or unit is None:
        messages.error(request, _("Tick the requests and choose the lead unit to dispatch them to."))
        return HttpResponseRedirect(back)
    result = bulk_dispatch(actor=user, numbers=numbers, lead_unit=unit)
    for number, reason in result.refused:
        messages.error(
            request, _("%(number)s was not dispatched: %(reason)s") % {"number": number, "reason": reason}
        )
    if result.done:
        messages.success(
            request,
            _("Dispatched %(count)d to %(unit)s: %(numbers)s")
            % {"count": len(result.done), "unit": unit.name, "numbers": "、".join(result.done)},
        )
    return HttpResponseRedirect(back)
