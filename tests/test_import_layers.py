"""Imports between the apps run one way (issue 11): org ← workcalendar ← tickets ← notify / ledger / api / web, with
demo and worker on top. An app may import only the apps below it, so no import circle can form and no domain
code reaches the queue: the worker hooks itself on (``notify.services.on_outbox_committed``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "jiesu"
BASE = {"org": 0, "workcalendar": 1, "tickets": 2}
LAYER = {
    **BASE,
    "identity": 1,  # issue 18: external sign-in; imports only org, the sign-in page (web) lists it
    "notify": 3,
    "ledger": 3,
    "insight": 3,
    "catalogue": 3,
    "knowledge": 3,
    "api": 3,
    "web": 3,
    "supervision": 3,
    "reporting": 3,
    "people": 3,
    "mailbox": 3,
    "directory": 3,
    "channels": 3,
    "referrals": 3,
    "demo": 4,
    "worker": 4,
    "backup": 4,
    "open311": 4,
}
# The site shell (web) links the other pages of its layer: the ledger's, notifications' and supervision's views.
ALSO = {
    "web": {"ledger", "notify", "supervision", "insight", "reporting", "people", "catalogue"},
    # The Office's reports reuse the assessment's grouped counts and tell people through the notify app.
    "reporting": {"supervision", "notify"},
    # Hot topics alert the Office through the notify app (R9.1).
    "insight": {"notify"},
    # The dashboards show the Office's acceptance of the dispatch suggestion (R9.5).
    "supervision": {"insight"},
    # Answers past their review date are flagged to their unit through the notify app (R2.8).
    "knowledge": {"notify"},
    # Reception-day and symposium reminders go through the notify app (R2.1, R2.4).
    "channels": {"notify"},
    # The directory sync retires a unit only as the people app would (R3.1, no request left without a unit).
    "directory": {"people"},
    # The API serves the supervision orders, inspections and assessment through supervision's services.
    "api": {"supervision"},
}
SHARED = {"cli", "settings", "urls", "wsgi", "manage"}  # project modules any app may use


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(
        tree
    ):  # module level and inside functions alike: a deferred import is still an import
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.update(n.split(".")[1] for n in names if n.startswith("jiesu.") and n.count(".") >= 1)
    return found


def _app_files() -> list[tuple[str, Path]]:
    return [
        (path.relative_to(SRC).parts[0], path)
        for path in sorted(SRC.rglob("*.py"))
        if path.relative_to(SRC).parts[0] in LAYER and "migrations" not in path.parts
    ]


def test_every_app_has_a_layer() -> None:
    apps = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "apps.py").exists()}
    assert apps <= set(LAYER), f"give {sorted(apps - set(LAYER))} a layer"


@pytest.mark.parametrize(("app", "path"), _app_files(), ids=lambda v: str(v).split("src/jiesu/")[-1])
def test_an_app_imports_only_the_apps_below_it(app: str, path: Path) -> None:
    """``app`` may import itself, the shared modules, the apps of a lower layer and what ``ALSO`` allows."""
    wrong = sorted(
        other
        for other in _imports(path) - {app} - SHARED
        if other in LAYER and LAYER[other] >= LAYER[app] and other not in ALSO.get(app, set())
    )
    assert not wrong, f"{path.relative_to(SRC)} imports {wrong}, which sit at or above {app}"
