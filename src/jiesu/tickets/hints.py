"""Hints an app above tickets adds to the Office's pages without the tickets app importing it (issue 16).

An app registers a provider in its ``AppConfig.ready``; with none registered the pages show no hints. Providers
get whole pages of tickets at once, so a list costs a fixed number of queries however long it is.

- dispatch: the likely lead units of each ticket (R9.5), shown in the dispatch form with one-click accept.
- repeats: each ticket's possible repeats (R6.1) — only tickets the viewer may open are ever named (R10.3).
- groups: what a ticket is linked to beyond itself, e.g. a task force 专班 (R6.4), shown on the ticket page.
- matter_search: the template of a matter search shown above each dispatch form (the catalogue 派单目录, R2.7).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from jiesu.org.models import User
from jiesu.tickets.models import Ticket


@dataclass(frozen=True)
class UnitHint:
    unit_id: int
    name: str
    confidence: float

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


@dataclass(frozen=True)
class RepeatHint:
    number: str
    subject: str
    status: str
    received_at: dt.datetime
    score: float
    reason: str  # in the viewer's language: why this ticket is named
    same_requester: bool = False

    @property
    def percent(self) -> int:
        return round(self.score * 100)


@dataclass(frozen=True)
class Probe:
    """A request being recorded, not yet a ticket: who asks (if known) and what."""

    requester: User | None
    phone: str
    subject: str
    content: str


@dataclass(frozen=True)
class GroupHint:
    """Something a ticket is linked to (a task force): its name, its page, and a short state. ``label`` names
    what it is when it is not a task force (e.g. the petition record a ticket came from)."""

    name: str
    url: str
    state: str
    label: str = ""


DispatchProvider = Callable[[Sequence[Ticket]], dict[int, list[UnitHint]]]
RepeatProvider = Callable[[User, Sequence[Ticket]], dict[int, list[RepeatHint]]]
ProbeProvider = Callable[[User, Probe], list[RepeatHint]]
GroupProvider = Callable[[Sequence[int]], dict[int, list[GroupHint]]]
MatterSearchProvider = Callable[[], str]

_dispatch: list[DispatchProvider] = []
_repeats: list[RepeatProvider] = []
_probe: list[ProbeProvider] = []
_groups: list[GroupProvider] = []
_matter_search: list[MatterSearchProvider] = []


def provide(
    *,
    dispatch: DispatchProvider | None = None,
    repeats: RepeatProvider | None = None,
    probe: ProbeProvider | None = None,
    groups: GroupProvider | None = None,
    matter_search: MatterSearchProvider | None = None,
) -> None:
    """Register providers (each once, however often an app's ``ready`` runs)."""
    if dispatch is not None and dispatch not in _dispatch:
        _dispatch.append(dispatch)
    if repeats is not None and repeats not in _repeats:
        _repeats.append(repeats)
    if probe is not None and probe not in _probe:
        _probe.append(probe)
    if groups is not None and groups not in _groups:
        _groups.append(groups)
    if matter_search is not None and matter_search not in _matter_search:
        _matter_search.append(matter_search)


def dispatch_hints(tickets: Sequence[Ticket]) -> dict[int, list[UnitHint]]:
    out: dict[int, list[UnitHint]] = {}
    for provider in _dispatch:
        for pk, hints in provider(tickets).items():
            out.setdefault(pk, []).extend(hints)
    return out


def repeat_hints(viewer: User, tickets: Sequence[Ticket]) -> dict[int, list[RepeatHint]]:
    out: dict[int, list[RepeatHint]] = {}
    for provider in _repeats:
        for pk, hints in provider(viewer, tickets).items():
            out.setdefault(pk, []).extend(hints)
    return out


def probe_hints(viewer: User, probe: Probe) -> list[RepeatHint] | None:
    """None when no provider is registered (the page falls back to the tickets app's own candidates)."""
    if not _probe:
        return None
    return [hint for provider in _probe for hint in provider(viewer, probe)]


def group_hints(ticket_ids: Sequence[int]) -> dict[int, list[GroupHint]]:
    out: dict[int, list[GroupHint]] = {}
    for provider in _groups:
        for pk, hints in provider(ticket_ids).items():
            out.setdefault(pk, []).extend(hints)
    return out


def matter_search_template() -> str:
    """The template to include above a dispatch form ('' when no app provides a matter search)."""
    return _matter_search[0]() if _matter_search else ""
