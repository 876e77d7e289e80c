"""The demo app sits on top: no other app imports it, so a real installation carries no demo code path."""

from __future__ import annotations

import re
from pathlib import Path

import jiesu

IMPORTS_DEMO = re.compile(
    r"^\s*(from\s+jiesu\.demo\b|import\s+jiesu\.demo\b|from\s+jiesu\s+import\s+demo\b)", re.M
)


def test_no_app_but_the_demo_imports_it() -> None:
    """Only modules under jiesu/demo/ import jiesu.demo (tests and benchmarks may)."""
    root = Path(jiesu.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "demo" not in path.relative_to(root).parts[:1]
        and IMPORTS_DEMO.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    assert (root / "demo" / "apps.py").exists()
