"""Reads of the catalogue: the tree (now or as an earlier version stood), its versions, and the matter search."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from jiesu.catalogue import text
from jiesu.catalogue.models import CatalogueVersion, Matter, MatterChange
from jiesu.org.models import Unit

SEARCH_LIMIT = 8


def matters() -> QuerySet[Matter]:
    """Every matter, retired ones too, with what a page or a snapshot shows of it (fixed number of queries)."""
    return Matter.objects.select_related("unit", "parent").prefetch_related(
        Prefetch("cohandlers", queryset=Unit.objects.order_by("sort_order", "id"))
    )


def in_tree_order(rows: Iterable[Matter]) -> list[tuple[Matter, int]]:
    """(matter, depth) with each parent before its children, siblings by their order."""
    by_parent: dict[int | None, list[Matter]] = {}
    for m in sorted(rows, key=lambda m: (m.sort_order, m.pk)):
        by_parent.setdefault(m.parent_id, []).append(m)
    out: list[tuple[Matter, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for m in by_parent.get(parent, []):
            out.append((m, depth))
            walk(m.pk, depth + 1)

    walk(None, 0)
    return out


def state(matter: Matter) -> dict[str, Any]:
    """A matter as history and snapshots record it: codes and names, never database ids."""
    return {
        "code": matter.code,
        "name": matter.name,
        "parent": matter.parent.code if matter.parent else "",
        "unit": matter.unit.name if matter.unit else "",
        "cohandlers": [u.name for u in matter.cohandlers.all()],
        "keywords": matter.keywords,
        "active": matter.is_active,
    }


def snapshot() -> list[dict[str, Any]]:
    """The whole catalogue as it stands, in tree order, with each row's depth."""
    return [{**state(m), "depth": depth} for m, depth in in_tree_order(matters())]


def paths(rows: Sequence[Matter]) -> dict[int, str]:
    """Each matter's path from the root (名称 › 名称), from rows that include its ancestors."""
    by_id = {m.pk: m for m in rows}
    out: dict[int, str] = {}
    for m in rows:
        names: list[str] = []
        seen: set[int] = set()
        node: Matter | None = m
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            names.append(node.name)
            node = by_id.get(node.parent_id) if node.parent_id else None
        out[m.pk] = " › ".join(reversed(names))
    return out


def current_number() -> int:
    latest = CatalogueVersion.objects.order_by("-number").values_list("number", flat=True).first()
    return latest or 0


def versions() -> QuerySet[CatalogueVersion]:
    return CatalogueVersion.objects.select_related("actor").defer("snapshot")


def version(number: int) -> CatalogueVersion | None:
    return CatalogueVersion.objects.select_related("actor").filter(number=number).first()


def changes_of(version_numbers: Sequence[int]) -> dict[int, list[MatterChange]]:
    out: dict[int, list[MatterChange]] = {}
    for change in MatterChange.objects.filter(version__number__in=version_numbers).select_related(
        "version", "matter"
    ):
        out.setdefault(change.version.number, []).append(change)
    return out


def history_of(matter: Matter) -> QuerySet[MatterChange]:
    return (
        MatterChange.objects.filter(matter=matter)
        .select_related("version__actor")
        .order_by("-version__number")
    )


def leaves(rows: Sequence[Matter] | None = None) -> list[Matter]:
    """The matters one dispatches: in use, with a responsible unit and no matter in use under them (Open311's
    services), in tree order. ``rows``: the whole catalogue (``matters()``) when the caller has read it already."""
    rows = list(matters()) if rows is None else rows
    active_parents = {m.parent_id for m in rows if m.is_active and m.parent_id}
    return [m for m, _d in in_tree_order(rows) if m.is_active and m.unit_id and m.pk not in active_parents]


@dataclass(frozen=True)
class MatterHit:
    matter_id: int
    code: str
    name: str
    path: str
    unit_id: int
    unit: str
    cohandler_ids: list[int] = field(default_factory=list)
    cohandlers: list[str] = field(default_factory=list)
    score: float = 0.0


def search(query: str, *, limit: int = SEARCH_LIMIT) -> list[MatterHit]:
    """R2.7: the matters in use that answer a query, best first, each with the unit it proposes.

    Segmented with rjieba (name, keywords and path), with character pairs for partial words; the catalogue is a
    few hundred rows, so it is scored here rather than with a database pattern match."""
    query = query.strip()[:100]
    if not query:
        return []
    q_words, q_pairs = text.words(query), text.bigrams(query)
    rows = [m for m in matters() if m.is_active]
    path = paths(rows)
    scored = []
    for m in rows:
        if m.unit is None or not m.unit.is_active:
            continue
        value = text.score(q_words, q_pairs, name=m.name, search_text=m.search_text)
        if value > 0:
            scored.append((value, -len(path[m.pk]), m))
    scored.sort(key=lambda row: (row[0], row[1]), reverse=True)
    return [
        MatterHit(
            matter_id=m.pk,
            code=m.code,
            name=m.name,
            path=path[m.pk],
            unit_id=m.unit.pk,
            unit=m.unit.name,
            cohandler_ids=[u.pk for u in m.cohandlers.all() if u.is_active],
            cohandlers=[u.name for u in m.cohandlers.all() if u.is_active],
            score=value,
        )
        for value, _length, m in scored[:limit]
        if m.unit is not None
    ]
