"""Pages of the referral import (R2.6): upload → preview → confirm → progress → report. Thin: parse, check, call
one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiesu.referrals import selectors, services
from jiesu.referrals.export import report_workbook
from jiesu.referrals.forms import SOURCES, UploadForm
from jiesu.referrals.models import ImportStatus, ReferralImport
from jiesu.referrals.permissions import office_only
from jiesu.referrals.sheet import COLUMNS, SheetError, template_workbook
from jiesu.tickets.errors import DomainError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CREATED_SHOWN = 50


def _attachment(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
@office_only
def index(request: HttpRequest) -> HttpResponse:
    """The upload form, the accepted headers and the recent imports."""
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["sheet"]
            try:
                batch = services.referral_import_upload(
                    actor=request.user,  # type: ignore[arg-type]
                    filename=upload.name,
                    data=upload.read(services.MAX_FILE_BYTES + 1),
                    source_name=form.cleaned_data["source_name"],
                    campus=form.cleaned_data["campus"],
                    type=form.cleaned_data["type"],
                )
            except SheetError as error:
                form.add_error("sheet", error.message)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error.message))
            else:
                return redirect("referrals:detail", pk=batch.pk)
        status = 400
    context = {
        "form": form,
        "columns": COLUMNS,
        "sources": SOURCES,
        "imports": selectors.recent_imports()[:20],
    }
    return render(request, "referrals/index.html", context, status=status)


@require_GET
@office_only
def template(request: HttpRequest) -> HttpResponse:
    return _attachment(template_workbook(), "referral-template.xlsx")


def _batch(pk: int) -> ReferralImport:
    batch = ReferralImport.objects.select_related("uploaded_by", "campus").defer("content", "judged")
    return get_object_or_404(batch, pk=pk)  # the page is polled each second: not the sheet's megabytes


def _context(batch: ReferralImport) -> dict[str, Any]:
    return {
        "batch": batch,
        "running": batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        "resumable": batch.status in services.RESUMABLE,
    }


@require_GET
@office_only
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Before confirmation the preview; afterwards the progress and, at the end, the report."""
    batch = _batch(pk)
    context = _context(batch)
    context["columns"] = [(c.label, batch.columns[c.key]) for c in COLUMNS if c.key in batch.columns]
    context["failures"] = batch.failures[:200]
    if batch.status == ImportStatus.DONE:
        context["created"] = selectors.created_rows(batch)[:CREATED_SHOWN]
    return render(request, "referrals/detail.html", context)


@require_GET
@office_only
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the page htmx polls while the import runs; at the end it asks for the whole page again."""
    batch = _batch(pk)
    response = render(request, "referrals/_progress.html", _context(batch))
    if batch.finished:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@office_only
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    try:
        services.referral_import_confirm(
            actor=request.user,  # type: ignore[arg-type]
            batch=batch,
            resume=request.POST.get("resume") == "1",
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The import has started; this page shows its progress."))
    return redirect("referrals:detail", pk=batch.pk)


@require_GET
@office_only
def report(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    return _attachment(report_workbook(batch), f"referral-import-{batch.pk}.xlsx")
