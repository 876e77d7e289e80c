"""Forms of the supervision pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jiesu.org.models import Unit
from jiesu.supervision.models import Finding
from jiesu.supervision.states import OrderLevel
from jiesu.textcheck import CleanTextForm


class OrderForm(CleanTextForm):
    ticket = forms.CharField(label=_("Ticket number"), max_length=20, required=False)
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.filter(is_active=True).order_by("sort_order", "id"),
        required=False,
    )
    subject = forms.CharField(label=_("Matter"), max_length=120, required=False)
    requirement = forms.CharField(label=_("Requirement"), widget=forms.Textarea(attrs={"rows": 4}))
    level = forms.ChoiceField(
        label=_("Supervision level"), choices=OrderLevel.choices, initial=OrderLevel.SUPERVISE
    )
    days = forms.IntegerField(
        label=_("Working days to answer"),
        min_value=1,
        max_value=30,
        required=False,
        help_text=_("Leave empty for the default of the level."),
    )


class AnswerForm(CleanTextForm):
    answer = forms.CharField(label=_("Written answer"), widget=forms.Textarea(attrs={"rows": 5}))


class ReviewForm(CleanTextForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept the answer")), ("return", _("Return the answer"))]
    )
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class WithdrawForm(CleanTextForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class InspectionForm(CleanTextForm):
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.filter(is_active=True).order_by("sort_order", "id")
    )
    first = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    size = forms.IntegerField(label=_("Sample size"), min_value=1, max_value=200, required=False)
    seed = forms.CharField(
        label=_("Seed"),
        max_length=64,
        required=False,
        help_text=_("Leave empty for a random seed; the same seed draws the same sample again."),
    )


class FindingForm(CleanTextForm):
    response = forms.ChoiceField(label=_("Response"), choices=Finding.Check.choices, widget=forms.RadioSelect)
    resolution = forms.ChoiceField(
        label=_("Resolution"), choices=Finding.Check.choices, widget=forms.RadioSelect
    )
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"), choices=Finding.Check.choices, widget=forms.RadioSelect
    )
    called = forms.BooleanField(label=_("Requester called"), required=False)
    call_note = forms.CharField(
        label=_("What the requester said"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    finding = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class NoticeForm(CleanTextForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))
