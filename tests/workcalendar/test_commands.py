"""The `jiesu deadline` and `jiesu calendar` commands: JSON shape, exit codes, bad input."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from jiesu.cli import CliError
from jiesu.org.models import User
from jiesu.workcalendar import services
from jiesu.workcalendar.models import CalendarOverride

JIESU = str(Path(sys.executable).with_name("jiesu"))


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated throw-away SQLite database for real subprocess runs."""
    db = tmp_path_factory.mktemp("cli") / "cli.sqlite3"
    environ = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "jiesu.settings"}
    subprocess.run([JIESU, "migrate", "-v0"], env=environ, check=True, timeout=120)
    return environ


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([JIESU, *args], env=env, capture_output=True, text=True, timeout=60)


def test_deadline_prints_one_json_object(env: dict[str, str]) -> None:
    """R4.2 via the CLI: Fri 2026-02-13 → the make-up Saturday Feb 14 is the working day; --at is Shanghai."""
    result = run(env, "deadline", "--clock", "reply", "--at", "2026-02-13T16:30", "--level", "direct")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "due": "2026-02-15T00:00:00+08:00",
        "provisional": False,
        "rule": "R4.2 直接办理：受理后1个工作日内正式回复（受理当日不计）",
    }


def test_deadline_with_offset_and_fallback_year(env: dict[str, str]) -> None:
    """R4.1 with an explicit offset; R5.3 provisional for 2027."""
    result = run(env, "deadline", "--clock", "response", "--at", "2026-03-10T14:00:00Z")
    assert json.loads(result.stdout)["due"] == "2026-03-11T10:00:00+08:00"
    result = run(env, "deadline", "--clock", "cohandling", "--at", "2027-02-04T10:00+08:00")
    assert json.loads(result.stdout)["provisional"] is True


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--clock", "reply", "--at", "2026-02-13T16:30"], "missing_level"),
        (["--clock", "nope", "--at", "2026-02-13T16:30"], "bad_arguments"),
        (["--clock", "reply", "--at", "yesterday", "--level", "direct"], "bad_at"),
        (["--clock", "reply", "--at", "2026-02-13", "--level", "boss"], "bad_arguments"),
        (["--clock", "dispatch", "--at", "2026-02-13", "--level", "direct"], "unexpected_level"),
        (["--clock", "followup", "--at", "2026-02-13", "--urgent"], "unexpected_urgent"),
        (["--at", "2026-02-13"], "bad_arguments"),
    ],
)
def test_deadline_bad_arguments_exit_2_with_a_json_error(
    env: dict[str, str], args: list[str], code: str
) -> None:
    result = run(env, "deadline", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    error = json.loads(result.stderr)["error"]
    assert error["code"] == code
    assert error["message"]


def test_calendar_import_and_show(env: dict[str, str], tmp_path: Path) -> None:
    """R5.2 via the CLI: import marks the year official; show reports it; a bad file exits 2 with its line."""
    before = json.loads(run(env, "calendar", "show", "2029", "--json").stdout)
    assert before["official"] is False
    assert before["source"] == "statutory"
    bad = tmp_path / "bad.csv"
    bad.write_text("date,kind,name\n2029-01-01,holiday,元旦\n2029-01-02,party,x\n", encoding="utf-8")
    result = run(env, "calendar", "import", str(bad))
    assert result.returncode == 2
    error = json.loads(result.stderr)["error"]
    assert error["code"] == "invalid_file"
    assert error["problems"][0]["line"] == 3
    assert json.loads(run(env, "calendar", "show", "2029", "--json").stdout)["official"] is False
    good = tmp_path / "2029.csv"
    good.write_text("date,kind,name\n2029-01-01,holiday,元旦\n2029-02-17,workday,春节\n", encoding="utf-8")
    result = run(env, "calendar", "import", str(good))
    assert result.returncode == 0, result.stderr
    after = json.loads(run(env, "calendar", "show", "2029", "--json").stdout)
    assert after["official"] is True
    assert after["source"] == "import"
    assert after["makeup_days"] == [{"date": "2029-02-17", "name": "春节", "source": "import"}]
    text = run(env, "calendar", "show", "2026").stdout
    assert "2026 年：官方" in text and "2026-02-14 周六  春节" in text


def test_calendar_missing_file_and_bad_year(env: dict[str, str]) -> None:
    assert run(env, "calendar", "import", "/nonexistent.csv").returncode == 2
    assert run(env, "calendar", "show", "year").returncode == 2
    assert run(env, "calendar").returncode == 2


@pytest.mark.django_db
def test_call_command_raises_cli_errors(capsys: pytest.CaptureFixture[str]) -> None:
    """In-process use: the same checks raise CliError; good input prints the JSON object."""
    call_command("deadline", "--clock", "mailbox", "--at", "2026-12-31T09:00")
    assert json.loads(capsys.readouterr().out)["due"] == "2027-01-02T00:00:00+08:00"
    with pytest.raises(CliError) as info:
        call_command("deadline", "--clock", "reply", "--at", "2026-12-31T09:00")
    assert info.value.code == "missing_level"


@pytest.mark.django_db
def test_calendar_show_lists_overrides_in_shanghai_time(
    capsys: pytest.CaptureFixture[str], alice: User
) -> None:
    """R5.2: `calendar show` prints each admin override with who set it and when, in Asia/Shanghai time
    (an override saved at 23:30 UTC reads 07:30 the next morning, never the UTC clock)."""
    override = services.override_set(date=dt.date(2027, 3, 1), working=False, note="校园停电", actor=alice)
    saved_at = dt.datetime(2026, 5, 1, 23, 30, tzinfo=dt.UTC)
    CalendarOverride.objects.filter(pk=override.pk).update(updated_at=saved_at)
    call_command("calendar", "show", "2027")
    lines = [x for x in capsys.readouterr().out.splitlines() if x.startswith("  2027-03-01")]
    line = lines[-1]  # the day is listed among the holidays too; the overrides section comes last
    assert "校园停电" in line
    assert str(alice) in line
    assert "2026-05-02 07:30" in line


def test_deadline_answers_before_the_database_is_set_up(tmp_path: Path) -> None:
    """A fresh install before `jiesu migrate`: no imports or overrides exist yet (R5.2), so the answer is the
    package data and the statutory fallback (R5.1, R5.3), the same as an untouched migrated install's."""
    environ = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "jiesu.settings",
    }
    result = run(environ, "deadline", "--clock", "reply", "--at", "2026-02-13T16:30", "--level", "direct")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["due"] == "2026-02-15T00:00:00+08:00"  # the make-up Saturday counts
    night = run(environ, "deadline", "--clock", "response", "--at", "2026-12-07T23:00")
    assert json.loads(night.stdout) == {
        "due": "2026-12-08T10:00:00+08:00",
        "provisional": False,
        # R4.0 / R4.1: the response clock runs from 受理 (the unit has the ticket), not from receipt (接诉).
        "rule": "R4.1 回应受理：夜间（22:00至次日08:00）受理的，于夜间结束当日10:00前回应",
    }


def test_deadline_on_an_unreachable_database_is_a_json_error(tmp_path: Path) -> None:
    environ = {**os.environ, "DATABASE_URL": "postgres://root@127.0.0.1:5432/jiesu_no_such_database"}
    result = run(environ, "deadline", "--clock", "reply", "--at", "2026-02-13T16:30", "--level", "direct")
    assert result.returncode == 2 and result.stdout == ""
    assert json.loads(result.stderr)["error"]["code"] == "database_unavailable"
