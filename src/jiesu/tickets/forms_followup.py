"""Forms of the follow-up (R7.1, R7.2): the unit's call attempt and result, the Office's "closed unsatisfied",
and the requester's online rating. They only parse input; the services decide (conventions)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiesu.textcheck import CleanTextForm
from jiesu.tickets.errors import DomainError
from jiesu.tickets.forms import ActionForm, text_field
from jiesu.tickets.models import FollowupAttempt, FollowupOutcome

RESOLVED_CHOICES = [("1", _("Yes, the matter is resolved")), ("0", _("No, not resolved yet"))]


def _resolved_field(label: Any, *, required: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        coerce=lambda value: value == "1",
        choices=RESOLVED_CHOICES,
        widget=forms.RadioSelect,
        required=required,
    )


class FollowupAttemptForm(ActionForm):
    """R7.1: one call attempt of this round."""

    result = forms.ChoiceField(
        label=_("How the call went"),
        choices=FollowupAttempt.Result.choices,
        widget=forms.RadioSelect,
        initial=FollowupAttempt.Result.NO_ANSWER,
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)


class FollowupResultForm(ActionForm):
    """R7.1 / R7.2: what the requester said on the call (or that they could not be reached)."""

    outcome = forms.ChoiceField(
        label=_("Requester's verdict"), choices=FollowupOutcome.choices, widget=forms.RadioSelect
    )
    resolved = _resolved_field(_("Is the matter resolved?"), required=False)  # not asked when unreachable
    # R6.2: offered only when the round's reply explained (out of remit / not solvable for now).
    accepts_explanation = forms.BooleanField(
        label=_("The requester accepts the explanation (the ticket closes as explained)"), required=False
    )
    comment = text_field(_("What the requester said (optional)"), required=False, rows=2)

    def __init__(self, *args: Any, explained: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not explained:
            del self.fields["accepts_explanation"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") != FollowupOutcome.UNREACHABLE and data.get("resolved") in (None, ""):
            self.add_error("resolved", _("Say whether the matter is resolved."))
        data["resolved"] = bool(data.get("resolved"))
        return data


class UnreachableDecisionForm(ActionForm):
    """R7.3: the Office's note when it closes as unreachable or orders another round of calls."""

    reason = text_field(_("Note (optional)"), required=False, rows=2)


class CloseUnsatisfiedForm(ActionForm):
    """R7.2: the Office ends a ticket after 3 rounds, in writing."""

    reason = text_field(_("Reason for closing unsatisfied"), rows=3)


class RatingForm(CleanTextForm):
    """R7.1: the requester's online rating — the same for the signed link and for "my requests"."""

    outcome = forms.ChoiceField(
        label=_("How satisfied are you with the reply?"),
        choices=[(o.value, o.label) for o in FollowupOutcome if o != FollowupOutcome.UNREACHABLE],
        widget=forms.RadioSelect,
    )
    resolved = _resolved_field(_("Has your matter been resolved?"))
    # R6.2: offered only when the reply explained (out of remit / not solvable for now).
    accepts_explanation = forms.BooleanField(
        label=_("I understand and accept the explanation given in the reply"), required=False
    )
    comment = forms.CharField(
        label=_("Anything you want to tell us (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, explained: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not explained:
            del self.fields["accepts_explanation"]

    def add_domain_error(self, error: DomainError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, str(error.message))
