"""Mailbox forms: field parsing only; the rules are checked by ``jiesu.mailbox.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiesu.mailbox import selectors
from jiesu.mailbox.models import Box
from jiesu.mailbox.services import MAX_PUBLISHED, MAX_TITLE
from jiesu.org.models import Campus, Unit, User
from jiesu.textcheck import CleanTextForm
from jiesu.tickets.forms_intake import DomainErrorFormMixin
from jiesu.tickets.models import TicketType
from jiesu.tickets.services.intake import MAX_CONTENT

LETTER_TYPES = [
    (TicketType.OPINION, TicketType.OPINION.label),
    (TicketType.SUGGESTION, TicketType.SUGGESTION.label),
    (TicketType.COMPLAINT, TicketType.COMPLAINT.label),
    (TicketType.CONSULTATION, TicketType.CONSULTATION.label),
    (TicketType.HELP, TicketType.HELP.label),
]


class LetterForm(DomainErrorFormMixin, CleanTextForm):
    """R2.2: a letter to one of the two boxes; signed-in writers may stay anonymous (R1.3)."""

    box = forms.ChoiceField(label=_("Mailbox"), choices=Box.choices, widget=forms.RadioSelect)
    type = forms.ChoiceField(label=_("Type"), choices=LETTER_TYPES, widget=forms.RadioSelect)
    campus = forms.ModelChoiceField(label=_("Campus"), queryset=Campus.objects.all(), empty_label=None)
    subject = forms.CharField(
        label=_("Subject"),
        max_length=120,
        required=False,
        help_text=_("One line; leave empty to use the first line of the letter."),
    )
    content = forms.CharField(
        label=_("Letter"), max_length=MAX_CONTENT, widget=forms.Textarea(attrs={"rows": 8})
    )
    public_reply_wanted = forms.BooleanField(
        label=_("The letter and its reply may be published on the public board (without any personal data)"),
        required=False,
        initial=True,
    )
    anonymous = forms.BooleanField(
        label=_("Write anonymously (no name or contact is kept; the letter gets no follow-up call)"),
        required=False,
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

    def __init__(self, *args: Any, signed_in: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not signed_in:  # R1.3: without signing in a letter is anonymous, followed with the tracking code
            for name in ("anonymous", "contact_phone", "contact_email"):
                del self.fields[name]

    @staticmethod
    def initial_for(user: User | None) -> dict[str, Any]:
        initial: dict[str, Any] = {"type": TicketType.OPINION, "public_reply_wanted": True}
        if user is not None:
            initial.update(contact_phone=user.phone, contact_email=user.email, campus=user.campus_id)
        return initial


def _units() -> Any:
    return Unit.objects.filter(is_active=True).order_by("sort_order", "name")


class DispatchForm(DomainErrorFormMixin, CleanTextForm):
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=_units())
    note = forms.CharField(
        label=_("Note to the unit"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReferForm(DomainErrorFormMixin, CleanTextForm):
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=selectors.leaders())
    body = forms.CharField(
        label=_("What the leader is asked to decide"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DispatchInstructedForm(DomainErrorFormMixin, CleanTextForm):
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=_units())


class PublishForm(DomainErrorFormMixin, CleanTextForm):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    question = forms.CharField(
        label=_("Letter as published"), max_length=MAX_PUBLISHED, widget=forms.Textarea(attrs={"rows": 6})
    )
    answer = forms.CharField(
        label=_("Reply as published"), max_length=MAX_PUBLISHED, widget=forms.Textarea(attrs={"rows": 6})
    )


class WithdrawForm(DomainErrorFormMixin, CleanTextForm):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class BoardSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    box = forms.ChoiceField(
        label=_("Mailbox"), choices=[("", _("Both mailboxes")), *Box.choices], required=False
    )
