"""The ledger's filter form: parses the query string into a ``LedgerFilter`` (input only, no rules)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from jiesu.ledger.permissions import Scope, ScopeKind
from jiesu.ledger.reports import LedgerFilter
from jiesu.ledger.services import export_reason_clean
from jiesu.org.models import Campus, Unit
from jiesu.textcheck import CleanTextForm
from jiesu.tickets.errors import DomainError
from jiesu.tickets.models import Channel, TicketType
from jiesu.tickets.states import Status

SCOPE_LABELS = {
    ScopeKind.SCHOOL: _("School-wide"),
    ScopeKind.UNIT: _("My unit"),
    ScopeKind.AGGREGATE: _("School-wide summary"),
}
_ANY = [("", _("All"))]


def _int_or_none(value: str) -> int | None:
    return int(value) if value else None


class LedgerFilterForm(CleanTextForm):
    """R8.1 filters. Unit and campus choices are read once per request (two small queries)."""

    scope = forms.ChoiceField(label=_("Ledger"), required=False)
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=_ANY + list(Channel.choices), required=False)
    type = forms.ChoiceField(label=_("Type"), choices=_ANY + list(TicketType.choices), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=_ANY + list(Status.choices), required=False)
    unit = forms.TypedChoiceField(label=_("Lead unit"), coerce=int, empty_value=None, required=False)
    campus = forms.TypedChoiceField(label=_("Campus"), coerce=int, empty_value=None, required=False)
    overdue = forms.BooleanField(label=_("Overdue only (late now or met late)"), required=False)
    q = forms.CharField(label=_("Search number or subject"), max_length=64, required=False)

    def __init__(self, data: Any, *, scopes: list[Scope]) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["scope"]).choices = [
            (s.kind.value, SCOPE_LABELS[s.kind]) for s in scopes
        ]
        kinds = [s.kind.value for s in scopes]
        asked = (data or {}).get("scope", "")
        chosen = asked if asked in kinds else (kinds[0] if kinds else "")
        if chosen == ScopeKind.AGGREGATE:
            # R10.3: the summary is aggregates only — no free-text or number search to single a ticket out.
            del self.fields["q"]
        units = Unit.objects.filter(is_active=True).order_by("sort_order", "id").values_list("id", "name")
        cast(forms.ChoiceField, self.fields["unit"]).choices = _ANY + list(units)
        cast(forms.ChoiceField, self.fields["campus"]).choices = _ANY + list(
            Campus.objects.values_list("id", "name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("The end date is before the start date."))
        return data

    def to_filter(self) -> LedgerFilter:
        """The valid part of the input, after ``is_valid()``: an invalid field filters nothing and shows its error."""
        data = self.cleaned_data
        return LedgerFilter(
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            channel=data.get("channel") or "",
            type=data.get("type") or "",
            status=data.get("status") or "",
            unit_id=data.get("unit"),
            campus_id=data.get("campus"),
            overdue=bool(data.get("overdue")),
            q=(data.get("q") or "").strip(),
        )


class ExportReasonForm(CleanTextForm):
    """Issue 17 item 4: the reason a full-contact export must state (recorded with the export)."""

    reason = forms.CharField(
        label=_("Reason for exporting full contacts"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_reason(self) -> str:
        try:
            return export_reason_clean(self.cleaned_data.get("reason"))
        except DomainError as error:
            raise forms.ValidationError(str(error), code=error.code) from None
