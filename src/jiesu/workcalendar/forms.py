"""Forms of the calendar admin pages: input parsing only, the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jiesu.textcheck import CleanTextForm
from jiesu.workcalendar.importing import MAX_BYTES


class OverrideForm(CleanTextForm):
    """R5.2: a single-date override with its reason."""

    working = forms.TypedChoiceField(
        label=_("Arrangement for the day"),
        choices=[("1", _("Working (a working day)")), ("0", _("Off (not a working day)"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        help_text=_(
            "E.g. a school calendar change, a suspension of classes, the number of a higher authority's notice"
        ),
    )


class ClearOverrideForm(CleanTextForm):
    note = forms.CharField(label=_("Reason for clearing"), max_length=200, required=False)


class ImportUploadForm(CleanTextForm):
    """R5.2: a CSV file with the header ``date,kind,name``."""

    file = forms.FileField(
        label=_("CSV file"), help_text=_("Header date,kind,name; kind is holiday or workday; UTF-8 encoded")
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is too large"))
        return upload
