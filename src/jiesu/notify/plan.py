"""Loading what a batch of events needs, set-based (issue 5 §3–4): ``Plan`` takes any number of events, reads
their tickets in one query, the records they name (replies, re-dispatch and co-handling requests) in one
query per kind, and every person their routes reach — unit members, heads, named people, requesters, the
Office — in at most two more, whatever the number of events. The sweep hands it 1,000 alerts at a time.

Who is reached for which event is ``recipients.ROUTES``; this module only fetches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Q

from jiesu.notify.recipients import (
    OFFICE_ROLES,
    ROUTES,
    UNIT_MEMBER_ROLES,
    AlertLike,
    Facts,
    Route,
    Spec,
    Target,
    person_target,
    preference,
)
from jiesu.org.models import Membership, Role, User
from jiesu.tickets.models import CohandlingRequest, RedispatchRequest, Reply, Ticket
from jiesu.tickets.selectors import open_instructions_of

_REPLY_EVENTS = frozenset({"reply_sent", "initial_reply", "reply_returned"})
_REDISPATCH_EVENTS = frozenset({"redispatch_requested", "redispatch_decided"})
# R6.3: a ticket handed to a unit (dispatch, approved re-dispatch) carries the leaders' instructions still open.
_HANDOVER_EVENTS = frozenset({"dispatched", "redispatch_decided"})
_TICKET_FIELDS = (
    "id",
    "number",
    "subject",
    "status",
    "anonymous",
    "round",
    "requester_id",
    "contact_email",
    "contact_phone",
    "lead_unit_id",
    "lead_unit__name",
    "next_due_at",
)


class Plan:
    """The messages for a batch of events: ``items`` holds (event, ticket facts, route, targets)."""

    def __init__(self, alerts: Sequence[AlertLike]) -> None:
        routed = [a for a in alerts if a.event in ROUTES and a.ticket_id]
        self.tickets = self._tickets({int(a.ticket_id) for a in routed if a.ticket_id})
        extras = self._extras(routed)
        self.items: list[tuple[AlertLike, Facts, Route]] = []
        for alert in routed:
            row = self.tickets.get(int(alert.ticket_id or 0))
            if row is None:
                continue
            facts = {**row, **extras.get(id(alert), {})}
            self.items.extend((alert, facts, route) for route in ROUTES[alert.event](facts, alert.data))
        self._people = _People([spec for _a, _f, route in self.items for spec in route.specs], self.tickets)

    def targets(self, route: Route) -> list[Target]:
        """Everyone the route reaches, once each."""
        seen: set[int] = set()
        found: list[Target] = []
        for spec in route.specs:
            for target in self._people.targets(spec):
                if target.user_id is not None:
                    if target.user_id in seen:
                        continue
                    seen.add(target.user_id)
                found.append(target)
        return found

    @staticmethod
    def _tickets(ids: set[int]) -> dict[int, dict[str, Any]]:
        if not ids:
            return {}
        return {row["id"]: row for row in Ticket.objects.filter(pk__in=ids).values(*_TICKET_FIELDS)}

    @staticmethod
    def _extras(alerts: Sequence[AlertLike]) -> dict[int, dict[str, Any]]:
        """The records events name (reply text, re-dispatch and co-handling requests, open instructions), keyed
        by id(alert)."""
        replies = _replies(alerts)
        requests = _redispatch_requests(alerts)
        asked = _cohandling_requests(alerts)
        instructions = _open_instructions(alerts)
        extras: dict[int, dict[str, Any]] = {}
        for alert in alerts:
            extra: dict[str, Any] = {}
            reply = replies.get(alert.data.get("reply_id") or 0)
            if reply is not None:
                extra["reply"] = reply
                extra["reply_text"] = reply["body"]
                extra["planned"] = f"{reply['planned_date']:%Y-%m-%d}" if reply["planned_date"] else ""
            request = requests.get(alert.data.get("request_id") or 0)
            if request is not None:
                extra["redispatch"] = request
            if alert.event in _HANDOVER_EVENTS:
                extra["instructions"] = instructions.get(int(alert.ticket_id or 0), [])
            if alert.event == "cohandling_requested":
                extra["cohandling"] = asked.get(
                    (int(alert.ticket_id or 0), int(alert.data.get("unit_id") or 0)), {}
                )
            extras[id(alert)] = extra
        return extras


def _replies(alerts: Sequence[AlertLike]) -> dict[int, dict[str, Any]]:
    ids = {a.data["reply_id"] for a in alerts if a.event in _REPLY_EVENTS and a.data.get("reply_id")}
    if not ids:
        return {}
    rows = Reply.objects.filter(pk__in=ids).values(
        "id", "body", "planned_date", "drafted_by_id", "review_comment"
    )
    return {row["id"]: dict(row) for row in rows}


def _redispatch_requests(alerts: Sequence[AlertLike]) -> dict[int, dict[str, Any]]:
    ids = {a.data["request_id"] for a in alerts if a.event in _REDISPATCH_EVENTS and a.data.get("request_id")}
    if not ids:
        return {}
    rows = RedispatchRequest.objects.filter(pk__in=ids).values(
        "id", "from_unit_id", "from_unit__name", "new_unit_id", "new_unit__name", "reason", "decision_note"
    )
    return {row["id"]: dict(row) for row in rows}


def _open_instructions(alerts: Sequence[AlertLike]) -> dict[int, list[dict[str, Any]]]:
    """R6.3: each handed-over ticket's leaders' instructions the lead unit has not yet said what it did about
    (``tickets.selectors.open_instructions_of``, as the ticket page's banner), oldest first; one query for the batch."""
    ids = {int(a.ticket_id) for a in alerts if a.event in _HANDOVER_EVENTS and a.ticket_id}
    if not ids:
        return {}
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in open_instructions_of(ids).values("ticket_id", "party", "body"):
        found[row["ticket_id"]].append(dict(row))
    return found


def _cohandling_requests(alerts: Sequence[AlertLike]) -> dict[tuple[int, int], dict[str, Any]]:
    """The open co-handling request of each (ticket, asked unit); the latest wins."""
    asked = [(a.ticket_id, a.data.get("unit_id")) for a in alerts if a.event == "cohandling_requested"]
    if not asked:
        return {}
    match = Q()
    for ticket_id, unit_id in asked:
        match |= Q(ticket_id=ticket_id, unit_id=unit_id, answered_at__isnull=True)
    rows = (
        CohandlingRequest.objects.filter(match)
        .order_by("requested_at", "id")
        .values("ticket_id", "unit_id", "unit__name", "due_at")
    )
    return {(row["ticket_id"], row["unit_id"]): dict(row) for row in rows}


class _People:
    """Every person the plan's audiences name, loaded at once (at most three queries)."""

    def __init__(self, specs: Iterable[Spec], tickets: Mapping[int, Mapping[str, Any]]) -> None:
        specs = set(specs)
        self.tickets = tickets
        self.members: dict[int, list[User]] = defaultdict(list)
        self.heads: dict[int, list[User]] = defaultdict(list)
        self.office: list[User] = []
        unit_ids = {key for kind, key in specs if kind in ("unit", "head")}
        wants_office = any(kind == "office" for kind, _key in specs)
        if unit_ids or wants_office:
            match = Q(unit_id__in=unit_ids, role__in=UNIT_MEMBER_ROLES) if unit_ids else Q(pk__in=[])
            if wants_office:
                match |= Q(role__in=OFFICE_ROLES)
            for m in (
                Membership.objects.filter(match, user__is_active=True)
                .select_related("user__notify_preference")
                .order_by("unit_id", "role", "user_id")
            ):
                if m.role in OFFICE_ROLES:
                    self.office.append(m.user)
                    continue
                self.members[m.unit_id].append(m.user)  # type: ignore[index]
                if m.role == Role.UNIT_HEAD:
                    self.heads[m.unit_id].append(m.user)  # type: ignore[index]
        user_ids = {key for kind, key in specs if kind == "user"}
        user_ids |= {
            tickets[key]["requester_id"]
            for kind, key in specs
            if kind == "requester" and key in tickets and tickets[key]["requester_id"]
        }
        self.users = (
            {
                u.pk: u
                for u in User.objects.filter(pk__in=user_ids, is_active=True).select_related(
                    "notify_preference"
                )
            }
            if user_ids
            else {}
        )

    def targets(self, spec: Spec) -> list[Target]:
        kind, key = spec
        if kind == "unit":
            return [person_target(u) for u in self.members.get(key, [])]
        if kind == "head":
            return [person_target(u) for u in self.heads.get(key, [])]
        if kind == "office":
            return [person_target(u) for u in {u.pk: u for u in self.office}.values()]
        if kind == "user":
            user = self.users.get(key)
            return [person_target(user)] if user is not None else []
        if kind == "requester":
            return self._requester(key)
        return []

    def _requester(self, ticket_id: int) -> list[Target]:
        """R10.1 / R1.3: the requester of this ticket, at the contact they gave for it; nobody if anonymous."""
        t = self.tickets.get(ticket_id)
        if t is None or t["anonymous"]:
            return []
        user = self.users.get(t["requester_id"]) if t["requester_id"] else None
        if user is None:
            if not (t["contact_email"] or t["contact_phone"]):
                return []
            return [Target(None, email=t["contact_email"], phone=t["contact_phone"])]
        prefs = preference(user)
        return [
            Target(
                user.pk,
                email=(t["contact_email"] or user.email) if prefs.email else "",
                phone=(t["contact_phone"] or user.phone) if prefs.sms else "",
                # Never WeCom: a requester's messages carry their tracking code, reply and rating link, and the
                # WeCom webhook backend posts into a staff group chat (R10.1).
                wecom="",
            )
        ]
