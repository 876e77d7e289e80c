"""`jiesu assess` (R8.6): the ranking as JSON; bad input is a JSON error on stderr with exit status 2."""

from __future__ import annotations

import io
import json

import pytest
import time_machine
from django.core.management import call_command

from jiesu.supervision.management.commands.assess import Command
from tests.supervision.conftest import AS_OF, FROM, TO

pytestmark = pytest.mark.django_db


def test_json_lists_every_unit_with_its_rates_score_and_rank(known_period) -> None:
    """The keys the Office's scripts read, ranked; rates are fractions or null."""
    out = io.StringIO()
    with time_machine.travel(AS_OF, tick=False):
        call_command("assess", "--from", FROM, "--to", TO, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert [(d["unit"], d["rank"], d["score"]) for d in data] == [
        ("网络信息中心", 1, 100.0),
        ("后勤管理处", 2, 55.0),
        ("图书馆", None, None),
    ]
    assert set(data[1]) == {
        "unit",
        "received",
        "response_rate",
        "ontime_rate",
        "resolution_rate",
        "satisfaction_rate",
        "score",
        "rank",
    }
    assert data[1]["ontime_rate"] == 0.7778 and data[2]["response_rate"] is None


def test_text_output_without_json(known_period) -> None:
    out = io.StringIO()
    with time_machine.travel(AS_OF, tick=False):
        call_command("assess", "--from", FROM, "--to", TO, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split()[:2] == ["1", "网络信息中心"]
    assert "score=55.0" in lines[1]


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["--from", "2026-13-01", "--to", "2026-12-31"], "from"),
        (["--from", "2026-12-31", "--to", "2026-09-01"], "to"),
        (["--from", "2000-01-01", "--to", "2026-12-31"], "from"),
        (["--from", "2026-09-01"], None),
    ],
)
def test_bad_input_is_a_json_error_with_exit_status_2(demo_org, capsys, monkeypatch, argv, field) -> None:
    """A wrong date, a reversed or too long period, a missing argument: JSON on stderr, nothing on stdout."""
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["jiesu", "assess", "--json", *argv])
    assert exited.value.code == 2
    captured = capsys.readouterr()
    error = json.loads(captured.err)["error"]
    assert error["code"] == "bad_arguments"
    assert error["message"]
    if field:
        assert error["field"] == field
    if field == "to":
        assert error["message"] == "开始日期晚于结束日期。"
    assert captured.out == ""
