"""`jiesu ledger-export` (R8.1): the same report off the web, school-wide or per unit, audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, load_command_class
from django.utils import translation
from openpyxl import load_workbook

from jiesu.cli import CliError
from jiesu.ledger.export import headers
from jiesu.ledger.models import LedgerExport
from jiesu.tickets.models import Event
from tests.ledger.conftest import at

pytestmark = pytest.mark.django_db


def numbers_in(path: Path) -> list[str]:
    sheet = load_workbook(path, read_only=True).active
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_school_wide_with_dates(make_ticket, tmp_path: Path) -> None:
    """--from/--to are inclusive local days; contacts masked by default; the run is audited."""
    inside = make_ticket(lead="library", received_at=at(2026, 3, 5, 23, 59))
    make_ticket(received_at=at(2026, 3, 6, 0, 0))
    make_ticket(received_at=at(2026, 2, 28, 12, 0))
    out = tmp_path / "ledger.xlsx"
    call_command("ledger-export", "--out", str(out), "--from", "2026-03-01", "--to", "2026-03-05")
    assert numbers_in(out) == [inside.number]
    sheet = load_workbook(out, read_only=True).active
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    with translation.override("zh-hans"):  # the command writes in the site language
        assert list(header) == headers()
    row = next(sheet.iter_rows(min_row=2, values_only=True))
    assert row[16] == "138****5678"
    record = LedgerExport.objects.get()
    assert record.user is None and record.source == "command" and record.row_count == 1
    assert record.filters == {"received_from": "2026-03-01", "received_to": "2026-03-05"}
    assert record.full_contacts is False


def test_unit_ledger_and_full_contacts(make_ticket, tmp_path: Path) -> None:
    """--unit CODE exports what the unit leads or co-handles; --full-contacts unmasks and is recorded."""
    led = make_ticket(lead="logistics", received_at=at(2026, 3, 1, 8, 0))
    cohandled = make_ticket(lead="nic", cohandlers=("logistics",), received_at=at(2026, 3, 2, 8, 0))
    make_ticket(lead="library")
    out = tmp_path / "unit.xlsx"
    call_command(
        "ledger-export", "--out", str(out), "--unit", "logistics", "--full-contacts", "--reason", "年度核查"
    )
    assert numbers_in(out) == [cohandled.number, led.number]
    row = next(load_workbook(out, read_only=True).active.iter_rows(min_row=2, values_only=True))
    assert row[16] == "13812345678"
    record = LedgerExport.objects.get()
    assert record.full_contacts is True and record.reason == "年度核查"
    assert record.full_count == 2  # the operator's export is full on every row, co-handled ones too
    assert set(Event.objects.filter(action="contacts_exported").values_list("ticket_id", flat=True)) == {
        led.pk,
        cohandled.pk,
    }


@pytest.mark.parametrize(
    "args",
    [
        ["--unit", "no-such-unit"],
        ["--from", "2026-13-01"],
        ["--from", "2026-03-05", "--to", "2026-03-01"],
        ["--full-contacts"],
        ["--full-contacts", "--reason", "  "],
        ["--full-contacts", "--reason", "核查\x00联系方式"],
        ["--reason", "没有 --full-contacts 的理由"],
    ],
)
def test_bad_arguments_fail_clearly(demo_org: None, tmp_path: Path, args: list[str]) -> None:
    """An unknown unit, a malformed date or a reversed range is a command error and writes nothing."""
    out = tmp_path / "x.xlsx"
    with pytest.raises((CommandError, CliError, SystemExit)):
        call_command("ledger-export", "--out", str(out), *args)
    assert not out.exists()
    assert not LedgerExport.objects.exists()
    assert not Event.objects.filter(action="contacts_exported").exists()


def test_full_contacts_without_reason_is_a_structured_error(demo_org: None, tmp_path: Path, capsys) -> None:
    """From the shell, a full-contact export without a reason prints a JSON error and exits with status 2."""
    command = load_command_class("jiesu.ledger", "ledger-export")
    with pytest.raises(SystemExit) as exit_info:
        command.run_from_argv(
            ["jiesu", "ledger-export", "--out", str(tmp_path / "x.xlsx"), "--full-contacts"]
        )
    assert exit_info.value.code == 2
    error = json.loads(capsys.readouterr().err)["error"]
    assert error["code"] == "reason_required" and error["message"]
    assert not (tmp_path / "x.xlsx").exists()
