"""Excel import of the catalogue (R2.7): a preview that names every row's change or its errors, and an import
that writes all of it as one new version, or nothing at all when any row is wrong.

Rows are keyed by 编码: a known code changes that matter (rename, move, new unit, retire, restore …), a new or
empty code adds one. A parent is named by its code and must already be in the catalogue or on an earlier row.
Matters the sheet does not name stay as they are."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jiesu.catalogue import excel, selectors
from jiesu.catalogue.models import CatalogueVersion, ChangeAction, Matter
from jiesu.catalogue.services import (
    CODE,
    CatalogueError,
    Change,
    action_for,
    clean_keywords,
    clean_name,
    commit_version,
    index,
    lock_catalogue,
    new_code,
)
from jiesu.org.models import Unit, User

ADD, SAME = "add", "same"


@dataclass
class PlannedRow:
    row: excel.Row
    action: str = ""  # ADD, SAME or a ChangeAction; empty when the row has errors
    errors: list[str] = field(default_factory=list)
    after: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        if self.errors:
            return _("Error")
        if self.action == SAME:
            return _("No change")
        return str(dict(ChangeAction.choices).get(self.action, self.action))


@dataclass
class Plan:
    rows: list[PlannedRow]
    problems: list[str]
    based_on: int

    @property
    def errors(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def changes(self) -> int:
        return sum(1 for r in self.rows if not r.errors and r.action != SAME)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.errors


def _check_row(row: excel.Row, units: dict[str, Unit], known: set[str], seen: dict[str, int]) -> list[str]:
    errors = []
    for clean, value in ((clean_name, row.name), (clean_keywords, row.keywords)):
        try:
            clean(value)
        except CatalogueError as exc:
            errors.append(str(exc))
    if row.code and not CODE.fullmatch(row.code):
        errors.append(_("The code %(code)s is taken or not valid.") % {"code": row.code})
    if row.code in seen:
        errors.append(
            _("The code %(code)s is also on row %(line)d.") % {"code": row.code, "line": seen[row.code]}
        )
    if row.status not in (excel.ACTIVE, excel.RETIRED):
        errors.append(_("Status must be 在用 or 停用, not %(value)s.") % {"value": row.status[:20]})
    errors.extend(
        _("There is no unit in use named %(unit)s.") % {"unit": name[:64]}
        for name in [row.unit, *row.cohandlers]
        if name and name not in units
    )
    if row.unit and row.unit in row.cohandlers:
        errors.append(_("The responsible unit cannot also be a co-handling unit."))
    if row.parent and (row.parent == row.code or row.parent not in known):
        errors.append(
            _("Parent code %(code)s is not in the catalogue or on an earlier row.")
            % {"code": row.parent[:64]}
        )
    return errors


def _check_tree(planned: list[PlannedRow], final: dict[str, dict[str, Any]]) -> None:
    """Whole-tree checks on the catalogue as the import would leave it: no circle, no two siblings in use with
    one name, nothing in use under a retired matter. Each error goes to a row of the sheet."""
    line_of = {p.row.code: p for p in planned if p.row.code and not p.errors}
    for p in planned:
        if p.errors or not p.row.code:
            continue
        node, seen = final[p.row.code]["parent"], set()
        while (
            node and node not in seen
        ):  # a circle elsewhere above stops the walk; it is reported on its rows
            if node == p.row.code:
                p.errors.append(_("A matter cannot be moved under itself or under one of its own matters."))
                break
            seen.add(node)
            node = final.get(node, {}).get("parent", "")
    names = Counter((v["parent"], v["name"]) for v in final.values() if v["active"])
    for p in planned:
        if not p.errors and p.after.get("active") and names[(p.row.parent, p.after["name"])] > 1:
            p.errors.append(
                _("There is already a matter named %(name)s at that place.") % {"name": p.after["name"]}
            )
    for code, v in final.items():
        parent = final.get(v["parent"]) if v["parent"] else None
        if v["active"] and parent is not None and not parent["active"]:
            target = line_of.get(code) or line_of.get(v["parent"])
            if target is not None and not target.errors:
                target.errors.append(_("A matter in use cannot stay under a retired one."))


def plan_import(sheet: excel.Sheet) -> Plan:
    """What importing ``sheet`` would do, row by row (a read: nothing is written)."""
    plan = Plan(rows=[], problems=list(sheet.problems), based_on=selectors.current_number())
    existing = {m.code: m for m in selectors.matters()}
    units = {u.name: u for u in Unit.objects.filter(is_active=True)}
    final = {
        code: {"parent": m.parent.code if m.parent else "", "name": m.name, "active": m.is_active}
        for code, m in existing.items()
    }
    seen: dict[str, int] = {}
    for number, row in enumerate(sheet.rows):
        p = PlannedRow(row=row, errors=_check_row(row, units, set(final), seen))
        if row.code:
            seen.setdefault(row.code, row.line)
        plan.rows.append(p)
        if p.errors:
            continue
        p.after = {
            "code": row.code,
            "name": clean_name(row.name),
            "parent": row.parent,
            "unit": row.unit,
            "cohandlers": row.cohandlers,
            "keywords": clean_keywords(row.keywords),
            "active": row.status == excel.ACTIVE,
        }
        final[row.code or f"#{number}"] = {k: p.after[k] for k in ("parent", "name", "active")}
        if row.code in existing:
            p.action = action_for(selectors.state(existing[row.code]), p.after) or SAME
        else:
            p.action = ADD
    _check_tree(plan.rows, final)
    return plan


@transaction.atomic
def catalogue_import(
    *, actor: User | None, sheet: excel.Sheet, based_on: int, filename: str
) -> CatalogueVersion:
    """Apply a previewed sheet as one new version; refused whole when a row is wrong or the catalogue changed
    since the preview."""
    lock_catalogue()
    plan = plan_import(sheet)
    if plan.based_on != based_on:
        raise CatalogueError(_("The catalogue was changed since the preview; upload the file again."))
    if not plan.ok:
        raise CatalogueError(_("The sheet has errors; nothing was imported."))
    if not plan.changes:
        raise CatalogueError(_("The sheet changes nothing in the catalogue."))
    by_code = {m.code: m for m in selectors.matters()}
    units = {u.name: u for u in Unit.objects.filter(is_active=True)}
    last = Matter.objects.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0
    changes: list[Change] = []
    for p in plan.rows:
        if p.action == SAME:
            continue
        a = p.after
        matter = by_code.get(a["code"]) if a["code"] else None
        before = selectors.state(matter) if matter is not None else None
        if matter is None:
            last += 10
            matter = Matter(code=a["code"] or new_code(), sort_order=last)
        matter.name, matter.keywords, matter.is_active = a["name"], a["keywords"], a["active"]
        matter.parent = by_code[a["parent"]] if a["parent"] else None
        matter.unit = units[a["unit"]] if a["unit"] else None
        index(matter)
        matter.save()
        matter.cohandlers.set([units[name] for name in a["cohandlers"]])
        by_code[matter.code] = matter
        changes.append((matter, ChangeAction.ADD if before is None else p.action, before))
    summary = _("Imported %(file)s: %(n)d change(s)") % {"file": filename[:80], "n": len(changes)}
    return commit_version(actor=actor, summary=summary, changes=changes)
