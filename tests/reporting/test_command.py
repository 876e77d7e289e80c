"""`jiesu report weekly --week 2026-W48 --out FILE.docx [--json]` writes the draft; bad input is a JSON error
on stderr with exit status 2."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from docx import Document

from jiesu.reporting.management.commands.report import Command
from tests.reporting.conftest import AS_OF, WEEK

pytestmark = pytest.mark.django_db


def test_writes_the_draft_and_prints_the_figures(known_week, tmp_path: Path) -> None:
    out, target = io.StringIO(), tmp_path / "w48.docx"
    with time_machine.travel(AS_OF, tick=False):
        call_command("report", "weekly", "--week", WEEK, "--out", str(target), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["week"] == WEEK and data["received"] == 5
    assert sum(data["by_channel"].values()) == sum(data["by_type"].values()) == 5
    assert {u["unit"]: u["received"] for u in data["units"]}["后勤管理处"] == 3
    assert data["overdue"] == 1 and data["meeting"] == 1
    doc = Document(str(target))
    assert doc.tables[0].rows[-1].cells[1].text == "5"


@pytest.mark.parametrize(
    ("args", "field"),
    [(["--week", "2026-48"], "week"), (["--week", WEEK, "--out", "/nonexistent/x.docx"], "out")],
)
def test_bad_input_is_a_json_error_with_status_2(demo_org, capsys, args, field) -> None:
    if "--out" not in args:
        args = [*args, "--out", "x.docx"]
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["jiesu", "report", "weekly", *args])
    assert exited.value.code == 2
    error = json.loads(capsys.readouterr().err)["error"]
    assert error["code"] == "bad_arguments" and error["field"] == field
