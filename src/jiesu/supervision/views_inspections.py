"""Pages of the inspections (R8.5, Art. 15): list and draw a sample, check each sampled ticket (calling the
requester: the contact shown through the audited ``contact_reveal``), record findings, issue and download the
archived notice. Thin views over ``services.inspections``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jiesu.org.models import User
from jiesu.privacy import mask_email, mask_phone
from jiesu.supervision import selectors_orders as reads
from jiesu.supervision.errors import DomainError
from jiesu.supervision.figures import Period, PeriodError
from jiesu.supervision.forms import FindingForm, InspectionForm, NoticeForm
from jiesu.supervision.models import Finding, Inspection, Notice
from jiesu.supervision.permissions import may_inspect, may_see_inspections, requires
from jiesu.supervision.services import inspections as services
from jiesu.tickets.models import Ticket
from jiesu.tickets.services import contact_reveal

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # @requires signs everyone in


def _error(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


@require_http_methods(["GET", "POST"])
@requires(may_see_inspections)
def inspection_list(request: HttpRequest) -> HttpResponse:
    """Past inspections; inspectors draw a new sample here."""
    form = InspectionForm(request.POST or None) if may_inspect(request.user) else None
    if request.method == "POST":
        if form is None:
            return HttpResponse(status=403)
        if form.is_valid():
            data = form.cleaned_data
            try:
                period = Period(data["first"], data["last"])
                inspection = services.inspection_create(
                    actor=_user(request),
                    unit=data["unit"],
                    period=period,
                    size=data["size"],
                    seed=data["seed"],
                )
            except PeriodError as exc:
                form.add_error("last" if exc.field == "to" else "first", exc.message)
            except DomainError as exc:
                _error(form, exc)
            else:
                messages.success(request, _("The sample was drawn."))
                return redirect("supervision:inspection", pk=inspection.pk)
    status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "supervision/inspections/list.html",
        {"inspections": reads.inspections()[:100], "form": form},
        status=status,
    )


def _sampled(inspection: Inspection) -> list[tuple[Ticket, Finding | None]]:
    tickets = Ticket.objects.in_bulk(inspection.sample)
    found = {f.ticket_id: f for f in inspection.findings.all()}
    return [(tickets[pk], found.get(pk)) for pk in inspection.sample if pk in tickets]


@require_http_methods(["GET", "POST"])
@requires(may_see_inspections)
def inspection_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The sample with each ticket's finding, the notices, and (inspectors) the notice form."""
    inspection = get_object_or_404(reads.inspections(), pk=pk)
    form = NoticeForm(request.POST or None) if may_inspect(request.user) else None
    if request.method == "POST":
        if form is None:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                services.notice_issue(
                    actor=_user(request),
                    inspection=inspection,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except DomainError as exc:
                _error(form, exc)
            else:
                messages.success(request, _("The notice was issued and archived."))
                return redirect("supervision:inspection", pk=inspection.pk)
    context = {
        "inspection": inspection,
        "rows": _sampled(inspection),
        "notices": inspection.notices.select_related("issued_by").defer("content"),
        "form": form,
    }
    return render(
        request,
        "supervision/inspections/inspection.html",
        context,
        status=400 if form is not None and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@requires(may_see_inspections)
def sampled_ticket(request: HttpRequest, pk: int, ticket_id: int) -> HttpResponse:
    """One sampled ticket: its facts for the checks, the requester's contact (masked until revealed — every
    reveal is written to the ticket's history) and the finding form."""
    inspection = get_object_or_404(reads.inspections(), pk=pk)
    if ticket_id not in inspection.sample:
        raise Http404
    ticket = get_object_or_404(Ticket.objects.select_related("lead_unit"), pk=ticket_id)
    finding = inspection.findings.filter(ticket=ticket).first()
    inspector = may_inspect(request.user)
    form = FindingForm(request.POST or None) if inspector and finding is None else None
    contact = {"phone": mask_phone(ticket.contact_phone), "email": mask_email(ticket.contact_email)}
    revealed = False
    status = 200
    if request.method == "POST":
        if not inspector:
            return HttpResponse(status=403)
        if request.POST.get("step") == "reveal":
            contact = contact_reveal(actor=_user(request), ticket=ticket)
            revealed = True
            form = FindingForm() if finding is None else None
        elif form is not None and form.is_valid():
            try:
                services.finding_record(
                    actor=_user(request), inspection=inspection, ticket=ticket, **form.cleaned_data
                )
            except DomainError as exc:
                _error(form, exc)
            else:
                messages.success(request, _("The finding was recorded."))
                return redirect("supervision:inspection", pk=inspection.pk)
        status = 400 if form is not None and form.errors else 200
    context = {
        "inspection": inspection,
        "ticket": ticket,
        "finding": finding,
        "form": form,
        "contact": contact,
        "revealed": revealed,
        "inspector": inspector,
        "clocks": ticket.clocks.filter(superseded_at__isnull=True).order_by("round", "due_at"),
        "followups": ticket.followups.order_by("round"),
    }
    return render(request, "supervision/inspections/ticket.html", context, status=status)


@require_GET
@requires(may_see_inspections)
def notice_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The archived notice, byte for byte as issued; its SHA-256 travels in a header."""
    notice = get_object_or_404(Notice, pk=pk)
    response = HttpResponse(bytes(notice.content), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="notice-{notice.pk}.docx"'
    response["X-Content-SHA256"] = notice.sha256
    return response
