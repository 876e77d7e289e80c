"""``catalogue_seed``: the demo's first catalogue from the units' remits (``seed.py``), one version, idempotent."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from jiesu.catalogue import seed
from jiesu.catalogue.models import ChangeAction, Matter
from jiesu.catalogue.services import Change, commit_version, index
from jiesu.org.models import Unit, UnitKind, User


def _remit_items(remit: str) -> list[str]:
    return [item.strip() for item in remit.replace("，", "、").split("、") if item.strip()]


@transaction.atomic
def catalogue_seed(*, actor: User | None = None) -> int:
    """Build the catalogue from ``Unit.remit`` when it is empty (returns the matters made; 0: already there)."""
    if Matter.objects.exists():
        return 0
    units = {u.code: u for u in Unit.objects.filter(is_active=True).order_by("sort_order", "id")}
    colleges = [u.code for u in units.values() if u.kind == UnitKind.COLLEGE]
    made: list[tuple[Matter, list[Unit]]] = []
    order = 0
    for number, (_code, name, unit_codes) in enumerate(seed.CATEGORIES, start=1):
        order += 10
        # Numeric codes, as Beijing's catalogue numbers its matters: the category's two digits, then the matter's.
        category = Matter(code=f"{number:02d}", name=name, sort_order=order)
        index(category)
        category.save()
        made.append((category, []))
        names: set[str] = set()
        serial = 0
        for unit_code in unit_codes or colleges:
            unit = units.get(unit_code)
            if unit is None:
                continue
            items = _remit_items(unit.remit)
            if unit.kind == UnitKind.COLLEGE:
                items = [f"{unit.name}{item.removeprefix('本院')}" for item in items]
            for item in items:
                if item in names:  # two units of one area name the same item (慰问): say whose
                    item = f"{item}（{unit.name}）"
                names.add(item)
                order += 10
                serial += 1
                matter = Matter(
                    code=f"{number:02d}{serial:02d}",
                    name=item[:64],
                    parent=category,
                    unit=unit,
                    keywords=seed.KEYWORDS.get(item.split("（")[0], ""),
                    sort_order=order,
                )
                index(matter)
                matter.save()
                helpers = [units[c] for c in seed.COHANDLERS.get(item, []) if c in units and c != unit.code]
                made.append((matter, helpers))
    for matter, helpers in made:
        if helpers:
            matter.cohandlers.set(helpers)
    changes: list[Change] = [(m, ChangeAction.ADD, None) for m, _h in made]
    commit_version(actor=actor, summary=_("Catalogue made from the units' remits"), changes=changes)
    return len(made)
