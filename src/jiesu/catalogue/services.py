"""Writes of the catalogue (R2.7). Every edit is one new catalogue version, written in the edit's transaction
with one change row per matter it touched (before → after) and the catalogue as it stood afterwards."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.catalogue import selectors, text
from jiesu.catalogue.models import CatalogueVersion, ChangeAction, Matter, MatterChange
from jiesu.org.models import Unit, User
from jiesu.textcheck import control_character

NAME_MAX = 64
KEYWORDS_MAX = 500
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


class CatalogueError(ValueError):
    """A refused catalogue change: the message says why, in the person's language; nothing was written."""


Change = tuple[Matter, str, dict[str, Any] | None]  # matter, action, its state before


def lock_catalogue() -> None:
    """Serialize catalogue writers (PostgreSQL: the newest version's row; SQLite's writers are serialized)."""
    list(CatalogueVersion.objects.select_for_update().order_by("-number").values_list("pk", flat=True)[:1])


def commit_version(*, actor: User | None, summary: str, changes: Sequence[Change]) -> CatalogueVersion:
    """Write the new version, its snapshot and its change rows (the audit log) in the caller's transaction."""
    version = CatalogueVersion.objects.create(
        number=selectors.current_number() + 1,
        created_at=timezone.now(),
        actor=actor,
        summary=summary[:200],
        snapshot=selectors.snapshot(),
    )
    after = {m.pk: selectors.state(m) for m in selectors.matters().filter(pk__in=[c[0].pk for c in changes])}
    MatterChange.objects.bulk_create(
        MatterChange(version=version, matter=m, action=action, before=before, after=after[m.pk])
        for m, action, before in changes
    )
    return version


def clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise CatalogueError(_("Give the matter a name."))
    if len(name) > NAME_MAX:
        raise CatalogueError(_("A matter's name has at most %(max)d characters.") % {"max": NAME_MAX})
    if control_character(name, multiline=False) is not None or "<" in name or ">" in name:
        raise CatalogueError(_("A matter's name may not contain control characters or angle brackets."))
    return name


def clean_keywords(keywords: str) -> str:
    keywords = " ".join(keywords.split())
    if len(keywords) > KEYWORDS_MAX:
        raise CatalogueError(_("Keywords have at most %(max)d characters.") % {"max": KEYWORDS_MAX})
    if control_character(keywords, multiline=False) is not None or "<" in keywords or ">" in keywords:
        raise CatalogueError(_("Keywords may not contain control characters or angle brackets."))
    return keywords


def check_units(unit: Unit | None, cohandlers: Sequence[Unit]) -> None:
    if unit is not None and not unit.is_active:
        raise CatalogueError(_("%(unit)s is no longer in use; choose another unit.") % {"unit": unit.name})
    for other in cohandlers:
        if not other.is_active:
            raise CatalogueError(
                _("%(unit)s is no longer in use; choose another unit.") % {"unit": other.name}
            )
        if unit is not None and other.pk == unit.pk:
            raise CatalogueError(_("The responsible unit cannot also be a co-handling unit."))


def check_place(*, matter: Matter | None, name: str, parent: Matter | None) -> None:
    """The parent is in use and not the matter itself or under it; no sibling in use has the same name."""
    if parent is not None:
        if not parent.is_active:
            raise CatalogueError(_("%(name)s is retired; restore it first.") % {"name": parent.name})
        node: Matter | None = parent
        while node is not None and matter is not None:
            if node.pk == matter.pk:
                raise CatalogueError(
                    _("A matter cannot be moved under itself or under one of its own matters.")
                )
            node = node.parent
    siblings = Matter.objects.filter(parent=parent, name=name, is_active=True)
    if matter is not None:
        siblings = siblings.exclude(pk=matter.pk)
    if siblings.exists():
        raise CatalogueError(_("There is already a matter named %(name)s at that place.") % {"name": name})


def index(matter: Matter) -> None:
    parent = matter.parent.name if matter.parent else ""
    matter.search_text = text.index_text(matter.name, matter.keywords, parent)


def new_code() -> str:
    """A free numeric code for a matter added without one (the seed's codes have four digits)."""
    number = Matter.objects.count() + 1
    while Matter.objects.filter(code=f"9{number:04d}").exists():
        number += 1
    return f"9{number:04d}"


@transaction.atomic
def matter_add(
    *,
    actor: User | None,
    name: str,
    unit: Unit | None,
    parent: Matter | None = None,
    cohandlers: Sequence[Unit] = (),
    keywords: str = "",
    code: str = "",
) -> Matter:
    """Add a matter (or a category, without a unit) under ``parent``; a new catalogue version."""
    lock_catalogue()
    name, keywords = clean_name(name), clean_keywords(keywords)
    check_units(unit, cohandlers)
    check_place(matter=None, name=name, parent=parent)
    if code and (not CODE.fullmatch(code) or Matter.objects.filter(code=code).exists()):
        raise CatalogueError(_("The code %(code)s is taken or not valid.") % {"code": code})
    matter = Matter(
        code=code or new_code(),
        name=name,
        parent=parent,
        unit=unit,
        keywords=keywords,
        sort_order=_next_order(),
    )
    index(matter)
    matter.save()
    matter.cohandlers.set(cohandlers)
    commit_version(
        actor=actor, summary=_("Added %(name)s") % {"name": name}, changes=[(matter, ChangeAction.ADD, None)]
    )
    return matter


def _next_order() -> int:
    last = Matter.objects.order_by("-sort_order").values_list("sort_order", flat=True).first()
    return (last or 0) + 10


def action_for(before: dict[str, Any], after: dict[str, Any]) -> str | None:
    """The change's name from what moved: retire / restore, rename, move, a new unit, or an edit of several."""
    changed = {k for k in after if k != "depth" and before.get(k) != after.get(k)}
    if not changed:
        return None
    if "active" in changed:
        return ChangeAction.RESTORE if after["active"] else ChangeAction.RETIRE
    if changed == {"name"}:
        return ChangeAction.RENAME
    if changed == {"parent"}:
        return ChangeAction.MOVE
    if changed <= {"unit", "cohandlers"}:
        return ChangeAction.REASSIGN
    return ChangeAction.EDIT


@transaction.atomic
def matter_edit(
    *,
    actor: User | None,
    matter: Matter,
    name: str,
    parent: Matter | None,
    unit: Unit | None,
    cohandlers: Sequence[Unit],
    keywords: str,
) -> CatalogueVersion:
    """Rename, move, change the unit or co-handlers or the keywords of a matter in use; a new version."""
    lock_catalogue()
    matter = selectors.matters().select_for_update(of=("self",)).get(pk=matter.pk)
    if not matter.is_active:
        raise CatalogueError(_("%(name)s is retired; restore it first.") % {"name": matter.name})
    before = selectors.state(matter)
    name, keywords = clean_name(name), clean_keywords(keywords)
    check_units(unit, cohandlers)
    check_place(matter=matter, name=name, parent=parent)
    matter.name, matter.parent, matter.unit, matter.keywords = name, parent, unit, keywords
    index(matter)
    matter.save()
    matter.cohandlers.set(cohandlers)
    action = action_for(before, selectors.state(selectors.matters().get(pk=matter.pk)))
    if action is None:
        raise CatalogueError(_("Nothing was changed."))
    labels = dict(ChangeAction.choices)
    return commit_version(
        actor=actor,
        summary=f"{labels[action]}：{before['name']}",
        changes=[(matter, action, before)],
    )


@transaction.atomic
def matter_retire(*, actor: User | None, matter: Matter) -> CatalogueVersion:
    """Retire a matter and every matter in use under it (kept for history; no longer offered); a new version."""
    lock_catalogue()
    rows = list(selectors.matters())
    by_parent: dict[int | None, list[Matter]] = {}
    for m in rows:
        by_parent.setdefault(m.parent_id, []).append(m)
    target = next((m for m in rows if m.pk == matter.pk), None)
    if target is None or not target.is_active:
        raise CatalogueError(_("This matter is already retired."))
    subtree, stack = [], [target]
    while stack:
        node = stack.pop()
        if node.is_active:
            subtree.append(node)
            stack.extend(by_parent.get(node.pk, []))
    changes: list[Change] = [(m, ChangeAction.RETIRE, selectors.state(m)) for m in subtree]
    Matter.objects.filter(pk__in=[m.pk for m in subtree]).update(is_active=False)
    return commit_version(actor=actor, summary=_("Retired %(name)s") % {"name": target.name}, changes=changes)


@transaction.atomic
def matter_restore(*, actor: User | None, matter: Matter) -> CatalogueVersion:
    """Put a retired matter back in use (its parent must be in use); a new version."""
    lock_catalogue()
    matter = selectors.matters().select_for_update(of=("self",)).get(pk=matter.pk)
    if matter.is_active:
        raise CatalogueError(_("This matter is in use."))
    before = selectors.state(matter)
    check_place(matter=matter, name=matter.name, parent=matter.parent)
    if matter.unit is not None:
        check_units(matter.unit, [])
    Matter.objects.filter(pk=matter.pk).update(is_active=True)
    return commit_version(
        actor=actor,
        summary=_("Restored %(name)s") % {"name": matter.name},
        changes=[(matter, ChangeAction.RESTORE, before)],
    )
