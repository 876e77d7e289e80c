"""The requester's home (issue 15 item 9): ``/requests/mine/`` lists the person's requests and, below them, the
sections other apps register here (letters to the mailbox, reception-day bookings …), so this app never imports
them. Each section names the template that renders its items and the person's items; a section that owns a
channel (the mailbox's letters) shows those tickets itself, so nothing appears twice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from jiesu.org.models import User


@dataclass(frozen=True)
class Section:
    key: str  # stable; the page marks the section with it
    title: str | Promise
    template: str  # renders ``items`` (a list) with the page's context
    items: Callable[[User], Sequence[Any]]  # the person's items, newest first, a bounded list
    channels: frozenset[str] = frozenset()  # tickets of these channels are listed here, not in the requests
    order: int = 100


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> None:
    """Add (or replace) a section; apps call this from their ``AppConfig.ready``."""
    _SECTIONS[section.key] = section


def unregister(key: str) -> None:
    _SECTIONS.pop(key, None)


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def claimed_channels() -> frozenset[str]:
    return frozenset().union(*(s.channels for s in _SECTIONS.values()))


def build(user: User) -> list[tuple[Section, list[Any]]]:
    """Each registered section with this person's items."""
    return [(section, list(section.items(user))) for section in sections()]
