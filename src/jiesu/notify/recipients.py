"""Who hears of what (issue 5 §3): event → routes (a message and its audiences) → people and addresses.

``ROUTES`` maps each event name to its routes; unknown names are ignored. The routes name audiences
(``Spec``); ``plan.Plan`` fetches the people behind them for a whole batch of events at once.

Audiences:
- a unit's members are its head and its information officers (R3.1: the people who receive and drive its
  tickets); unit staff handle what they are given and are not told of every ticket;
- the Office is its dispatchers (as the sweep's overdue summary);
- the requester is told about their own ticket only (R10.1): in the inbox when they have an account, by email
  and SMS at the contact on the ticket (their channel choices apply when they have an account; a caller
  without one gets both). Anonymous letters tell nobody (R1.3).

Never the actor (they know what they did) — except the receipt of a request, which carries the tracking code
the requester must keep (R10.1): it still goes to their email and phone, though not to their inbox.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext as _

from jiesu.notify.messages import absolute
from jiesu.notify.models import Preference
from jiesu.org.models import Membership, Role, User
from jiesu.privacy import mask_contacts
from jiesu.tickets import rating
from jiesu.tickets.models import ClockKind, FollowupOutcome
from jiesu.tickets.states import Status
from jiesu.workcalendar.display import deadline_text

UNIT_MEMBER_ROLES = (Role.UNIT_HEAD, Role.INFO_OFFICER)
OFFICE_ROLES = (Role.DISPATCHER,)
COHANDLING = "cohandling"
OFFICE_CLOCKS = frozenset(
    {ClockKind.DISPATCH, ClockKind.MAILBOX}
)  # the sweep's clock name for a co-handling request's own clock (R4.4)
# R2.6: the report back to a referral's source is the lead unit's or the Office's: both hear of its clocks.
SHARED_CLOCKS = frozenset({ClockKind.SOURCE, ClockKind.REPORT_BACK})
RECEIPTS = frozenset({"received"})  # still sent to the requester's email/phone when they are the actor

# An audience: ("unit", unit id), ("head", unit id), ("user", user id), ("requester", ticket id), ("office", 0).
Spec = tuple[str, int]


class AlertLike(Protocol):
    """A ticket event or a sweep alert: what happened, to which ticket, with which facts."""

    @property
    def event(self) -> str: ...

    @property
    def ticket_id(self) -> int | None: ...

    @property
    def data(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class Route:
    """One message (``key`` in ``messages.TEMPLATES``) for some audiences, with its own facts."""

    key: str
    specs: tuple[Spec, ...]
    context: dict[str, Any] = field(default_factory=dict)
    requester: bool = False  # the requester's words and link (their ticket page, or tracking without account)


@dataclass(frozen=True)
class Target:
    """One person (or one contact without an account) and the addresses their channel choices allow."""

    user_id: int | None
    email: str = ""
    phone: str = ""
    wecom: str = ""

    def channels(self) -> list[tuple[str, str]]:
        pairs = (("email", self.email), ("sms", self.phone), ("wecom", self.wecom))
        return [(channel, address) for channel, address in pairs if address]


_DEFAULTS = Preference()


def office_people(*roles: Role) -> list[User]:
    """The Office's active people in ``roles`` (default: the dispatchers, who hear of what concerns the Office
    as a whole)."""
    ids = Membership.objects.filter(role__in=roles or OFFICE_ROLES).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def preference(user: User) -> Preference:
    """The person's channel choices (loaded with ``select_related("notify_preference")``), or the defaults."""
    try:
        return user.notify_preference  # type: ignore[no-any-return]
    except Preference.DoesNotExist:
        return _DEFAULTS


def person_target(user: User) -> Target:
    prefs = preference(user)
    return Target(
        user.pk,
        email=user.email if prefs.email else "",
        phone=user.phone if prefs.sms else "",
        wecom=user.username if prefs.wecom else "",  # the WeCom userid is the username (models.Preference)
    )


def local(value: dt.datetime | str | None) -> str:
    """A deadline in words: 2026-11-26 14:00, or 2026-11-26 24:00 for the end of a day (Asia/Shanghai)."""
    if not value:
        return "—"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return deadline_text(value)


def _clock_label(kind: str) -> str:
    if kind == COHANDLING:
        return _("Co-handling answer")
    return str(ClockKind(kind).label) if kind in ClockKind.values else kind


def _outcome_label(outcome: str) -> str:
    return str(FollowupOutcome(outcome).label) if outcome in FollowupOutcome.values else outcome


# --- Routes: one function per event name; unknown names are ignored ---------------------------------------
Facts = Mapping[str, Any]  # the ticket row plus what the event's records add
RouteFn = Callable[[Facts, Mapping[str, Any]], list[Route]]


def _lead(t: Facts) -> tuple[Spec, ...]:
    return (("unit", t["lead_unit_id"]),) if t["lead_unit_id"] else ()


@lru_cache(maxsize=16)
def _reversed(name: str, prefix: str, urlconf: str) -> str:
    return reverse(name, urlconf=urlconf)


def _path(name: str) -> str:
    """``reverse(name)`` (no arguments) remembered per script prefix and URLconf: a bulk intake's receipts
    would otherwise reverse the same path once per request (about 0.1 ms each)."""
    return _reversed(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


def _instructions(t: Facts) -> str:
    """R6.3: the leaders' instructions still open on a ticket handed to a unit, each with the leader's name."""
    return "\n\n".join(
        _("Instruction from %(leader)s: %(instruction)s")
        % {"leader": note["party"], "instruction": mask_contacts(note["body"])}
        for note in t.get("instructions") or ()
    )


def _handed_over(key: str, specs: tuple[Spec, ...], t: Facts, context: dict[str, Any]) -> Route:
    """R6.3: a unit given a ticket (dispatch, re-dispatch) while a leader's instruction on it is still open —
    given before dispatch, when only the Office heard of it, or not yet acted on by the previous unit — gets the
    instruction in the same message (``<key>_instructed``), in the inbox and on each of its channels."""
    instructions = _instructions(t)
    if not instructions:
        return Route(key, specs, context)
    return Route(f"{key}_instructed", specs, {**context, "instructions": instructions})


def _received(t: Facts, data: Mapping[str, Any]) -> list[Route]:
    context = {"code": data.get("tracking_code", ""), "track_url": absolute(_path("intake:track"))}
    return [Route("received", (("requester", t["id"]),), context, requester=True)]


def _reply_sent(t: Facts, data: Mapping[str, Any]) -> list[Route]:
    # R7.1 / R1.3: the rating link only while the follow-up is open (not for repeats closed at once, nor
    # anonymous letters, which nobody is told of anyway).
    token = data.get("rating_token")
    if t["status"] == Status.REPLIED and not t["anonymous"] and token:
        days = rating.link_lifetime().days
        context = {"rating_url": rating.rating_url(str(token)), "days": days}
        routes = [Route("reply_sent", (("requester", t["id"]),), context, requester=True)]
    else:
        routes = [Route("reply_sent_plain", (("requester", t["id"]),), requester=True)]
    if data.get("office"):
        # R7.4 / Art. 8.3: the Office hears of the formal reply to every ticket it dispatched.
        routes.append(Route("reply_to_office", (("office", 0),)))
    return routes


def _to_requester(key: str) -> RouteFn:
    return lambda t, data: [Route(key, (("requester", t["id"]),), requester=True)]


def _dispatched(t: Facts, data: Mapping[str, Any]) -> list[Route]:
    return [_handed_over("dispatched", _lead(t), t, {})] if _lead(t) else []


def _cohandling(t: Facts, data: Mapping[str, Any]) -> list[Route]:
    item = t.get("cohandling") or {}
    context = {"asked_unit": item.get("unit__name", ""), "due": local(item.get("due_at"))}
    return [Route("cohandling_requested", (("unit", int(data["unit_id"])),), context)]


def _awaiting(t: Facts, data: Mapping[str, Any]) -> list[Route]:
    return [Route("reply_awaiting_approval", (("head", t["lead_unit_id"]),))] if t["lead_unit_id"] else []


def _returned(t: Facts, data: Mapping[str, Any]) -> list[Route]:
    reply = t.get("reply") or {}
    if not reply:
        return []
    context = {"comment": mask_contacts(reply["review_comment"])}
    return [Route("reply_returned", (("user", reply["drafted_by_id"]),), context)]


def _reopened(t: Facts, data: Mapping[str, Any]) -> list[Route]:
    context = {
        "round": data.get("round", t["round"]),
        "outcome": _outcome_label(str(data.get("outcome", ""))),
    }
    return [Route("reopened", _lead(t), context)]


def _rated(t: Facts, data: Mapping[str, Any]) -> list[Route]:
    # A rating that reopens the ticket is told by "reopened"; one that closes it spares the unit a call.
    if not data.get("closed"):
        return []
    return [Route("rated", _lead(t), {"outcome": _outcome_label(str(data.get("outcome", "")))})]


def _redispatch_requested(t: Facts, data: Mapping[str, Any]) -> list[Route]:
    request = t.get("redispatch") or {}
    context = {"unit": request.get("from_unit__name", ""), "reason": mask_contacts(request.get("reason", ""))}
    return [Route("redispatch_requested", (("office", 0),), context)]


def _redispatch_decided(t: Facts, data: Mapping[str, Any]) -> list[Route]:
    request = t.get("redispatch") or {}
    if not request:
        return []
    asked = (("unit", request["from_unit_id"]),)
    if not data.get("approved"):
        context = {"note": mask_contacts(request.get("decision_note", ""))}
        return [Route("redispatch_rejected", asked, context)]
    new_unit = {"unit": request.get("new_unit__name", "")}
    routes = [Route("redispatch_approved", asked, new_unit)]
    if request.get("new_unit_id"):
        routes.append(_handed_over("redispatched", (("unit", request["new_unit_id"]),), t, new_unit))
    return routes


def _instructed(t: Facts, data: Mapping[str, Any]) -> list[Route]:
    """R6.3: a leader's instruction reaches the lead unit (head and officers) and the Office."""
    context = {
        "leader": data.get("leader", ""),
        "instruction": mask_contacts(str(data.get("instruction", ""))),
    }
    return [Route("instructed", (*_lead(t), ("office", 0)), context)]


def _instruction_responded(t: Facts, data: Mapping[str, Any]) -> list[Route]:
    """R6.3: the leader hears what the unit did about the instruction."""
    if not data.get("leader_id"):
        return []
    context = {"response": mask_contacts(str(data.get("response", "")))}
    return [Route("instruction_responded", (("user", int(data["leader_id"])),), context)]


def _unreachable_decided(t: Facts, data: Mapping[str, Any]) -> list[Route]:
    """R7.3: the Office's decision goes to the lead unit; a closing is also told to the requester."""
    context = {"note": mask_contacts(str(data.get("note", ""))) or "—"}
    if data.get("closed"):
        return [
            Route("unreachable_closed", _lead(t), context),
            Route("closed_unreachable", (("requester", t["id"]),), requester=True),
        ]
    return [Route("unreachable_retry", _lead(t), context)]


def _instruction(t: Facts, data: Mapping[str, Any]) -> list[Route]:
    return (
        [Route("instruction_requested", (("user", int(data["leader_id"])),))] if data.get("leader_id") else []
    )


def _clock_alert(key: str) -> RouteFn:
    """The sweep's alerts (R4.4, R4.6, R4.8): the lead unit; for a co-handling clock the unit asked; for the
    Office's own clocks (R4.5 dispatch, R4.7 mailbox triage) and any clock of a ticket not yet dispatched, the
    Office."""

    def route(t: Facts, data: Mapping[str, Any]) -> list[Route]:
        kind = str(data.get("clock", ""))
        specs: tuple[Spec, ...]
        if kind == COHANDLING and data.get("unit_id"):
            specs = (("unit", int(data["unit_id"])),)
        elif kind in OFFICE_CLOCKS or not _lead(t):
            specs = (("office", 0),)
        elif kind in SHARED_CLOCKS:
            specs = (*_lead(t), ("office", 0))
        else:
            specs = _lead(t)
        context = {"clock": _clock_label(kind), "due": local(data.get("due_at") or t["next_due_at"])}
        return [Route(key, specs, context)] if specs else []

    return route


ROUTES: dict[str, RouteFn] = {
    "received": _received,
    "initial_reply": _to_requester("initial_reply"),
    "reply_sent": _reply_sent,
    "closed": _to_requester("closed"),
    "closed_unsatisfied": _to_requester("closed_unsatisfied"),
    "dispatched": _dispatched,
    "cohandling_requested": _cohandling,
    "reply_awaiting_approval": _awaiting,
    "reply_returned": _returned,
    "reopened": _reopened,
    "rated": _rated,
    "redispatch_requested": _redispatch_requested,
    "redispatch_decided": _redispatch_decided,
    "instruction_requested": _instruction,
    # Issue 12: R6.3 instructions, R6.2 / R7.3 closures, R7.4 is in _reply_sent.
    "instructed": _instructed,
    "instruction_responded": _instruction_responded,
    "closed_explained": _to_requester("closed_explained"),
    "unreachable_review": lambda t, data: [Route("unreachable_review", (("office", 0),))],
    "unreachable_decided": _unreachable_decided,
    "due_soon": _clock_alert("due_soon"),
    "overdue": _clock_alert("overdue"),
    "followup_due": _clock_alert("followup_due"),
}
