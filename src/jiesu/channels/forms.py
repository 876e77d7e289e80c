"""Input of the channels' pages (parsing only; the rules are in ``services``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiesu.channels.models import NOTES_MAX, TOPIC_MAX, Petition, PetitionStep
from jiesu.org.models import Campus, Membership, Role, Unit, User
from jiesu.textcheck import CleanTextForm
from jiesu.tickets.forms_intake import DomainErrorFormMixin
from jiesu.tickets.models import TicketType

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ChannelForm(DomainErrorFormMixin, CleanTextForm):
    """The channels' base form: the site's text checks, and a service's refusal shown beside its field."""


def _campuses() -> Any:
    return Campus.objects.order_by("id")


class SessionForm(ChannelForm):
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=User.objects.none())
    day = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=100)
    campus = forms.ModelChoiceField(label=_("Campus"), queryset=Campus.objects.none(), empty_label=None)
    first_start = forms.TimeField(label=_("First slot starts"), widget=TIME, initial=dt.time(9, 0))
    slot_minutes = forms.IntegerField(label=_("Minutes per slot"), min_value=10, max_value=240, initial=30)
    slot_count = forms.IntegerField(label=_("Number of slots"), min_value=1, max_value=24, initial=4)
    capacity = forms.IntegerField(label=_("Places per slot"), min_value=1, max_value=50, initial=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leaders = Membership.objects.filter(role=Role.LEADER).values("user_id")
        self.fields["leader"].queryset = User.objects.filter(pk__in=leaders, is_active=True).order_by("id")  # type: ignore[attr-defined]
        self.fields["campus"].queryset = _campuses()  # type: ignore[attr-defined]

    def slots(self) -> list[tuple[dt.time, dt.time]]:
        data = self.cleaned_data
        start = dt.datetime.combine(data["day"], data["first_start"])
        step = dt.timedelta(minutes=data["slot_minutes"])
        out = []
        for i in range(data["slot_count"]):
            begin, end = start + i * step, start + (i + 1) * step
            if end.date() != begin.date() or begin.date() != data["day"]:
                break  # never past midnight; the service refuses an empty list
            out.append((begin.time(), end.time()))
        return out


class BookingForm(ChannelForm):
    topic = forms.CharField(
        label=_("What do you want to raise?"),
        max_length=TOPIC_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "data-max": TOPIC_MAX}),
    )


class VisitForm(ChannelForm):
    attended = forms.TypedChoiceField(
        label=_("Visit"),
        choices=[("1", _("Attended")), ("0", _("Did not come"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=NOTES_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class BookingTicketForm(ChannelForm):
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices, initial=TicketType.HELP)
    content = forms.CharField(label=_("Request"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    instruction = forms.CharField(
        label=_("Leader's instruction"), max_length=NOTES_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class PetitionForm(ChannelForm):
    form = forms.ChoiceField(label=_("Form"), choices=Petition.Form.choices, widget=forms.RadioSelect)
    origin = forms.ChoiceField(label=_("Origin"), choices=Petition.Origin.choices, widget=forms.RadioSelect)
    name = forms.CharField(label=_("Petitioner"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=32)
    address = forms.CharField(label=_("Address or workplace"), max_length=200, required=False)
    people = forms.IntegerField(label=_("Number of people"), min_value=1, max_value=999, initial=1)
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices, initial=TicketType.COMPLAINT)
    campus = forms.ModelChoiceField(label=_("Campus"), queryset=Campus.objects.none(), empty_label=None)
    content = forms.CharField(label=_("Content"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = _campuses()  # type: ignore[attr-defined]


class PetitionStepForm(ChannelForm):
    kind = forms.ChoiceField(label=_("Step"), choices=PetitionStep.Kind.choices)
    body = forms.CharField(
        label=_("What was done"), max_length=NOTES_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    reported_to = forms.CharField(label=_("Reported to"), max_length=100, required=False)
    reported_at = forms.DateTimeField(
        label=_("Reported at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class SymposiumForm(ChannelForm):
    organizer = forms.ModelChoiceField(label=_("Organizer"), queryset=Unit.objects.none(), empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=100)
    day = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=100)
    campus = forms.ModelChoiceField(label=_("Campus"), queryset=Campus.objects.none(), empty_label=None)

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])  # type: ignore[attr-defined]
        self.fields["campus"].queryset = _campuses()  # type: ignore[attr-defined]


class SymposiumRecordForm(ChannelForm):
    attendees = forms.CharField(
        label=_("Attendees"), max_length=NOTES_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    issues = forms.CharField(
        label=_("Issues raised (one a line)"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5})
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32)

    def issue_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["issues"].splitlines() if line.strip()]
