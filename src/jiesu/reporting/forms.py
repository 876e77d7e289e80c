"""Input of the reporting pages (parsing only; the rules are in ``services``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiesu.org.models import Unit
from jiesu.reporting.weekly import SECTIONS
from jiesu.textcheck import CleanTextForm

DATE = forms.DateInput(attrs={"type": "date"})


class DraftForm(CleanTextForm):
    """Per section: keep it or leave it out, and the Office's free text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in SECTIONS.items():
            self.fields[f"text_{key}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
            self.fields[f"omit_{key}"] = forms.BooleanField(label=_("Leave this section out"), required=False)

    def sections(self) -> list[tuple[str, Any, Any, Any]]:
        return [(key, label, self[f"text_{key}"], self[f"omit_{key}"]) for key, label in SECTIONS.items()]

    def texts(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"text_{key}", "") for key in SECTIONS}

    def omitted(self) -> list[str]:
        return [key for key in SECTIONS if self.cleaned_data.get(f"omit_{key}")]


class IssueForm(CleanTextForm):
    reason = forms.CharField(
        label=_("Reason for the correction"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PeriodForm(CleanTextForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    first_day = forms.DateField(label=_("First day"), widget=DATE)
    last_day = forms.DateField(label=_("Last day"), widget=DATE)
    units = forms.ModelMultipleChoiceField(
        label=_("Units"),
        queryset=Unit.objects.filter(is_active=True).order_by("sort_order", "name"),
        widget=forms.CheckboxSelectMultiple,
    )


class DailyReportForm(CleanTextForm):
    is_zero = forms.BooleanField(label=_("Nothing to report today (zero report)"), required=False)
    new_requests = forms.IntegerField(label=_("New requests"), min_value=0, initial=0, required=False)
    notable = forms.CharField(
        label=_("Notable issues"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
