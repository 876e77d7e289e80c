"""The long-running list and the special studies (R9.3): thin views over ``insight.longrunning``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiesu.insight import longrunning
from jiesu.insight.models import SpecialStudy
from jiesu.insight.permissions import may_see_insight
from jiesu.tickets.errors import DomainError
from jiesu.tickets.models import Ticket

DATE = forms.DateInput(attrs={"type": "date"})


class PlanForm(forms.Form):
    plan = forms.CharField(
        label=gettext_lazy("Plan"), max_length=longrunning.PLAN_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    review_date = forms.DateField(label=gettext_lazy("Review date"), widget=DATE)


class TakeForm(PlanForm):
    owner = forms.ModelChoiceField(label=gettext_lazy("Owner"), queryset=Ticket.objects.none())

    field_order = ["owner", "plan", "review_date"]

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = longrunning.owner_choices(ticket)  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]


class ReviewForm(PlanForm):
    findings = forms.CharField(
        label=gettext_lazy("What the review found"),
        max_length=longrunning.PLAN_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = ["findings", "plan", "review_date"]


class ConcludeForm(forms.Form):
    conclusion = forms.CharField(
        label=gettext_lazy("What was done about the cause"),
        max_length=longrunning.PLAN_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _office(request: HttpRequest) -> None:
    if not may_see_insight(request.user):
        raise PermissionDenied


def _study_for(request: HttpRequest, pk: int) -> SpecialStudy:
    study = get_object_or_404(
        SpecialStudy.objects.select_related("ticket", "ticket__lead_unit", "owner", "opened_by"), pk=pk
    )
    if not longrunning.may_manage(request.user, study):  # type: ignore[arg-type]
        raise PermissionDenied
    return study


def _field_error(form: forms.Form, exc: DomainError) -> None:
    field = getattr(exc, "field", "") or None
    form.add_error(field if field in form.fields else None, str(exc))


@require_GET
@login_required
def studies(request: HttpRequest) -> HttpResponse:
    """The special-study list; for the Office also the long-running requests not yet on it."""
    user = request.user
    if not longrunning.may_see_studies(user):  # type: ignore[arg-type]
        raise PermissionDenied
    office = may_see_insight(user)
    context = {
        "studies": longrunning.studies_for(user),  # type: ignore[arg-type]
        "concluded": longrunning.studies_for(user, concluded=True)[:20],  # type: ignore[arg-type]
        "candidates": longrunning.candidates() if office else [],
        "office": office,
        "today": timezone.localdate(),
    }
    return render(request, "insight/studies.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def study_take(request: HttpRequest, number: str) -> HttpResponse:
    """The Office puts a long-running request on the list: owner (the lead unit's head by default), plan, review."""
    _office(request)
    ticket = get_object_or_404(Ticket.objects.select_related("lead_unit"), number=number)
    reasons = longrunning.reasons_of(ticket, timezone.now())
    owner = longrunning.proposed_owner(ticket)
    form = TakeForm(request.POST or None, ticket=ticket, initial={"owner": owner})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                study = longrunning.study_open(
                    actor=request.user,  # type: ignore[arg-type]
                    ticket=ticket,
                    owner=form.cleaned_data["owner"],
                    plan=form.cleaned_data["plan"],
                    review_date=form.cleaned_data["review_date"],
                )
            except DomainError as exc:
                _field_error(form, exc)
            else:
                messages.success(request, _("The request is on the special-study list."))
                return redirect("insight:study", study.pk)
        status = 400
    context = {
        "ticket": ticket,
        "reasons": [str(longrunning.REASONS[r]) for r in reasons],
        "form": form,
    }
    return render(request, "insight/study_take.html", context, status=status)


def _study_page(
    request: HttpRequest,
    study: SpecialStudy,
    review: ReviewForm | None = None,
    conclude: ConcludeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "study": study,
        "reasons": [str(longrunning.REASONS[r]) for r in study.reasons if r in longrunning.REASONS],
        "events": study.events.select_related("actor"),
        "review_form": review or ReviewForm(initial={"plan": study.plan}),
        "conclude_form": conclude or ConcludeForm(),
    }
    return render(request, "insight/study.html", context, status=status)


@require_GET
@login_required
def study(request: HttpRequest, pk: int) -> HttpResponse:
    return _study_page(request, _study_for(request, pk))


@require_POST
@login_required
def study_review(request: HttpRequest, pk: int) -> HttpResponse:
    study = _study_for(request, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            longrunning.study_review(
                actor=request.user,  # type: ignore[arg-type]
                study=study,
                findings=form.cleaned_data["findings"],
                plan=form.cleaned_data["plan"],
                review_date=form.cleaned_data["review_date"],
            )
        except DomainError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, _("The review was recorded."))
            return redirect("insight:study", pk)
    return _study_page(request, study, review=form, status=400)


@require_POST
@login_required
def study_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    study = _study_for(request, pk)
    form = ConcludeForm(request.POST)
    if form.is_valid():
        try:
            longrunning.study_conclude(
                actor=request.user,  # type: ignore[arg-type]
                study=study,
                conclusion=form.cleaned_data["conclusion"],
            )
        except DomainError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, _("The special study was concluded."))
            return redirect("insight:study", pk)
    return _study_page(request, study, conclude=form, status=400)
