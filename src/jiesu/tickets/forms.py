"""Forms for the staff pages and the ticket page's actions.

Forms only parse and shape input; every business rule is checked by the one service each action calls
(conventions: business rules never live in forms). Choice lists (units, leaders, repeat candidates) are
passed in by the view so that a page with fifty forms queries them once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiesu.org.models import Unit, User
from jiesu.textcheck import CleanTextForm
from jiesu.tickets.errors import DomainError
from jiesu.tickets.models import Channel, CohandlingRequest, Level, Note, Reply, ReplyKind, Ticket, TicketType
from jiesu.tickets.selectors import DUE_SOON, OK, OVERDUE, RepeatCandidate, TicketFilter
from jiesu.tickets.states import OPEN_STATUSES, Status

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NUMBER_RE = re.compile(r"^\d{8}-\d{6}$")
BULK_LIMIT = 100


def text_field(label: StrOrPromise, *, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}))


def date_field(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class ActionForm(CleanTextForm):
    """A form for one ticket action. ``add_domain_error`` shows a service's refusal beside its field."""

    def __init__(self, *args: Any, ticket: Ticket, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        self.user = user

    def add_domain_error(self, error: DomainError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, str(error.message))


class UnitsMixin:
    """Unit choices from a list fetched once per page (no query per form)."""

    units: dict[int, Unit]

    def _set_units(
        self, field_names: Sequence[str], units: Sequence[Unit], *, blank: object | None = None
    ) -> None:
        self.units = {unit.pk: unit for unit in units}
        choices: list[tuple[str, object]] = [(str(unit.pk), unit.name) for unit in units]
        for name in field_names:
            field = self.fields[name]  # type: ignore[attr-defined]
            if isinstance(field, forms.MultipleChoiceField) or blank is None:
                field.choices = choices
            else:
                field.choices = [("", blank), *choices]

    def _unit(self, value: str) -> Unit | None:
        return self.units.get(int(value)) if value else None


def active_units() -> list[Unit]:
    return list(Unit.objects.filter(is_active=True).order_by("sort_order", "id"))


class AcknowledgeForm(ActionForm):
    pass


class DispatchForm(UnitsMixin, ActionForm):
    lead_unit = forms.ChoiceField(label=_("Lead unit"))
    cohandling_units = forms.MultipleChoiceField(
        label=_("Co-handling units (optional)"),
        required=False,
        # Ticks, not a multi-select: usable on a phone without Ctrl-click (issue 14 item 1).
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note to the unit (optional)"), required=False)

    def __init__(self, *args: Any, units: Sequence[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_units(
            ["lead_unit"], units if units is not None else active_units(), blank=_("Choose a unit")
        )
        self._set_units(["cohandling_units"], list(self.units.values()))

    def clean_lead_unit(self) -> Unit | None:
        return self._unit(self.cleaned_data["lead_unit"])

    def clean_cohandling_units(self) -> list[Unit]:
        return [self.units[int(pk)] for pk in self.cleaned_data["cohandling_units"]]


class SetLevelForm(ActionForm):
    level = forms.ChoiceField(label=_("Handling level"), choices=Level.choices)
    reason = forms.CharField(label=_("Reason (needed when the level changes)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.ticket.level:
            self.fields["level"].initial = self.ticket.level


class ContactLogForm(ActionForm):
    body = text_field(_("What was said"))


class CohandlingRequestForm(UnitsMixin, ActionForm):
    unit = forms.ChoiceField(label=_("Unit asked to co-handle"))
    request = text_field(_("The specific help needed"))

    def __init__(self, *args: Any, units: Sequence[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pool = units if units is not None else active_units()
        self._set_units(
            ["unit"], [u for u in pool if u.pk != self.ticket.lead_unit_id], blank=_("Choose a unit")
        )

    def clean_unit(self) -> Unit | None:
        return self._unit(self.cleaned_data["unit"])


class CohandlingAnswerForm(ActionForm):
    item = forms.ChoiceField(label=_("Co-handling request"))
    finished = forms.TypedChoiceField(
        label=_("Result"),
        coerce=lambda value: value == "1",
        choices=[("1", _("Done: here is the result")), ("0", _("Not finished: reason and progress so far"))],
        widget=forms.RadioSelect,
        initial="1",
    )
    answer = text_field(_("Written answer: the result, or the progress so far"))
    reason = text_field(_("Why it cannot be finished yet (when not finished)"), required=False, rows=2)

    def __init__(self, *args: Any, items: Sequence[CohandlingRequest], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = {item.pk: item for item in items}
        cast(forms.ChoiceField, self.fields["item"]).choices = [
            (str(i.pk), f"{i.unit.name}: {i.request[:40]}") for i in items
        ]
        if len(items) == 1:
            self.fields["item"].widget = forms.HiddenInput()
            self.fields["item"].initial = str(items[0].pk)

    def clean_item(self) -> CohandlingRequest:
        return self.items[int(self.cleaned_data["item"])]


class FutureDateMixin:
    """The date picker offers no day before tomorrow, and a typed earlier date is refused in words at once.
    The service keeps the rule (``The planned date must be after today``); this only saves a round trip."""

    def _limit_planned_date(self) -> None:
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        self.fields["planned_date"].widget.attrs["min"] = tomorrow.isoformat()  # type: ignore[attr-defined]

    def clean_planned_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["planned_date"]  # type: ignore[attr-defined]
        if value <= timezone.localdate():
            raise forms.ValidationError(
                _("The planned date must be after today: choose %(day)s or later."),
                params={"day": (timezone.localdate() + dt.timedelta(days=1)).strftime("%Y-%m-%d")},
            )
        return value


class InitialReplyForm(FutureDateMixin, ActionForm):
    body = text_field(_("Initial reply to the requester"), rows=4)
    planned_date = date_field(_("Planned date of the formal reply"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit_planned_date()


class PlannedDateMoveForm(FutureDateMixin, ActionForm):
    planned_date = date_field(_("New planned date"))
    reason = text_field(_("Reason for the delay"), rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit_planned_date()


class EscalateForm(ActionForm):
    leader = forms.ChoiceField(label=_("School leader"))
    body = text_field(_("What the leader should decide"))

    def __init__(self, *args: Any, leaders: Sequence[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.leaders = {leader.pk: leader for leader in leaders}
        cast(forms.ChoiceField, self.fields["leader"]).choices = [("", _("Choose a leader"))] + [
            (str(leader.pk), leader.get_full_name()) for leader in leaders
        ]

    def clean_leader(self) -> User:
        return self.leaders[int(self.cleaned_data["leader"])]


class InstructForm(ActionForm):
    body = text_field(_("Instruction"), rows=4)


class InstructionResponseForm(ActionForm):
    """R6.3: what the lead unit did about a leader's instruction."""

    instruction = forms.ChoiceField(label=_("Instruction"))
    body = text_field(_("What your unit did about it"), rows=3)

    def __init__(self, *args: Any, instructions: Sequence[Note], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instructions = {note.pk: note for note in instructions}
        cast(forms.ChoiceField, self.fields["instruction"]).choices = [
            (str(n.pk), f"{n.party}: {n.body[:40]}") for n in instructions
        ]
        if len(instructions) == 1:
            self.fields["instruction"].widget = forms.HiddenInput()
            self.fields["instruction"].initial = str(instructions[0].pk)

    def clean_instruction(self) -> Note:
        return self.instructions[int(self.cleaned_data["instruction"])]


class ReportBackForm(ActionForm):
    """R2.6: what was reported to the referring body, and when (default: now)."""

    text = text_field(_("What was reported to the referring body"), rows=3)
    at = forms.DateTimeField(
        label=_("When it was reported (leave empty for now)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class RewordForm(ActionForm):
    """R6.5: the flagged reply reworded after the unit contacted the third party itself. The suggestion reaches
    the requester too, so it is offered for rewording, filled with the draft's own."""

    body = text_field(_("Reworded formal reply"), rows=5)
    suggestion = text_field(
        _("Suggestion to the requester (out of remit or not solvable)"), required=False, rows=2
    )

    def __init__(self, *args: Any, pending: Reply | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if pending is not None:  # the draft itself, to reword rather than retype
            self.fields["body"].initial = pending.body
            self.fields["suggestion"].initial = pending.suggestion


class ThirdPartyForm(ActionForm):
    party = forms.CharField(label=_("Third party"), max_length=100)
    body = text_field(_("What was agreed"))


class ReplySubmitForm(ActionForm):
    kind = forms.ChoiceField(label=_("Kind of reply"), choices=ReplyKind.choices, initial=ReplyKind.ANSWER)
    body = text_field(_("Formal reply to the requester"), rows=5)
    suggestion = text_field(
        _("Suggestion to the requester (out of remit or not solvable)"), required=False, rows=2
    )
    repeat_of = forms.ChoiceField(label=_("Original request (repeat only)"), required=False)

    def __init__(self, *args: Any, candidates: Sequence[RepeatCandidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {c.ticket.pk: c.ticket for c in candidates}
        cast(forms.ChoiceField, self.fields["repeat_of"]).choices = [("", _("None"))] + [
            (str(c.ticket.pk), f"{c.ticket.number} {c.ticket.subject[:30]}") for c in candidates
        ]

    def clean_repeat_of(self) -> Ticket | None:
        value = self.cleaned_data["repeat_of"]
        return self.candidates[int(value)] if value else None


class ApproveForm(ActionForm):
    comment = forms.CharField(label=_("Comment (optional)"), required=False)


class ReturnForm(ActionForm):
    comment = text_field(_("What must change"), rows=2)


class RedispatchRequestForm(UnitsMixin, ActionForm):
    reason = text_field(_("Why another unit should lead"))
    suggested_unit = forms.ChoiceField(label=_("Suggested unit (optional)"), required=False)

    def __init__(self, *args: Any, units: Sequence[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pool = units if units is not None else active_units()
        self._set_units(
            ["suggested_unit"], [u for u in pool if u.pk != self.ticket.lead_unit_id], blank=_("None")
        )

    def clean_suggested_unit(self) -> Unit | None:
        return self._unit(self.cleaned_data["suggested_unit"])


class AmendForm(ActionForm):
    body = text_field(_("Correction or addition"))


class RedispatchDecideForm(UnitsMixin, CleanTextForm):
    """R3.2: the Office approves with a new lead unit or rejects with a note."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: dispatch to a new unit")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    new_unit = forms.ChoiceField(label=_("New lead unit"), required=False)
    note = forms.CharField(label=_("Note (needed when rejecting)"), required=False)

    def __init__(
        self, *args: Any, units: Sequence[Unit], exclude_id: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._set_units(["new_unit"], [u for u in units if u.pk != exclude_id], blank=_("Choose a unit"))

    def clean_new_unit(self) -> Unit | None:
        return self._unit(self.cleaned_data["new_unit"])

    def add_domain_error(self, error: DomainError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, str(error.message))


CLOCK_CHOICES = [
    ("", _("Any deadline")),
    (OK, _("On track")),
    (DUE_SOON, _("Due soon")),
    (OVERDUE, _("Overdue")),
]


class InboxFilterForm(CleanTextForm):
    """Worklist filters (issue 4 item 7): status, channel, type, clock state and a search."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any channel")), *Channel.choices]
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *TicketType.choices]
    )
    clock = forms.ChoiceField(label=_("Deadline"), required=False, choices=CLOCK_CHOICES)
    q = forms.CharField(label=_("Search number or subject"), required=False, max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("Any open status"))] + [
            (s.value, s.label) for s in Status if s in OPEN_STATUSES
        ]

    def to_filter(self) -> TicketFilter:
        """The selector's filter; invalid input filters nothing rather than failing the worklist."""
        if not self.is_valid():
            return TicketFilter()
        data = self.cleaned_data
        return TicketFilter(
            status=data["status"],
            channel=data["channel"],
            type=data["type"],
            clock=data["clock"],
            q=data["q"].strip(),
        )


class BulkAcknowledgeForm(CleanTextForm):
    """The ticket numbers ticked on the inbox."""

    tickets = forms.MultipleChoiceField(required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        raw = self.data.getlist("tickets") if hasattr(self.data, "getlist") else []
        cast(forms.ChoiceField, self.fields["tickets"]).choices = [(n, n) for n in raw if NUMBER_RE.match(n)]
        self.fields["tickets"].error_messages["required"] = _("Tick the tickets to acknowledge.")

    def clean_tickets(self) -> list[str]:
        numbers = list(dict.fromkeys(self.cleaned_data["tickets"]))
        if len(numbers) > BULK_LIMIT:
            raise forms.ValidationError(
                _("Acknowledge at most %(n)d tickets at once."), params={"n": BULK_LIMIT}
            )
        return numbers
