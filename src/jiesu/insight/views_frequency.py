"""High-frequency issues and their root-cause measures (R9.2): thin views over ``insight.frequency`` and
``insight.frequency_measures``."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from jiesu.insight import frequency, frequency_measures, permissions
from jiesu.insight.models import FrequentTopic, RootCauseMeasure
from jiesu.org.models import Unit, User
from jiesu.tickets.errors import DomainError
from jiesu.tickets.models import Ticket
from jiesu.tickets.permissions import visible_tickets
from jiesu.workcalendar.semesters import Semester

DATE = forms.DateInput(attrs={"type": "date"})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ChooseForm(forms.Form):
    """Which semester (the current one by default) and which unit (all the viewer may see by default)."""

    semester = forms.ChoiceField(label=gettext_lazy("Semester"), required=False)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("All units"),
    )

    def __init__(self, *args: Any, units: frozenset[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["semester"].choices = [(s.key, s.label) for s in frequency.choices()]  # type: ignore[attr-defined]
        qs = Unit.objects.filter(is_active=True).order_by("name")
        self.fields["unit"].queryset = qs if units is None else qs.filter(pk__in=units)  # type: ignore[attr-defined]

    def chosen_semester(self) -> Semester:
        return frequency.parse(self.cleaned_data.get("semester")) or frequency.current()


class MeasureForm(forms.Form):
    cause = forms.CharField(
        label=gettext_lazy("Cause found"),
        max_length=frequency_measures.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    measure = forms.CharField(
        label=gettext_lazy("Measure taken"),
        max_length=frequency_measures.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    owner = forms.ModelChoiceField(label=gettext_lazy("Owner"), queryset=User.objects.none())
    due_date = forms.DateField(label=gettext_lazy("Due date"), widget=DATE)

    def __init__(self, *args: Any, unit_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = frequency_measures.owner_choices(unit_id)  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]


class ProgressForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("What was done"),
        max_length=frequency_measures.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    done = forms.BooleanField(label=gettext_lazy("The measure has been carried out"), required=False)


class EvaluateForm(forms.Form):
    effective = forms.TypedChoiceField(
        label=gettext_lazy("Did the volume drop in the following semester?"),
        choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    evaluation = forms.CharField(
        label=gettext_lazy("Evaluation"),
        max_length=frequency_measures.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _units(request: HttpRequest) -> frozenset[int] | None:
    units = permissions.frequency_units(request.user)
    if units == frozenset():
        raise PermissionDenied
    return units


def _topic_for(request: HttpRequest, pk: int) -> FrequentTopic:
    units = _units(request)
    topic = get_object_or_404(FrequentTopic.objects.select_related("unit"), pk=pk)
    if units is not None and topic.unit_id not in units:
        raise PermissionDenied
    return topic


def _field_error(form: forms.Form, exc: DomainError) -> None:
    field = getattr(exc, "field", "") or None
    form.add_error(field if field in form.fields else None, str(exc))


def _chosen(request: HttpRequest) -> tuple[ChooseForm, Semester, frozenset[int] | None, bool]:
    """The choice form, the semester, the units to show (``None``: all) and whether the choice was valid."""
    units = _units(request)
    form = ChooseForm(request.GET or None, units=units)
    valid = form.is_valid() if request.GET else True
    semester = form.chosen_semester() if valid and request.GET else frequency.current()
    shown = units
    unit = form.cleaned_data.get("unit") if valid and request.GET else None
    if unit is not None:
        shown = frozenset({unit.pk})
    return form, semester, shown, valid


@require_GET
@login_required
def high_frequency(request: HttpRequest) -> HttpResponse:
    """Per unit, its high-frequency issues of the chosen semester; the Office also sees those with no measure."""
    form, semester, shown, valid = _chosen(request)
    office = permissions.may_see_insight(request.user)
    context = {
        "form": form,
        "semester": semester,
        "rankings": frequency.ranking(semester, shown) if valid else [],
        "computed_at": frequency.computed_at(semester),
        "office": office,
        "missing": frequency.without_measure(semester) if office and valid else [],
        "min_tickets": frequency.MIN_TICKETS,
        "query": request.GET.urlencode(),
    }
    return render(request, "insight/frequency.html", context, status=200 if valid else 400)


@require_POST
@login_required
def high_frequency_refresh(request: HttpRequest) -> HttpResponse:
    """The Office recomputes a semester's high-frequency issues now (the worker does the current one nightly)."""
    if not permissions.may_see_insight(request.user):
        raise PermissionDenied
    semester = frequency.parse(request.POST.get("semester"))
    if semester is None:
        messages.error(request, _("Choose a semester from the list."))
        return redirect("insight:high_frequency")
    kept = frequency.frequent_topics_record(semester=semester)
    messages.success(request, _("Recomputed: %(n)s high-frequency issues.") % {"n": len(kept)})
    return redirect(f"{reverse('insight:high_frequency')}?semester={semester.key}")


@require_GET
@login_required
def high_frequency_export(request: HttpRequest) -> HttpResponse:
    """The ranking as an Excel workbook (counts only: no requester is named)."""
    form, semester, shown, valid = _chosen(request)
    if not valid:
        return high_frequency(request)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = _("High-frequency issues")[:31]
    sheet.append(
        [
            _("Unit"),
            _("Rank"),
            _("Topic"),
            _("Requests"),
            _("Share of the unit's requests"),
            _("Requesters"),
            _("Repeat requests"),
            _("Reopened"),
            _("Previous semester"),
            _("Root-cause measures"),
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for group in frequency.ranking(semester, shown):
        for line in group.topics:
            sheet.append(
                [
                    group.unit.name,
                    line.rank,
                    line.topic.label,
                    line.tickets,
                    round(line.share, 4),
                    line.topic.requesters,
                    line.repeats,
                    line.reopened,
                    line.topic.previous,
                    "；".join(f"{m.measure}（{m.get_status_display()}）" for m in line.measures),
                ]
            )
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=high-frequency-{semester.key}.xlsx"
    return response


def _topic_page(
    request: HttpRequest,
    topic: FrequentTopic,
    measure_form: MeasureForm | None = None,
    bad: tuple[int, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    semester = frequency.of_key(topic.semester)
    tickets = list(
        visible_tickets(request.user, Ticket.objects.filter(pk__in=topic.tickets.values("pk")))  # type: ignore[arg-type]
        .select_related("lead_unit")
        .order_by("received_at", "id")
    )
    measures = list(topic.measures.select_related("owner", "recorded_by").prefetch_related("events__actor"))
    for m in measures:
        mine = bad[1] if bad and bad[0] == m.pk else None
        m.progress_form = mine if isinstance(mine, ProgressForm) else ProgressForm()  # type: ignore[attr-defined]
        m.evaluate_form = mine if isinstance(mine, EvaluateForm) else EvaluateForm()  # type: ignore[attr-defined]
    context = {
        "topic": topic,
        "semester": semester,
        "tickets": tickets,
        "count": topic.tickets.count(),
        "measures": measures,
        "may_record": permissions.may_record_root_cause(request.user, topic.unit_id),
        "may_evaluate": frequency.has_begun(frequency.following(semester)),
        "following": frequency.following(semester),
        "measure_form": measure_form or MeasureForm(unit_id=topic.unit_id),
        "today": timezone.localdate(),
    }
    return render(request, "insight/frequency_topic.html", context, status=status)


@require_GET
@login_required
def high_frequency_topic(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit's high-frequency issue: its requests (those the viewer may open) and its root-cause measures."""
    return _topic_page(request, _topic_for(request, pk))


@require_POST
@login_required
def root_cause_record(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _topic_for(request, pk)
    if not permissions.may_record_root_cause(request.user, topic.unit_id):
        raise PermissionDenied
    form = MeasureForm(request.POST, unit_id=topic.unit_id)
    if form.is_valid():
        try:
            frequency_measures.root_cause_record(
                actor=request.user,  # type: ignore[arg-type]
                topic=topic,
                cause=form.cleaned_data["cause"],
                measure=form.cleaned_data["measure"],
                owner=form.cleaned_data["owner"],
                due_date=form.cleaned_data["due_date"],
            )
        except DomainError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, _("The root-cause measure was recorded."))
            return redirect("insight:high_frequency_topic", pk)
    return _topic_page(request, topic, measure_form=form, status=400)


def _measure_for(request: HttpRequest, pk: int) -> RootCauseMeasure:
    measure = get_object_or_404(RootCauseMeasure.objects.select_related("topic"), pk=pk)
    _topic_for(request, measure.topic_id)
    if not permissions.may_record_root_cause(request.user, measure.topic.unit_id):
        raise PermissionDenied
    return measure


@require_POST
@login_required
def root_cause_progress(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure_for(request, pk)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            frequency_measures.root_cause_progress(
                actor=request.user,  # type: ignore[arg-type]
                measure=measure,
                text=form.cleaned_data["text"],
                done=form.cleaned_data["done"],
            )
        except DomainError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, _("Recorded."))
            return redirect("insight:high_frequency_topic", measure.topic_id)
    return _topic_page(request, measure.topic, bad=(measure.pk, form), status=400)


@require_POST
@login_required
def root_cause_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure_for(request, pk)
    form = EvaluateForm(request.POST)
    if form.is_valid():
        try:
            frequency_measures.root_cause_evaluate(
                actor=request.user,  # type: ignore[arg-type]
                measure=measure,
                effective=form.cleaned_data["effective"],
                text=form.cleaned_data["evaluation"],
            )
        except DomainError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, _("The evaluation was recorded."))
            return redirect("insight:high_frequency_topic", measure.topic_id)
    return _topic_page(request, measure.topic, bad=(measure.pk, form), status=400)
