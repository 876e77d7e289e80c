"""Pages where the system administrators keep units, hotlines and roles (issue 18 item 5). Thin: parse the
form, call one service, show its refusal as a message, redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiesu.org.models import Hotline, Membership, Role, Unit, User
from jiesu.people import roles, selectors, services
from jiesu.people.errors import PeopleError
from jiesu.people.forms import AssignForm, HeadForm, HotlineForm, UnitForm
from jiesu.people.permissions import people_admin_required

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


def _attempt(request: HttpRequest, action: Callable[[], object], done: str) -> bool:
    """Run one service call; its refusal becomes an error message, success ``done``."""
    try:
        action()
    except PeopleError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, done)
    return True


@require_GET
@people_admin_required
def index(request: HttpRequest) -> HttpResponse:
    """Every unit with its head and information officer count; units breaking R3.1 are marked."""
    return render(
        request,
        "people/index.html",
        {"units": selectors.units_with_standing(), "breaches": len(selectors.rule_breaches())},
    )


@require_GET
@people_admin_required
def breaches(request: HttpRequest) -> HttpResponse:
    return render(request, "people/breaches.html", {"breaches": selectors.rule_breaches()})


@people_admin_required
def unit_new(request: HttpRequest) -> HttpResponse:
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.unit_create(actor=_actor(request), **data)
        except PeopleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Unit added. Now assign its head and information officer."))
            return redirect("people:unit", pk=unit.pk)
    return render(request, "people/unit_new.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
@people_admin_required
def unit_page(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.select_related("parent"), pk=pk)
    members = selectors.unit_members(unit)
    hotlines = list(unit.hotlines.select_related("campus"))
    edit = UnitForm(
        editing=True,
        initial={"name": unit.name, "kind": unit.kind, "parent": unit.parent_id, "remit": unit.remit},
    )
    edit.fields["parent"].queryset = Unit.objects.filter(is_active=True).exclude(pk=unit.pk)  # type: ignore[attr-defined]
    heads = [m for m in members if m.role == Role.UNIT_HEAD and m.user.is_active]
    officers = [m for m in members if m.role == Role.INFO_OFFICER and m.user.is_active]
    context = {
        "unit": unit,
        "members": members,
        "hotlines": [
            (line, HotlineForm(prefix=f"h{line.pk}", initial=_hotline_initial(line))) for line in hotlines
        ],
        "new_hotline": HotlineForm(
            prefix="new",
            initial={"service_label": _("Working days"), "opens_at": "08:00", "closes_at": "17:00"},
        ),
        "edit": edit,
        "assign": AssignForm(in_unit=True),
        "replace": HeadForm(),
        "no_head": unit.is_active and not heads,
        "no_officer": unit.is_active and not officers,
        "log": selectors.log_entries(unit=unit)[:20],
    }
    return render(request, "people/unit.html", context)


def _hotline_initial(line: Hotline) -> dict[str, Any]:
    return {
        "campus": line.campus_id,
        "number": line.number,
        "service_label": line.service_label,
        "service_days": line.service_days,
        "opens_at": line.opens_at,
        "closes_at": line.closes_at,
    }


def _back(unit: Unit) -> HttpResponse:
    return redirect("people:unit", pk=unit.pk)


@require_POST
@people_admin_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=pk)
    form = UnitForm(request.POST, editing=True)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(unit)
    _attempt(
        request,
        lambda: services.unit_update(actor=_actor(request), unit=unit, **form.cleaned_data),
        _("Saved."),
    )
    return _back(unit)


@require_POST
@people_admin_required
def unit_retire(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=pk)
    if request.POST.get("restore"):
        _attempt(
            request,
            lambda: services.unit_restore(actor=_actor(request), unit=unit),
            _("The unit is active again."),
        )
    else:
        _attempt(
            request, lambda: services.unit_retire(actor=_actor(request), unit=unit), _("The unit is retired.")
        )
    return _back(unit)


@require_POST
@people_admin_required
def hotline_save(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=pk)
    form = HotlineForm(request.POST, prefix=request.POST.get("prefix", "new"))
    if not form.is_valid():
        _form_errors(request, form)
        return _back(unit)
    _attempt(
        request,
        lambda: services.hotline_save(actor=_actor(request), unit=unit, **form.cleaned_data),
        _("Hotline saved."),
    )
    return _back(unit)


@require_POST
@people_admin_required
def hotline_remove(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(Hotline.objects.select_related("unit", "campus"), pk=pk)
    unit = line.unit
    _attempt(
        request, lambda: services.hotline_remove(actor=_actor(request), hotline=line), _("Hotline removed.")
    )
    return _back(unit)


def _person(request: HttpRequest, key: str) -> User | None:
    person = selectors.find_person(key)
    if person is None:
        messages.error(request, _("Nobody has the number or username “%(key)s”.") % {"key": key})
    return person


@require_POST
@people_admin_required
def role_assign(request: HttpRequest) -> HttpResponse:
    """Assign a role: from a unit's page (the unit is fixed) or from the list of roles."""
    unit_id = request.POST.get("in_unit", "")
    unit = get_object_or_404(Unit, pk=unit_id) if unit_id.isdigit() else None
    form = AssignForm(request.POST, in_unit=unit is not None)
    back = reverse("people:unit", args=[unit.pk]) if unit else reverse("people:roles")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(back)
    person = _person(request, form.cleaned_data["person"])
    if person is not None:
        target = unit if unit is not None else form.cleaned_data.get("unit")
        role = Role(form.cleaned_data["role"])
        _attempt(
            request,
            lambda: roles.role_grant(actor=_actor(request), person=person, role=role, unit=target),
            _("%(name)s is now %(role)s.") % {"name": person, "role": role.label},
        )
    return redirect(back)


@require_POST
@people_admin_required
def head_replace(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=pk)
    form = HeadForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(unit)
    person = _person(request, form.cleaned_data["person"])
    if person is not None:
        _attempt(
            request,
            lambda: roles.head_replace(actor=_actor(request), unit=unit, person=person),
            _("%(name)s is now the head of %(unit)s.") % {"name": person, "unit": unit.name},
        )
    return _back(unit)


@require_POST
@people_admin_required
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("user", "unit"), pk=pk)
    _attempt(
        request, lambda: roles.role_revoke(actor=_actor(request), membership=membership), _("Role withdrawn.")
    )
    nxt = request.POST.get("next", "")
    if membership.unit_id and nxt != "roles":
        return redirect("people:unit", pk=membership.unit_id)
    return redirect("people:roles")


@require_GET
@people_admin_required
def role_list(request: HttpRequest) -> HttpResponse:
    """Who has which role, searchable, 50 a page."""
    query, role = request.GET.get("q", "")[:100], request.GET.get("role", "")
    page = Paginator(selectors.role_holders(query=query, role=role), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "people/roles.html",
        {"page": page, "q": query, "role": role, "roles": Role.choices, "assign": AssignForm()},
    )


@require_GET
@people_admin_required
def log_page(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.log_entries(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/log.html", {"page": page})
