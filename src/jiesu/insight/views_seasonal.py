"""Seasonal peaks and contingency plans (R9.4): thin views over ``insight.peaks`` and ``insight.contingency``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiesu.insight import contingency, peaks, seasonal
from jiesu.insight.models import ContingencyPlan
from jiesu.insight.permissions import may_see_insight
from jiesu.org.models import User
from jiesu.tickets.errors import DomainError

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
State = ContingencyPlan.State


class PlanForm(forms.Form):
    measures = forms.CharField(
        label=gettext_lazy("Measures"),
        max_length=contingency.MEASURES_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Staff on duty, supplies, notices to publish, opening hours, who to call."),
    )
    owner = forms.ModelChoiceField(
        label=pgettext_lazy("contingency plan", "Owner"), queryset=User.objects.none()
    )
    ready_by = forms.DateField(label=gettext_lazy("Ready by"), widget=DATE)

    def __init__(self, *args: Any, unit_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        field.queryset = contingency.owner_choices(unit_id)  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]


class MoveForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("New state"), choices=State.choices)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=contingency.MEASURES_MAX)


def _visible(request: HttpRequest) -> tuple[User, bool]:
    user: User = request.user  # type: ignore[assignment]
    if not peaks.may_see_seasonal(user):
        raise PermissionDenied
    return user, may_see_insight(user)


def _field_error(form: forms.Form, exc: DomainError) -> None:
    field = getattr(exc, "field", "") or None
    form.add_error(field if field in form.fields else None, str(exc))


def _unit_id(request: HttpRequest, allowed: list[int]) -> int | None:
    raw = request.GET.get("unit", "")
    if raw.isdigit() and int(raw) in allowed:
        return int(raw)
    return None


@require_GET
@login_required
def seasonal_index(request: HttpRequest) -> HttpResponse:
    """The coming 4 weeks' peaks (a unit's own, all of them for the Office), the year's chart of one unit,
    the plans recorded, and the computation in use."""
    user, office = _visible(request)
    units = list(peaks.visible_units(user))
    ids = [u.pk for u in units]
    chosen = _unit_id(request, ids)
    model = seasonal.latest()
    today = timezone.localdate()
    coming = peaks.upcoming(model, [chosen] if chosen else (None if office else ids), today)
    chart_unit = chosen or (coming[0].topic.unit_id if coming else (ids[0] if len(ids) == 1 else None))
    chart, table = peaks.year_chart(model, chart_unit, today) if chart_unit else ({}, [])
    context = {
        "office": office,
        "units": units,
        "chosen": chosen,
        "chart_unit": next((u for u in units if u.pk == chart_unit), None),
        "model": model,
        "peaks": coming,
        "unplanned": [p for p in coming if p.plan is None],
        "chart": chart,
        "table": table,
        "plans": contingency.plans_for(user, [chosen] if chosen else (None if office else ids))[:30],
        "week": seasonal.week_of(today),
    }
    return render(request, "insight/seasonal.html", context)


@require_POST
@login_required
def seasonal_recompute(request: HttpRequest) -> HttpResponse:
    if not may_see_insight(request.user):
        raise PermissionDenied
    if contingency.seasonal_compute_request(actor=request.user):  # type: ignore[arg-type]
        messages.success(request, _("The computation was queued; the new figures appear here when ready."))
    else:
        messages.success(request, _("The seasonal expectations were computed again."))
    return redirect("insight:seasonal")


def _start(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
@login_required
def seasonal_plan_new(request: HttpRequest) -> HttpResponse:
    """Record the contingency plan of one coming peak (``topic`` and ``start`` name it)."""
    user, _office = _visible(request)
    data = request.POST if request.method == "POST" else request.GET
    topic = data.get("topic", "")
    start = _start(data.get("start", ""))
    peak = (
        peaks.peak_for(seasonal.latest(), int(topic), start, timezone.localdate())
        if topic.isdigit() and start
        else None
    )
    if peak is None:
        raise Http404
    if not peaks.may_plan_for(user, peak.topic.unit_id):
        raise PermissionDenied
    if peak.plan is not None:
        return redirect("insight:seasonal_plan", peak.plan.pk)
    head = peaks.unit_heads_of(peak.topic.unit_id)
    initial = {"owner": head, "ready_by": max(timezone.localdate(), peak.start - dt.timedelta(days=7))}
    form = PlanForm(request.POST or None, unit_id=peak.topic.unit_id, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                plan = contingency.plan_record(
                    actor=user,
                    topic_id=peak.topic.pk,
                    peak_start=peak.start,
                    measures=form.cleaned_data["measures"],
                    owner=form.cleaned_data["owner"],
                    ready_by=form.cleaned_data["ready_by"],
                )
            except DomainError as exc:
                _field_error(form, exc)
            else:
                messages.success(request, _("The contingency plan was recorded."))
                return redirect("insight:seasonal_plan", plan.pk)
        status = 400
    return render(request, "insight/seasonal_plan_new.html", {"peak": peak, "form": form}, status=status)


def _plan_for(request: HttpRequest, pk: int) -> ContingencyPlan:
    plan = get_object_or_404(ContingencyPlan.objects.select_related("unit", "owner", "created_by"), pk=pk)
    if not peaks.may_plan_for(request.user, plan.unit_id):  # type: ignore[arg-type]
        raise PermissionDenied
    return plan


def _plan_page(
    request: HttpRequest,
    plan: ContingencyPlan,
    revise: PlanForm | None = None,
    move: MoveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    initial = {"measures": plan.measures, "owner": plan.owner, "ready_by": plan.ready_by}
    context = {
        "plan": plan,
        "events": plan.events.select_related("actor"),
        "revise_form": revise or PlanForm(unit_id=plan.unit_id, initial=initial),
        "moves": [(s, State(s).label) for s in State.values if s in contingency.MOVES[plan.state]],
        "move_error": move.errors if move is not None else None,
        "back": reverse("insight:seasonal") + f"?unit={plan.unit_id}",
    }
    return render(request, "insight/seasonal_plan.html", context, status=status)


@require_GET
@login_required
def seasonal_plan(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_page(request, _plan_for(request, pk))


@require_POST
@login_required
def seasonal_plan_revise(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    form = PlanForm(request.POST, unit_id=plan.unit_id)
    if form.is_valid():
        try:
            contingency.plan_revise(
                actor=request.user,  # type: ignore[arg-type]
                plan=plan,
                measures=form.cleaned_data["measures"],
                owner=form.cleaned_data["owner"],
                ready_by=form.cleaned_data["ready_by"],
            )
        except DomainError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, _("The contingency plan was revised."))
            return redirect("insight:seasonal_plan", pk)
    return _plan_page(request, plan, revise=form, status=400)


@require_POST
@login_required
def seasonal_plan_move(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            contingency.plan_move(
                actor=request.user,  # type: ignore[arg-type]
                plan=plan,
                state=form.cleaned_data["state"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The plan's state was changed."))
            return redirect("insight:seasonal_plan", pk)
    return _plan_page(request, plan, move=form, status=400)
