"""Intake forms (R1, R2): field parsing only; the rules themselves are checked by services.ticket_create."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiesu.org.models import Campus, RequesterKind, Role, Unit, User
from jiesu.org.selectors import RoleSet
from jiesu.textcheck import CleanTextForm
from jiesu.tickets.attachments import MAX_FILES
from jiesu.tickets.errors import DomainError
from jiesu.tickets.models import DIRECT_CHANNELS, Channel, TicketType
from jiesu.tickets.services.intake import MAX_CONTENT, check_backdate, check_date

OFFICE_CHANNELS = (
    Channel.DUTY_ROOM,
    Channel.MAILBOX,
    Channel.RECEPTION_DAY,
    Channel.SYMPOSIUM,
    Channel.PETITION,
    Channel.REFERRAL,
)
MEMBER_ROLES = (Role.UNIT_HEAD, Role.INFO_OFFICER, Role.UNIT_STAFF)
ACCEPT = "image/jpeg,image/png,image/gif,image/webp,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to 5 files in one input (R1.2); their types are checked by the attachment service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("At most 5 attachments per request."), code="too_many_files")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def recordable_channels(roles: RoleSet) -> list[tuple[str, str]]:
    """R2: unit members record their unit's hotline calls and walk-ins; the Office records its own channels."""
    allowed: list[Channel] = []
    if roles.unit_ids(*MEMBER_ROLES):
        allowed += [Channel.HOTLINE, Channel.WALK_IN]
    if roles.is_office:
        allowed += list(OFFICE_CHANNELS)
    return [(c.value, str(c.label)) for c in allowed]


class DomainErrorFormMixin:
    """Show a service's DomainError beside the field it concerns (or above the form)."""

    def add_domain_error(self, error: DomainError) -> None:
        field = error.field if error.field in self.fields else None  # type: ignore[attr-defined]
        self.add_error(field, str(error.message))  # type: ignore[attr-defined]


class WebRequestForm(DomainErrorFormMixin, CleanTextForm):
    """(a) Web self-service by a signed-in requester (R1.2, R2 `web`)."""

    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices, widget=forms.RadioSelect)
    campus = forms.ModelChoiceField(label=_("Campus"), queryset=Campus.objects.all(), empty_label=None)
    subject = forms.CharField(
        label=_("Subject"),
        max_length=120,
        required=False,
        help_text=_("One line; leave empty to use the first line of the description."),
    )
    content = forms.CharField(
        label=_("Description"), max_length=MAX_CONTENT, widget=forms.Textarea(attrs={"rows": 6})
    )
    contact_phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    contact_email = forms.EmailField(
        label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    attachments = MultipleFileField(
        label=_("Attachments"), help_text=_("Up to 5 files, 10 MB each: images, PDF or Office files.")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("contact_phone") or data.get("contact_email")) and not self.has_error(
            "contact_email"
        ):
            raise forms.ValidationError(
                _("Give a phone number or an email address so the unit can reply to you.")
            )
        return data

    @staticmethod
    def initial_for(user: User) -> dict[str, Any]:
        """Contact and campus prefilled from the profile."""
        return {
            "contact_phone": user.phone,
            "contact_email": user.email,
            "campus": user.campus_id,
            "type": TicketType.HELP,
        }


class StaffIntakeForm(DomainErrorFormMixin, CleanTextForm):
    """(b) A unit records a hotline call or walk-in; (c) the Office records its channels (R2, R1.2, R1.5)."""

    channel = forms.ChoiceField(label=_("Channel"))
    receiving_unit = forms.ModelChoiceField(
        label=_("Receiving unit"), queryset=Unit.objects.none(), required=False
    )
    acknowledge = forms.BooleanField(
        label=_("Acknowledged on the call (meets the response clock, R4.1)"), required=False
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    backdate_reason = forms.CharField(
        label=_("Why it is recorded late"),
        max_length=500,
        required=False,
        help_text=_("Needed when the request was received more than an hour ago; at most 7 days ago."),
    )
    requester_number = forms.CharField(
        label=_("Student or staff number (if known)"),
        max_length=32,
        required=False,
        help_text=_("Links the request to the person's account, so it appears in their requests."),
    )
    requester_name = forms.CharField(label=_("Requester name"), max_length=64, required=False)
    requester_kind = forms.ChoiceField(
        label=_("Requester kind"), choices=RequesterKind.choices, initial=RequesterKind.STUDENT
    )
    anonymous = forms.BooleanField(label=_("Anonymous letter (mailbox only, R1.3)"), required=False)
    campus = forms.ModelChoiceField(label=_("Campus"), queryset=Campus.objects.all(), empty_label=None)
    contact_phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    contact_email = forms.EmailField(label=_("Email"), required=False)
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices)
    subject = forms.CharField(label=_("Subject"), max_length=120, required=False)
    content = forms.CharField(
        label=_("Content"), max_length=MAX_CONTENT, widget=forms.Textarea(attrs={"rows": 6})
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    urgent_reason = forms.CharField(label=_("Urgent reason"), max_length=200, required=False)
    source_name = forms.CharField(label=_("Referral source"), max_length=100, required=False)
    source_reference = forms.CharField(label=_("Source reference number"), max_length=64, required=False)
    source_due_at = forms.DateTimeField(
        label=_("Source's own deadline"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    attachments = MultipleFileField(
        label=_("Attachments"), help_text=_("Up to 5 files, 10 MB each: images, PDF or Office files.")
    )

    def __init__(self, *args: Any, roles: RoleSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roles = roles
        channel_field = cast(forms.ChoiceField, self.fields["channel"])
        channel_field.choices = recordable_channels(roles)
        unit_field = cast(forms.ModelChoiceField, self.fields["receiving_unit"])
        member_units = roles.unit_ids(*MEMBER_ROLES)
        unit_field.queryset = Unit.objects.filter(pk__in=member_units, is_active=True)
        self.requester: User | None = None
        self._link_fields()
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().replace(second=0, microsecond=0))
            if len(member_units) == 1:
                self.initial.setdefault("receiving_unit", next(iter(member_units)))

    def _link_fields(self) -> None:
        """Channel-specific fields (shown by a small script) and the htmx repeat probe (R6.1)."""
        direct = " ".join(c.value for c in DIRECT_CHANNELS)
        for name, channels in (
            ("receiving_unit", direct),
            ("acknowledge", direct),
            ("anonymous", Channel.MAILBOX),
            ("source_name", Channel.REFERRAL),
            ("source_reference", Channel.REFERRAL),
            ("source_due_at", Channel.REFERRAL),
        ):
            self.fields[name].show_for = str(channels)  # type: ignore[attr-defined]
        for name in ("requester_number", "contact_phone", "subject", "content"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse("intake:repeats"),
                    "hx-trigger": "keyup changed delay:500ms",
                    "hx-target": "#repeat-candidates",
                    "hx-include": "[data-repeat-probe]",
                    "data-repeat-probe": "",
                }
            )

    def clean_requester_number(self) -> str:
        number = self.cleaned_data["requester_number"].strip()
        if number:
            self.requester = User.objects.filter(number=number, is_active=True).first()
            if self.requester is None:
                raise forms.ValidationError(_("No person has this student or staff number."))
        return number

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._check_dates(data)
        if data.get("channel") in DIRECT_CHANNELS and not data.get("receiving_unit"):
            self.add_error("receiving_unit", _("Choose the unit that received the call or visit."))
        if data.get("anonymous") and self.requester is not None:
            # R1.3: an anonymous letter is linked to nobody.
            self.add_error(
                "requester_number", _("An anonymous letter cannot be linked to a person's account.")
            )
        return data

    def _check_dates(self, data: dict[str, Any]) -> None:
        """Dates within 2000–2100; the time received in the past week at most, and beyond the hour with a
        reason (issue 17 item 3) — the same checks the API makes."""
        for name in ("received_at", "source_due_at"):
            try:
                check_date(data.get(name), name)
            except DomainError as error:
                self.add_domain_error(error)
                data.pop(name, None)
        try:
            check_backdate(data.get("received_at"), data.get("backdate_reason", ""), now=timezone.now())
        except DomainError as error:
            self.add_domain_error(error)

    def service_fields(self) -> dict[str, Any]:
        """The cleaned form as keyword arguments of services.ticket_create."""
        data = self.cleaned_data
        direct = data["channel"] in DIRECT_CHANNELS
        return {
            "channel": data["channel"],
            "type": data["type"],
            "campus": data["campus"],
            "content": data["content"],
            "subject": data["subject"],
            "requester": self.requester,
            "requester_name": data["requester_name"],
            "requester_kind": data["requester_kind"],
            "contact_phone": data["contact_phone"],
            "contact_email": data["contact_email"],
            "anonymous": data["anonymous"],
            "urgent": data["urgent"],
            "urgent_reason": data["urgent_reason"] if data["urgent"] else "",
            "received_at": data["received_at"],
            "receiving_unit": data["receiving_unit"] if direct else None,
            "acknowledge": bool(data["acknowledge"]) and direct,
            "source_name": data["source_name"],
            "source_reference": data["source_reference"],
            "source_due_at": data["source_due_at"],
            "backdate_reason": data["backdate_reason"],
        }


class TrackForm(CleanTextForm):
    """Public tracking (R10.1): the ticket number and its secret code."""

    number = forms.CharField(
        label=_("Request number"),  # 诉求编号, as the requester was told it (issue 14 item 8)
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "placeholder": "20260301-000001"}
        ),
    )
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_number(self) -> str:
        """Accept the number with or without its dash (phone keypads often lack one)."""
        number = "".join(self.cleaned_data["number"].split())
        if len(number) == 14 and number.isdigit():
            number = f"{number[:8]}-{number[8:]}"
        return number
