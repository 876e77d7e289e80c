"""Pages of the Office-led channels (R2.1, R2.4, R2.5). Thin: parse, check, call one service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiesu.channels import permissions, selectors, services
from jiesu.channels.daylist import day_list_docx
from jiesu.channels.forms import (
    BookingForm,
    BookingTicketForm,
    PetitionForm,
    PetitionStepForm,
    SessionForm,
    SymposiumForm,
    SymposiumRecordForm,
    VisitForm,
)
from jiesu.channels.models import Booking, ReceptionSession, ReceptionSlot, Symposium
from jiesu.channels.permissions import requires
from jiesu.channels.semesters import semester_of
from jiesu.tickets.errors import DomainError
from jiesu.tickets.permissions import mask_phone

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _run(form: forms.Form, call: Callable[[], Any]) -> Any:
    """Call one service; its refusal goes beside the field it names (or on top), in Chinese."""
    try:
        return call()
    except DomainError as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, str(exc.message))
        return None


# --- R2.1 reception day --------------------------------------------------------------------------------------


@login_required
@require_GET
def reception(request: HttpRequest) -> HttpResponse:
    """The requester's page: the rota with free places, a booking form per slot, and their own bookings."""
    context = {
        "sessions": selectors.upcoming_sessions(),
        "bookings": selectors.bookings_for(request.user),
        "form": BookingForm(),
        "symposium_link": permissions.may_see_symposiums(request.user),
    }
    return render(request, "channels/reception.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, slot: int) -> HttpResponse:
    the_slot = get_object_or_404(
        ReceptionSlot.objects.select_related("session__leader"), pk=slot, session__day__gte=selectors.today()
    )
    form = BookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _run(
            form,
            lambda: services.booking_create(
                actor=request.user,  # type: ignore[arg-type]
                slot=the_slot,
                topic=form.cleaned_data["topic"],
            ),
        )
        if done is not None:
            messages.success(request, _("Booked. You will be reminded the day before."))
            return redirect("channels:reception")
    status = 400 if request.method == "POST" else 200
    return render(request, "channels/book.html", {"slot": the_slot, "form": form}, status=status)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = get_object_or_404(Booking, pk=pk, requester=request.user)
    try:
        services.booking_cancel(actor=request.user, booking=booking)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your booking was cancelled."))
    return redirect("channels:reception")


@require_http_methods(["GET", "POST"])
@requires(permissions.may_manage_reception)
def rota(request: HttpRequest) -> HttpResponse:
    """The Office's rota: publish a reception day, open a day's list."""
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        session = _run(
            form,
            lambda: services.session_create(
                actor=request.user,  # type: ignore[arg-type]
                leader=data["leader"],
                day=data["day"],
                place=data["place"],
                campus=data["campus"],
                slots=form.slots(),
                capacity=data["capacity"],
            ),
        )
        if session is not None:
            messages.success(request, _("The reception day was published."))
            return redirect("channels:session", pk=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "channels/rota.html", {"form": form, "sessions": selectors.recent_sessions()}, status=status
    )


@require_GET
@requires(permissions.may_manage_reception)
def session(request: HttpRequest, pk: int) -> HttpResponse:
    """The day's list for the Office, each booking with its visit and ticket forms."""
    the_session = get_object_or_404(ReceptionSession.objects.select_related("leader", "campus"), pk=pk)
    return _session_page(request, the_session)


def _session_page(
    request: HttpRequest, the_session: ReceptionSession, bound: tuple[int, str, forms.Form] | None = None
) -> HttpResponse:
    rows = []
    for booking in selectors.day_list(the_session):
        mine = bound[1:] if bound and bound[0] == booking.pk else ("", None)
        rows.append(
            {
                "booking": booking,
                "phone": mask_phone(booking.requester.phone),
                "visit": mine[1] if mine[0] == "visit" else VisitForm(),
                "ticket": mine[1]
                if mine[0] == "ticket"
                else BookingTicketForm(initial={"content": booking.topic}),
            }
        )
    context = {"session": the_session, "rows": rows, "slots": the_session.slots.order_by("starts")}
    return render(request, "channels/session.html", context, status=400 if bound else 200)


@require_GET
@requires(permissions.may_manage_reception)
def session_docx(request: HttpRequest, pk: int) -> HttpResponse:
    the_session = get_object_or_404(ReceptionSession.objects.select_related("leader", "campus"), pk=pk)
    content = day_list_docx(the_session, selectors.day_list(the_session))
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="reception-{the_session.day:%Y%m%d}.docx"'
    return response


@require_POST
@requires(permissions.may_manage_reception)
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    booking = get_object_or_404(Booking.objects.select_related("session"), pk=pk)
    form = VisitForm(request.POST)
    if form.is_valid():
        done = _run(
            form,
            lambda: services.booking_record_visit(
                actor=request.user,  # type: ignore[arg-type]
                booking=booking,
                attended=form.cleaned_data["attended"],
                notes=form.cleaned_data["notes"],
            ),
        )
        if done is not None:
            messages.success(request, _("The visit was recorded."))
            return redirect("channels:session", pk=booking.session_id)
    return _session_page(request, booking.session, (booking.pk, "visit", form))


@require_POST
@requires(permissions.may_manage_reception)
def booking_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    booking = get_object_or_404(Booking.objects.select_related("session"), pk=pk)
    form = BookingTicketForm(request.POST)
    if form.is_valid():
        ticket = _run(
            form,
            lambda: services.booking_ticket_create(
                actor=request.user,  # type: ignore[arg-type]
                booking=booking,
                content=form.cleaned_data["content"],
                instruction=form.cleaned_data["instruction"],
                type=form.cleaned_data["type"],
            ),
        )
        if ticket is not None:
            messages.success(
                request,
                _("Ticket %(number)s was made with the leader's instruction.") % {"number": ticket.number},
            )
            return redirect("channels:session", pk=booking.session_id)
    return _session_page(request, booking.session, (booking.pk, "ticket", form))


# --- R2.5 petitions ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(permissions.may_handle_petitions)
def petitions(request: HttpRequest) -> HttpResponse:
    form = PetitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        petition = _run(
            form,
            lambda: services.petition_create(
                actor=request.user,  # type: ignore[arg-type]
                form=data["form"],
                origin=data["origin"],
                name=data["name"],
                phone=data["phone"],
                address=data["address"],
                people=data["people"],
                content=data["content"],
                campus=data["campus"],
                type=data["type"],
            ),
        )
        if petition is not None:
            messages.success(
                request,
                _("The petition was recorded as ticket %(number)s.") % {"number": petition.ticket.number},
            )
            return redirect("channels:petition", pk=petition.pk)
    rows = [{"petition": p, "phone": mask_phone(p.petitioner_phone)} for p in selectors.petitions()[:100]]
    status = 400 if request.method == "POST" else 200
    return render(request, "channels/petitions.html", {"form": form, "rows": rows}, status=status)


@require_http_methods(["GET", "POST"])
@requires(permissions.may_handle_petitions)
def petition(request: HttpRequest, pk: int) -> HttpResponse:
    the_petition = get_object_or_404(selectors.petitions(), pk=pk)
    form = PetitionStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        step = _run(
            form,
            lambda: services.petition_step_add(
                actor=request.user,  # type: ignore[arg-type]
                petition=the_petition,
                kind=data["kind"],
                body=data["body"],
                reported_to=data["reported_to"],
                reported_at=data["reported_at"],
            ),
        )
        if step is not None:
            messages.success(request, _("The step was recorded."))
            return redirect("channels:petition", pk=the_petition.pk)
    context = {
        "petition": the_petition,
        "phone": mask_phone(the_petition.petitioner_phone),
        "steps": selectors.petition_steps(the_petition),
        "form": form,
    }
    return render(request, "channels/petition.html", context, status=400 if form.errors else 200)


# --- R2.4 symposiums -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(permissions.may_see_symposiums)
def symposiums(request: HttpRequest) -> HttpResponse:
    units = permissions.organizer_units(request.user)
    form = SymposiumForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _run(
            form,
            lambda: services.symposium_schedule(
                actor=request.user,  # type: ignore[arg-type]
                organizer=data["organizer"],
                title=data["title"],
                day=data["day"],
                place=data["place"],
                campus=data["campus"],
            ),
        )
        if done is not None:
            messages.success(request, _("The symposium was scheduled."))
            return redirect("channels:symposium", pk=done.pk)
    context = {
        "symposium_link": True,
        "form": form,
        "rows": selectors.symposiums_for(units, all_units=permissions.is_office(request.user))[:100],
        "semester": semester_of(selectors.today()),
    }
    return render(request, "channels/symposiums.html", context, status=400 if form.errors else 200)


def _symposium(request: HttpRequest, pk: int) -> Symposium:
    units = permissions.organizer_units(request.user)
    rows = selectors.symposiums_for(units, all_units=permissions.is_office(request.user))
    return get_object_or_404(rows.select_related("campus"), pk=pk)


@require_http_methods(["GET", "POST"])
@requires(permissions.may_see_symposiums)
def symposium(request: HttpRequest, pk: int) -> HttpResponse:
    the_symposium = _symposium(request, pk)
    form = SymposiumRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _run(
            form,
            lambda: services.symposium_record(
                actor=request.user,  # type: ignore[arg-type]
                symposium=the_symposium,
                attendees=data["attendees"],
                issues=form.issue_lines(),
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
            ),
        )
        if done is not None:
            messages.success(request, _("The symposium was recorded."))
            return redirect("channels:symposium", pk=the_symposium.pk)
    context = {
        "symposium": the_symposium,
        "issues": selectors.symposium_issues(the_symposium),
        "form": form,
        "office": permissions.is_office(request.user),
        "may_record": permissions.may_organize(request.user, the_symposium.organizer),
        "phone": mask_phone(the_symposium.contact_phone),
    }
    return render(request, "channels/symposium.html", context, status=400 if form.errors else 200)


@require_POST
@requires(permissions.is_office)
def symposium_tickets(request: HttpRequest, pk: int) -> HttpResponse:
    the_symposium = _symposium(request, pk)
    try:
        made = services.symposium_issues_to_tickets(actor=request.user, symposium=the_symposium)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("%(n)d tickets were made; dispatch them from the worklist.") % {"n": len(made)}
        )
    return redirect("channels:symposium", pk=the_symposium.pk)
