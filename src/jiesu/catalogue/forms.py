"""The catalogue's forms: a matter (add or edit) and the Excel upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiesu.catalogue import selectors
from jiesu.catalogue.models import Matter
from jiesu.org.models import Unit


class MatterForm(forms.Form):
    name = forms.CharField(label=_("Matter"), max_length=64)
    parent = forms.ModelChoiceField(
        label=_("Parent matter"), queryset=Matter.objects.none(), required=False, empty_label=_("(top level)")
    )
    unit = forms.ModelChoiceField(
        label=_("Responsible unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("(none: a category)"),
    )
    cohandlers = forms.ModelMultipleChoiceField(
        label=_("Default co-handling units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    keywords = forms.CharField(
        label=_("Keywords (the words requesters use, separated by spaces)"), max_length=500, required=False
    )

    def __init__(self, *args: Any, matter: Matter | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(is_active=True).order_by("sort_order", "id")
        parents = Matter.objects.filter(is_active=True).order_by("sort_order", "id")
        if matter is not None:
            parents = parents.exclude(pk=matter.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["cohandlers"].queryset = units  # type: ignore[attr-defined]
        if matter is not None and not self.is_bound:
            self.initial = {
                "name": matter.name,
                "parent": matter.parent_id,
                "unit": matter.unit_id,
                "cohandlers": [u.pk for u in matter.cohandlers.all()],
                "keywords": matter.keywords,
            }
        self.paths = selectors.paths(list(parents.select_related(None)))
        self.fields["parent"].label_from_instance = lambda m: self.paths.get(m.pk, m.name)  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
