"""`jiesu import-referrals FILE --source 12345`: the same import from the command line, structured errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from jiesu.cli import CliError
from jiesu.referrals.models import ReferralImport, ReferralRow
from jiesu.tickets.models import Channel, Ticket
from tests.referrals.sheets import HEADERS, numbered, row, xlsx
from tests.support import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_org")]
NOW = at(2026, 12, 2, 10)


def run(*args: str) -> dict[str, object]:
    out = io.StringIO()
    call_command("import-referrals", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def sheet(tmp_path: Path, data: bytes, name: str = "sheet.xlsx") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@time_machine.travel(NOW, tick=False)
def test_a_dry_run_reads_and_judges_without_writing(tmp_path: Path) -> None:
    outcome = run(sheet(tmp_path, xlsx(numbered(3))), "--source", "12345", "--dry-run")
    assert outcome["rows"] == outcome["valid"] == 3
    assert outcome["dry_run"] is True and outcome["created"] == 0
    assert not ReferralImport.objects.exists()
    assert not Ticket.objects.filter(channel=Channel.REFERRAL).exists()


@time_machine.travel(NOW, tick=False)
def test_the_import_records_the_sheet_once_however_often_it_runs(tmp_path: Path) -> None:
    path = sheet(tmp_path, xlsx(numbered(3)))
    first = run(path, "--source", "12345", "--actor", "dispatcher")
    assert (first["status"], first["created"], first["source"]) == ("done", 3, "12345市民服务热线")
    again = run(path, "--source", "12345")
    assert (again["created"], again["duplicates"], again["valid"]) == (0, 3, 0)
    assert ReferralRow.objects.count() == 3


@time_machine.travel(NOW, tick=False)
def test_refused_rows_are_listed_with_their_errors_and_exit_status_1(tmp_path: Path) -> None:
    path = sheet(tmp_path, xlsx([row(), row(reference="X2", content="")]))
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("import-referrals", path, "--source", "12345", "--json", stdout=out)
    assert exited.value.code == 1
    outcome = json.loads(out.getvalue())
    assert outcome["created"] == 1
    assert outcome["failures"] == [{"line": 3, "reference": "X2", "errors": ["诉求内容不能为空。"]}]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("data", "code"),
    [
        (xlsx([row()[1:]], headers=HEADERS[1:]), "missing_columns"),
        (b"name,phone\n", "not_excel"),
        (xlsx([], headers=HEADERS), "no_rows"),
    ],
)
def test_a_bad_file_is_a_structured_error(tmp_path: Path, data: bytes, code: str) -> None:
    with pytest.raises(CliError) as caught:
        run(sheet(tmp_path, data), "--source", "12345")
    assert caught.value.code == code
    assert caught.value.exit_status == 2
    assert not ReferralImport.objects.exists()


def test_a_missing_file_is_a_structured_error(db: None, tmp_path: Path) -> None:
    with pytest.raises(CliError) as caught:
        run(str(tmp_path / "nowhere.xlsx"), "--source", "12345")
    assert caught.value.as_dict()["error"]["code"] == "file_not_found"
