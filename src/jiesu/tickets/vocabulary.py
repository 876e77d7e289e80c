"""The words for a ticket's status: one vocabulary for requesters, one for staff, used the same on every page
(issue 14 item 4), and the requester's next step with its deadline (issue 14 item 5).

Staff read the workflow's own states (``Status`` labels: 待派单, 待回应受理 …). Requesters read what is happening
to their request in plain words, and closures are not told apart for them (how the Office counts a closure is
internal). Pages, exports and the API take their labels from here, never from ad-hoc dictionaries.
"""

from __future__ import annotations

import datetime as dt

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from jiesu.tickets.states import CLOSED_STATUSES, Status
from jiesu.workcalendar.display import Style, deadline_text

REQUESTER_STATUS: dict[Status, Promise] = {
    Status.NEW: gettext_lazy("Received; the Office is passing it to the responsible unit"),
    Status.DISPATCHED: gettext_lazy("With the responsible unit, awaiting its response"),
    Status.HANDLING: gettext_lazy("Being handled"),
    Status.PENDING_APPROVAL: gettext_lazy("Being handled; the reply is being reviewed"),
    Status.REPLIED: gettext_lazy("Replied"),
    Status.UNREACHABLE_REVIEW: gettext_lazy("Replied; we could not reach you for the follow-up"),
    # Closures are not told apart for the requester, and 销账 is the Office's word, not theirs.
    Status.CLOSED: pgettext_lazy("requester", "Closed"),
    Status.CLOSED_UNSATISFIED: pgettext_lazy("requester", "Closed"),
    Status.CLOSED_EXPLAINED: pgettext_lazy("requester", "Closed"),
    Status.CLOSED_UNREACHABLE: pgettext_lazy("requester", "Closed"),
}

BADGE: dict[Status, str] = {
    Status.NEW: "badge-muted",
    Status.DISPATCHED: "badge-muted",
    Status.HANDLING: "badge-warn",
    Status.PENDING_APPROVAL: "badge-warn",
    Status.REPLIED: "badge-ok",
    Status.UNREACHABLE_REVIEW: "badge-warn",
    Status.CLOSED: "badge-ok",
    Status.CLOSED_UNSATISFIED: "badge-muted",
    Status.CLOSED_EXPLAINED: "badge-ok",
    Status.CLOSED_UNREACHABLE: "badge-muted",
}

# What the requester waits for while a clock of this kind is the nearest one.
_NEXT_STEP: dict[str, Promise] = {
    "dispatch": gettext_lazy("the Office passes your request to the responsible unit"),
    "mailbox": gettext_lazy("the Office passes your request to the responsible unit"),
    "response": gettext_lazy("the responsible unit acknowledges your request"),
    "initial_reply": gettext_lazy("you receive an initial reply"),
    "reply": gettext_lazy("you receive the formal reply"),
    "followup": gettext_lazy("the unit calls you back for your rating (or rate the reply online)"),
}


def requester_status(status: str) -> str:
    """The status as the requester reads it."""
    label = REQUESTER_STATUS.get(Status(status)) if status in Status.values else None
    return str(label) if label is not None else status


def staff_status(status: str) -> str:
    """The status as staff read it (the workflow's own state)."""
    return str(Status(status).label) if status in Status.values else status


def badge(status: str) -> str:
    return BADGE.get(Status(status), "badge-muted") if status in Status.values else "badge-muted"


def next_step(
    status: str, next_clock: str, next_due_at: dt.datetime | None, planned_reply_date: dt.date | None = None
) -> str:
    """ "Next step: you receive the formal reply (12-08 当天内)" from the ticket's nearest open clock; the planned
    date of the formal reply when only the Office's own clocks run; "" once the request is closed."""
    if status not in Status.values or status in CLOSED_STATUSES or status == Status.UNREACHABLE_REVIEW:
        return ""
    step = _NEXT_STEP.get(next_clock)
    if step is not None and next_due_at is not None:
        return _("Next step: %(step)s (%(due)s)") % {
            "step": step,
            "due": deadline_text(next_due_at, Style.DAY),
        }
    if planned_reply_date is not None:
        return _("Next step: you receive the formal reply (planned for %(date)s)") % {
            "date": f"{planned_reply_date:%m-%d}"
        }
    return ""
