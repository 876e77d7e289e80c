"""The dispatch catalogue (R2.7): seeded from the units' remits, edited by the Office, every edit a new version
with who changed what when, and an earlier version shown as it stood."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.core.management import call_command

from jiesu.catalogue import selectors, services
from jiesu.catalogue.models import CatalogueVersion, ChangeAction, Matter, MatterChange
from jiesu.catalogue.seeding import catalogue_seed
from jiesu.org.models import Unit
from tests.support import at, unit, user


def matter(name: str) -> Matter:
    return selectors.matters().get(name=name, is_active=True)


def counts() -> tuple[int, int, int]:
    return Matter.objects.count(), CatalogueVersion.objects.count(), MatterChange.objects.count()


def edit(m: Matter, **changes: object) -> CatalogueVersion:
    fields = {
        "name": m.name,
        "parent": m.parent,
        "unit": m.unit,
        "cohandlers": list(m.cohandlers.all()),
        "keywords": m.keywords,
        **changes,
    }
    return services.matter_edit(actor=user("dispatcher"), matter=m, **fields)  # type: ignore[arg-type]


def test_seeding_makes_at_least_80_matters_from_the_remits_once(demo_org: None) -> None:
    made = catalogue_seed()
    assert made >= 80
    assert len(selectors.leaves()) >= 80
    assert matter("供暖").unit == unit("logistics")
    assert matter("奖助学金").cohandlers.get() == unit("finance")
    assert catalogue_seed() == 0
    assert CatalogueVersion.objects.get().number == 1
    assert MatterChange.objects.filter(action=ChangeAction.ADD).count() == made


def test_each_edit_is_a_new_version_with_who_what_and_when(catalogue: None) -> None:
    dispatcher = user("dispatcher")
    heating = matter("供暖")
    with time_machine.travel(at(2026, 11, 2, 9, 30), tick=False):
        v2 = edit(heating, name="供暖与暖气")
    with time_machine.travel(at(2026, 11, 3, 10, 0), tick=False):
        v3 = edit(matter("供暖与暖气"), unit=unit("assets"), cohandlers=[unit("logistics")])
    v4 = edit(matter("供暖与暖气"), parent=matter("财务"))
    v5 = services.matter_retire(actor=dispatcher, matter=matter("供暖与暖气"))
    assert [v.number for v in (v2, v3, v4, v5)] == [2, 3, 4, 5]
    actions = list(MatterChange.objects.filter(matter=heating).values_list("action", flat=True))
    assert actions == ["add", "rename", "reassign", "move", "retire"]
    change = v3.changes.get()
    assert (change.before["unit"], change.after["unit"]) == ("后勤管理处", "资产管理处")
    assert change.after["cohandlers"] == ["后勤管理处"]
    assert v2.actor == dispatcher and v2.created_at == at(2026, 11, 2, 9, 30)
    # The earlier versions still show the catalogue as it stood then.
    as_of = {v.number: {r["code"]: r for r in v.snapshot} for v in CatalogueVersion.objects.all()}
    assert as_of[1][heating.code]["name"] == "供暖" and as_of[1][heating.code]["unit"] == "后勤管理处"
    assert as_of[3][heating.code]["unit"] == "资产管理处"
    assert as_of[4][heating.code]["parent"] == "06"
    assert as_of[5][heating.code]["active"] is False
    assert heating.code not in {m.code for m in selectors.leaves()}
    services.matter_restore(actor=dispatcher, matter=heating)
    assert heating.code in {m.code for m in selectors.leaves()}


def test_adding_a_matter_indexes_it_for_search(catalogue: None) -> None:
    services.matter_add(
        actor=user("dispatcher"),
        name="快递收发",
        parent=matter("后勤与校园"),
        unit=unit("logistics"),
        cohandlers=[unit("security")],
        keywords="快递 包裹 驿站 取件",
    )
    hit = selectors.search("我的包裹在驿站丢了")[0]
    assert (hit.name, hit.unit, hit.cohandlers) == ("快递收发", "后勤管理处", ["保卫处"])


def test_retiring_a_category_retires_its_matters(catalogue: None) -> None:
    n = matter("财务").children.filter(is_active=True).count()
    version = services.matter_retire(actor=user("dispatcher"), matter=matter("财务"))
    assert version.changes.count() == n + 1
    assert not Matter.objects.filter(parent__code="06", is_active=True).exists()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("under_itself", "不能移到它自己"),
        ("same_name", "该位置已有名为"),
        ("empty_name", "请填写事项名称"),
        ("nul", "控制字符"),
        ("html", "尖括号"),
        ("unit_twice", "不能同时作为协办单位"),
        ("retired_unit", "已停用"),
        ("nothing", "没有任何修改"),
    ],
)
def test_a_bad_edit_is_refused_and_writes_nothing(catalogue: None, case: str, message: str) -> None:
    area = matter("后勤与校园")
    heating = matter("供暖")
    if case == "retired_unit":
        Unit.objects.filter(code="assets").update(is_active=False)
    changes: dict[str, object] = {
        "under_itself": {"matter": area, "parent": heating},
        "same_name": {"name": "食堂"},
        "empty_name": {"name": "   "},
        "nul": {"name": "供暖\x00"},
        "html": {"name": "<b>供暖</b>"},
        "unit_twice": {"cohandlers": [unit("logistics")]},
        "retired_unit": {"unit": Unit.objects.get(code="assets")},
        "nothing": {},
    }[case]  # type: ignore[assignment]
    target = changes.pop("matter", heating)  # type: ignore[arg-type]
    before = counts()
    with pytest.raises(services.CatalogueError, match=message):
        edit(target, **changes)  # type: ignore[arg-type]
    assert counts() == before
    assert matter("供暖").unit == unit("logistics")


def test_jiesu_demo_org_seeds_the_catalogue_once(demo_org: None) -> None:
    """`make demo` runs `jiesu demo-org` twice: the catalogue is seeded by the first run only."""
    call_command("demo-org", stdout=io.StringIO())
    call_command("demo-org", stdout=io.StringIO())
    assert Matter.objects.filter(is_active=True).count() >= 80
    assert CatalogueVersion.objects.count() == 1
