"""Pages of the Office-led channels (R2.1, R2.4, R2.5). Thin: parse, check, call one service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiesu.channels import permissions, selectors, services
from jiesu.channels.daylist import day_list_docx
from jiesu.channels.forms import (
    BookingForm,
    BookingTicketForm,
    ChannelForm,
    PetitionForm,
    PetitionStepForm,
    SessionForm,
    SymposiumForm,
    SymposiumRecordForm,
    VisitForm,
)
from jiesu.channels.models import Booking, ReceptionSession, ReceptionSlot, Symposium
from jiesu.channels.permissions import requires
from jiesu.org.models import User
from jiesu.privacy import mask_phone
from jiesu.tickets.errors import DomainError
from jiesu.workcalendar.semesters import semester_of

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _me(request: HttpRequest) -> User:
    """The signed-in person (every view here is behind ``login_required`` or ``requires``)."""
    return cast(User, request.user)


def _status(form: ChannelForm) -> int:
    return 400 if form.errors else 200


def _submit(
    request: HttpRequest,
    form: ChannelForm,
    call: Callable[[dict[str, Any]], Any],
    *,
    said: str | Callable[[Any], str],
    then: Callable[[Any], HttpResponse],
) -> HttpResponse | None:
    """The pages' one write pattern: on a valid POST call one service with the cleaned data (a form's fields are
    named as its service's arguments, so most views pass ``**data``); on success tell the person ``said`` and go
    ``then``. A service's refusal goes beside the field it names (or on top), in Chinese. None when the page is
    to be shown (again): a GET, an invalid form or a refusal."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = call(form.cleaned_data)
    except DomainError as exc:
        form.add_domain_error(exc)
        return None
    messages.success(request, said(result) if callable(said) else said)
    return then(result)


def _act(
    request: HttpRequest, call: Callable[[], Any], said: Callable[[Any], str], then: HttpResponse
) -> HttpResponse:
    """A button without a form: call one service, tell the outcome (its refusal as an error), go ``then``."""
    try:
        result = call()
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, said(result))
    return then


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
        ReceptionSlot.objects.select_related("session__leader"),
        pk=slot,
        session__day__gte=timezone.localdate(),
    )
    form = BookingForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda data: services.booking_create(actor=_me(request), slot=the_slot, topic=data["topic"]),
        said=_("Booked. You will be reminded the day before."),
        then=lambda _booking: redirect("channels:reception"),
    )
    return done or render(
        request, "channels/book.html", {"slot": the_slot, "form": form}, status=_status(form)
    )


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = get_object_or_404(Booking, pk=pk, requester=request.user)
    return _act(
        request,
        lambda: services.booking_cancel(actor=_me(request), booking=booking),
        lambda _none: _("Your booking was cancelled."),
        redirect("channels:reception"),
    )


@require_http_methods(["GET", "POST"])
@requires(permissions.may_manage_reception)
def rota(request: HttpRequest) -> HttpResponse:
    """The Office's rota: publish a reception day, open a day's list."""
    form = SessionForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda data: services.session_create(
            actor=_me(request),
            leader=data["leader"],
            day=data["day"],
            place=data["place"],
            campus=data["campus"],
            slots=form.slots(),
            capacity=data["capacity"],
        ),
        said=_("The reception day was published."),
        then=lambda session: redirect("channels:session", pk=session.pk),
    )
    context = {"form": form, "sessions": selectors.recent_sessions()}
    return done or render(request, "channels/rota.html", context, status=_status(form))


@require_GET
@requires(permissions.may_manage_reception)
def session(request: HttpRequest, pk: int) -> HttpResponse:
    """The day's list for the Office, each booking with its visit and ticket forms."""
    the_session = get_object_or_404(ReceptionSession.objects.select_related("leader", "campus"), pk=pk)
    return _session_page(request, the_session)


def _session_page(
    request: HttpRequest, the_session: ReceptionSession, bound: tuple[int, str, forms.Form] | None = None
) -> HttpResponse:
    """The day's list; ``bound`` (booking, "visit" or "ticket", form) shows one refused form again with its
    errors beside that booking."""
    rows = []
    for booking in selectors.day_list(the_session):
        forms_of: dict[str, forms.Form] = {
            "visit": VisitForm(),
            "ticket": BookingTicketForm(initial={"content": booking.topic}),
        }
        if bound and bound[0] == booking.pk:
            forms_of[bound[1]] = bound[2]
        rows.append({"booking": booking, "phone": mask_phone(booking.requester.phone), **forms_of})
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
    done = _submit(
        request,
        form,
        lambda data: services.booking_record_visit(actor=_me(request), booking=booking, **data),
        said=_("The visit was recorded."),
        then=lambda _booking: redirect("channels:session", pk=booking.session_id),
    )
    return done or _session_page(request, booking.session, (booking.pk, "visit", form))


@require_POST
@requires(permissions.may_manage_reception)
def booking_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    booking = get_object_or_404(Booking.objects.select_related("session"), pk=pk)
    form = BookingTicketForm(request.POST)
    done = _submit(
        request,
        form,
        lambda data: services.booking_ticket_create(actor=_me(request), booking=booking, **data),
        said=lambda ticket: (
            _("Ticket %(number)s was made with the leader's instruction.") % {"number": ticket.number}
        ),
        then=lambda _ticket: redirect("channels:session", pk=booking.session_id),
    )
    return done or _session_page(request, booking.session, (booking.pk, "ticket", form))


# --- R2.5 petitions ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(permissions.may_handle_petitions)
def petitions(request: HttpRequest) -> HttpResponse:
    form = PetitionForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda data: services.petition_create(actor=_me(request), **data),
        said=lambda petition: (
            _("The petition was recorded as ticket %(number)s.") % {"number": petition.ticket.number}
        ),
        then=lambda petition: redirect("channels:petition", pk=petition.pk),
    )
    if done:
        return done
    rows = [{"petition": p, "phone": mask_phone(p.petitioner_phone)} for p in selectors.petitions()[:100]]
    return render(request, "channels/petitions.html", {"form": form, "rows": rows}, status=_status(form))


@require_http_methods(["GET", "POST"])
@requires(permissions.may_handle_petitions)
def petition(request: HttpRequest, pk: int) -> HttpResponse:
    the_petition = get_object_or_404(selectors.petitions(), pk=pk)
    form = PetitionStepForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda data: services.petition_step_add(actor=_me(request), petition=the_petition, **data),
        said=_("The step was recorded."),
        then=lambda _step: redirect("channels:petition", pk=the_petition.pk),
    )
    if done:
        return done
    context = {
        "petition": the_petition,
        "phone": mask_phone(the_petition.petitioner_phone),
        "steps": selectors.petition_steps(the_petition),
        "form": form,
    }
    return render(request, "channels/petition.html", context, status=_status(form))


# --- R2.4 symposiums -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(permissions.may_see_symposiums)
def symposiums(request: HttpRequest) -> HttpResponse:
    units = permissions.organizer_units(request.user)
    form = SymposiumForm(request.POST or None, units=units)
    done = _submit(
        request,
        form,
        lambda data: services.symposium_schedule(actor=_me(request), **data),
        said=_("The symposium was scheduled."),
        then=lambda symposium: redirect("channels:symposium", pk=symposium.pk),
    )
    if done:
        return done
    context = {
        "symposium_link": True,
        "form": form,
        "rows": selectors.symposiums_for(units, all_units=permissions.is_office(request.user))[:100],
        "semester": semester_of(timezone.localdate()),
    }
    return render(request, "channels/symposiums.html", context, status=_status(form))


def _symposium(request: HttpRequest, pk: int) -> Symposium:
    units = permissions.organizer_units(request.user)
    rows = selectors.symposiums_for(units, all_units=permissions.is_office(request.user))
    return get_object_or_404(rows.select_related("campus"), pk=pk)


@require_http_methods(["GET", "POST"])
@requires(permissions.may_see_symposiums)
def symposium(request: HttpRequest, pk: int) -> HttpResponse:
    the_symposium = _symposium(request, pk)
    form = SymposiumRecordForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda data: services.symposium_record(
            actor=_me(request),
            symposium=the_symposium,
            attendees=data["attendees"],
            issues=form.issue_lines(),
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
        ),
        said=_("The symposium was recorded."),
        then=lambda _symposium: redirect("channels:symposium", pk=the_symposium.pk),
    )
    if done:
        return done
    context = {
        "symposium": the_symposium,
        "issues": selectors.symposium_issues(the_symposium),
        "form": form,
        "office": permissions.is_office(request.user),
        "may_record": permissions.may_organize(request.user, the_symposium.organizer),
        "phone": mask_phone(the_symposium.contact_phone),
    }
    return render(request, "channels/symposium.html", context, status=_status(form))


@require_POST
@requires(permissions.is_office)
def symposium_tickets(request: HttpRequest, pk: int) -> HttpResponse:
    the_symposium = _symposium(request, pk)
    return _act(
        request,
        lambda: services.symposium_issues_to_tickets(actor=_me(request), symposium=the_symposium),
        lambda made: _("%(n)d tickets were made; dispatch them from the worklist.") % {"n": len(made)},
        redirect("channels:symposium", pk=the_symposium.pk),
    )
