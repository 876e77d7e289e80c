"""Forms of the people pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jiesu.org.models import Campus, Role, ServiceDays, Unit, UnitKind

ASSIGNABLE_IN_UNIT = [
    (r.value, r.label)
    for r in (
        Role.UNIT_HEAD,
        Role.INFO_OFFICER,
        Role.UNIT_STAFF,
        Role.DISPATCHER,
        Role.DUTY_OPERATOR,
        Role.LEADER,
    )
]


class UnitForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=64,
        help_text=_("Lower-case letters, digits, hyphens; cannot be changed later"),
    )
    name = forms.CharField(label=_("Unit name"), max_length=64)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    parent = forms.ModelChoiceField(
        label=_("Parent unit"), queryset=Unit.objects.filter(is_active=True), required=False
    )
    remit = forms.CharField(label=_("Remit"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: object, editing: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if editing:
            del self.fields["code"]


class HotlineForm(forms.Form):
    campus = forms.ModelChoiceField(label=_("Campus"), queryset=Campus.objects.all())
    number = forms.CharField(label=_("Phone number"), max_length=32)
    service_label = forms.CharField(label=_("Service hours (as published)"), max_length=64)
    service_days = forms.ChoiceField(label=_("Service days"), choices=ServiceDays.choices)
    opens_at = forms.TimeField(
        label=_("Opens at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    closes_at = forms.TimeField(
        label=_("Closes at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )


class AssignForm(forms.Form):
    person = forms.CharField(
        label=_("Student or staff number, or username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.filter(is_active=True), required=False
    )

    def __init__(self, *args: object, in_unit: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if in_unit:
            del self.fields["unit"]
            self.fields["role"].choices = ASSIGNABLE_IN_UNIT  # type: ignore[attr-defined]


class HeadForm(forms.Form):
    person = forms.CharField(label=_("New head: student or staff number, or username"), max_length=150)


class ContactsForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
