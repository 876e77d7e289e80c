"""Knowledge base forms: field parsing only; the rules are checked by ``knowledge.services``."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from jiesu.knowledge.services import MAX_ANSWER, MAX_KEYWORDS, MAX_QUESTION
from jiesu.org.models import Unit
from jiesu.textcheck import CleanTextForm
from jiesu.tickets.errors import DomainError


class AnswerForm(CleanTextForm):
    unit = forms.ModelChoiceField(label=_("Owner unit"), queryset=Unit.objects.none(), empty_label=None)
    question = forms.CharField(label=_("Question"), max_length=MAX_QUESTION)
    answer = forms.CharField(
        label=_("Answer text"), max_length=MAX_ANSWER, widget=forms.Textarea(attrs={"rows": 8})
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=MAX_KEYWORDS,
        required=False,
        help_text=_("Words requesters may use for this question, separated by spaces or commas."),
    )
    review_on = forms.DateField(
        label=_("Review date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("After this date the answer is hidden from requesters until the unit reviews it."),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units

    def add_domain_error(self, error: DomainError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, str(error.message))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the answers"), max_length=200, required=False)
