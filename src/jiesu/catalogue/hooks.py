"""Where the catalogue meets the tickets app: the matter search shown above every dispatch form (R2.7)."""

from __future__ import annotations

from jiesu.tickets.hints import provide


def matter_search_template() -> str:
    return "catalogue/_matter_search.html"


def connect() -> None:
    provide(matter_search=matter_search_template)
