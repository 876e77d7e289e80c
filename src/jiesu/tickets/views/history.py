"""The ticket's history in words (R10.4): every row for staff, the public ones in plain words for the requester."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiesu.tickets.models import (
    Channel,
    ClockKind,
    Event,
    Followup,
    FollowupAttempt,
    FollowupOutcome,
    Level,
    ReplyKind,
    TicketType,
)
from jiesu.tickets.states import Status
from jiesu.workcalendar.display import deadline_text

EVENT_LABELS = {
    "create": gettext_lazy("Request recorded"),
    "dispatch": gettext_lazy("Dispatched"),
    "acknowledge": gettext_lazy("Acknowledged"),
    "set_level": gettext_lazy("Handling level set"),
    "log_contact": gettext_lazy("Contacted the requester"),
    "request_cohandling": gettext_lazy("Asked a unit to co-handle"),
    "answer_cohandling": gettext_lazy("Co-handling answered"),
    "initial_reply": gettext_lazy("Initial reply sent"),
    "move_planned_date": gettext_lazy("Planned reply date moved"),
    "escalate": gettext_lazy("Asked a leader for an instruction"),
    "instruct": gettext_lazy("Leader's instruction recorded"),
    "third_party": gettext_lazy("Third party contacted"),
    "submit_reply": gettext_lazy("Formal reply submitted for approval"),
    "approve_reply": gettext_lazy("Formal reply approved and sent"),
    "return_reply": gettext_lazy("Formal reply returned for changes"),
    "request_redispatch": gettext_lazy("Re-dispatch requested"),
    "redispatch": gettext_lazy("Re-dispatched"),
    "redispatch_rejected": gettext_lazy("Re-dispatch request rejected"),
    "amend": gettext_lazy("Amendment added"),
    "reveal_contact": gettext_lazy("Full contact viewed"),
    "contacts_exported": gettext_lazy("Full contact exported in a ledger export"),
    "backdated": gettext_lazy("Time received set earlier than the recording"),
    "followup_attempt": gettext_lazy("Follow-up call attempted"),
    "closed": gettext_lazy("Closed after the follow-up"),
    "reopened": gettext_lazy("Reopened for a new round"),
    "closed_unsatisfied": gettext_lazy("Closed unsatisfied by the Office"),
    "recompute_deadlines": gettext_lazy("Deadlines recomputed after a calendar change"),
    # Issue 12 (R2.6, R3.3, R6.2, R6.3, R6.5, R7.3).
    "report_back": gettext_lazy("Result reported back to the referral source"),
    "cohandling_progress": gettext_lazy("Co-handling progress reported; the request stays open"),
    "closed_explained": gettext_lazy("Closed as explained after the follow-up"),
    "unreachable_review": gettext_lazy("Requester unreachable: passed to the Office"),
    "closed_unreachable": gettext_lazy("Closed by the Office: requester unreachable"),
    "unreachable_retry": gettext_lazy("The Office ordered another round of calls"),
    "instruction_respond": gettext_lazy("Action on the leader's instruction recorded"),
    "reword_reply": gettext_lazy("Flagged reply reworded by the unit"),
    # Issue 13 (R8.2): supervision orders on the ticket.
    "order_issue": gettext_lazy("Supervision order issued"),
    "order_answer": gettext_lazy("Supervision order answered in writing"),
    "order_accept": gettext_lazy("Answer to the supervision order accepted"),
    "order_return": gettext_lazy("Answer to the supervision order returned"),
    "order_withdraw": gettext_lazy("Supervision order withdrawn"),
    "order_escalate": gettext_lazy("Overdue supervision order escalated"),
    "attachment_added": gettext_lazy("Attachment added"),
}

FIELD_LABELS = {
    "level": gettext_lazy("Handling level"),
    "planned_date": gettext_lazy("Planned reply date"),
    "lead_unit": gettext_lazy("Lead unit"),
    "cohandling_units": gettext_lazy("Co-handling units"),
    "kind": gettext_lazy("Kind of reply"),
    "third_party_flag": gettext_lazy("Third-party wording flagged"),
    "suggested_unit": gettext_lazy("Suggested unit"),
    "unit": gettext_lazy("Unit"),
    "due": gettext_lazy("Due"),
    "finished": gettext_lazy("Finished"),
    "leader": gettext_lazy("School leader"),
    "party": gettext_lazy("Third party"),
    "channel": gettext_lazy("Channel"),
    "type": gettext_lazy("Type"),
    "result": gettext_lazy("Call result"),
    "outcome": gettext_lazy("Requester's verdict"),
    "resolved": gettext_lazy("Resolved"),
    "via": gettext_lazy("Follow-up by"),
    "comment": gettext_lazy("Comment"),
    "round": gettext_lazy("Round"),
    # R4.9 / R5.3: deadlines a change replaced (before: due and whether it was missed; after: the new due).
    **{kind.value: kind.label for kind in ClockKind},
    "reported_at": gettext_lazy("Reported at"),
    "attempts": gettext_lazy("Unanswered calls"),
    "order": gettext_lazy("Supervision order"),
    "deadline": gettext_lazy("Deadline"),
    "on_time": gettext_lazy("On time"),
    "step": gettext_lazy("Escalation step"),
    "to": gettext_lazy("Alerted"),
}
_CHOICES: dict[str, Any] = {
    "level": Level,
    "kind": ReplyKind,
    "channel": Channel,
    "type": TicketType,
    "result": FollowupAttempt.Result,
    "outcome": FollowupOutcome,
    "via": Followup.Channel,
}


_CLOCKS = frozenset(ClockKind.values)


def _deadline(value: Any) -> str:
    """A replaced deadline (R4.9): ``{"due", "missed"}`` before a change, the new due after it, or a calendar
    recomputation's "<due> [provisional]" (R5.3)."""
    missed = isinstance(value, dict) and bool(value.get("missed"))
    text = str(value.get("due") or "") if isinstance(value, dict) else str(value)
    moment = parse_datetime(text.split()[0]) if text else None
    if moment is None:
        return text or "—"
    shown = deadline_text(moment)
    if text.endswith("provisional"):
        shown = f"{shown} ({_('provisional')})"
    return f"{shown} ({_('Missed')})" if missed else shown


def event_label(action: str) -> str:
    label = EVENT_LABELS.get(action)
    return str(label) if label is not None else action


def status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else ""


def _show(key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    choices = _CHOICES.get(key)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    if key in ("due", "deadline") and isinstance(value, str) and (moment := parse_datetime(value)):
        return deadline_text(moment)
    if key == "reported_at" and isinstance(value, str) and (moment := parse_datetime(value)):
        return date_format(timezone.localtime(moment), "Y-m-d H:i")
    if key in _CLOCKS:
        return _deadline(value)
    return str(value)


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    actor: str
    action: str
    label: str
    from_status: str
    to_status: str
    changes: list[Change]
    reason: str
    public: bool


def changes(event: Event) -> list[Change]:
    """Before → after for the fields a person cares about (internal ids are left out)."""
    keys = [k for k in dict.fromkeys([*event.before, *event.after]) if k in FIELD_LABELS]
    return [
        Change(str(FIELD_LABELS[k]), _show(k, event.before.get(k)), _show(k, event.after.get(k)))
        for k in keys
    ]


def _actor(event: Event) -> str:
    if event.actor is not None:
        return event.actor.get_full_name()
    if isinstance(event.after, dict) and event.after.get("via") == Followup.Channel.ONLINE:
        return _("The requester, by the rating link")  # R7.1: the signed link, no sign-in
    return _("System")


def staff_history(events: Iterable[Event]) -> list[HistoryRow]:
    """R10.4: actor, time, action in words, status before → after, field changes, reason."""
    return [
        HistoryRow(
            at=e.at,
            actor=_actor(e),
            action=e.action,
            label=event_label(e.action),
            from_status=status_label(e.from_status),
            to_status=status_label(e.to_status),
            changes=changes(e),
            reason=e.reason,
            public=e.public,
        )
        for e in events
    ]


@dataclass(frozen=True)
class PublicLine:
    at: dt.datetime
    text: str
    detail: str = ""


def _date(value: Any) -> str:
    day = parse_date(value) if isinstance(value, str) else None
    return date_format(day, "Y-m-d") if day else "—"


def _public_text(event: Event, unit: str) -> tuple[str, str]:
    """Plain words for one public event, naming only the unit (never a member of staff)."""
    after = event.after
    words = {
        "create": (_("Your request was received."), ""),
        "dispatch": (_("Passed to %(unit)s to handle.") % {"unit": unit}, ""),
        "redispatch": (_("Passed to %(unit)s to handle.") % {"unit": unit}, ""),
        "acknowledge": (_("%(unit)s has taken up your request.") % {"unit": unit}, ""),
        "initial_reply": (
            _("%(unit)s sent an initial reply; the formal reply is planned for %(date)s.")
            % {"unit": unit, "date": _date(after.get("planned_date"))},
            "",
        ),
        "move_planned_date": (
            _("%(unit)s moved the planned reply date to %(date)s.")
            % {"unit": unit, "date": _date(after.get("planned_date"))},
            event.reason,
        ),
        "approve_reply": (_("%(unit)s sent the formal reply.") % {"unit": unit}, ""),
        "amend": (_("An addition was made to your request."), ""),
        # R7.2: the follow-up's outcome, in the requester's words (the staff comment is not shown).
        "closed": (
            _("Your request was closed after the follow-up (%(outcome)s).")
            % {"outcome": _show("outcome", after.get("outcome"))},
            "",
        ),
        "reopened": (
            _("The follow-up found the matter not settled; %(unit)s is handling it again (round %(round)s).")
            % {"unit": unit, "round": after.get("round", "—")},
            "",
        ),
        "closed_unsatisfied": (
            _("The Office closed your request after several rounds of handling."),
            event.reason,
        ),
        # R6.2 / R7.3: the two closures counted apart, in the requester's words.
        "closed_explained": (_("Your request was closed: you accepted the explanation given."), ""),
        "closed_unreachable": (
            _("Your request was closed: we could not reach you after several calls."),
            "",
        ),
    }
    return words.get(event.action, (event_label(event.action), ""))


def public_timeline(events: Iterable[Event]) -> list[PublicLine]:
    """R10.1: what the requester sees of the history: the public steps, by unit name, in plain words."""
    unit = str(_("the responsible unit"))
    lines = []
    for event in events:
        named = event.after.get("lead_unit") if isinstance(event.after, dict) else None
        if named:
            unit = named
        text, detail = _public_text(event, unit)
        lines.append(PublicLine(at=event.at, text=text, detail=detail))
    return lines
