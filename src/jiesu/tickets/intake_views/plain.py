"""A ticket's status in the requester's words (issue 4 item 7: "in plain words")."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiesu.tickets.states import Status

PLAIN_STATUS: dict[Status, Promise] = {
    Status.NEW: _("Received; the Office is passing it to the responsible unit"),
    Status.DISPATCHED: _("With the responsible unit, awaiting its response"),
    Status.HANDLING: _("Being handled"),
    Status.PENDING_APPROVAL: _("Being handled; the reply is being reviewed"),
    Status.REPLIED: _("Replied"),
    Status.UNREACHABLE_REVIEW: _("Replied; we could not reach you for the follow-up"),
    Status.CLOSED: _("Closed"),
    Status.CLOSED_UNSATISFIED: _("Closed"),
    Status.CLOSED_EXPLAINED: _("Closed"),
    Status.CLOSED_UNREACHABLE: _("Closed"),
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


def plain_status(status: str) -> str:
    label = PLAIN_STATUS.get(Status(status)) if status in Status.values else None
    return str(label) if label is not None else status


def badge(status: str) -> str:
    return BADGE.get(Status(status), "badge-muted") if status in Status.values else "badge-muted"
