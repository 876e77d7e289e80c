"""`jiesu backup` / `jiesu restore` (issue 17 item 9): a round trip brings back the same rows, the same history
(checksum) and the attachments; a tampered archive or a database with data is refused before anything changes.
Runs on SQLite and, with JIESU_TEST_DATABASE_URL, on PostgreSQL (pg_dump / pg_restore)."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command, load_command_class
from django.db import connection

from jiesu.backup.archive import MANIFEST
from jiesu.backup.figures import figures
from jiesu.cli import CliError
from jiesu.tickets.models import Event, Ticket
from tests.support import dispatched, handling, reply_and_approve

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    (root / "attachments" / "2026" / "03").mkdir(parents=True)
    (root / "attachments" / "2026" / "03" / "photo.jpg").write_bytes(b"\xff\xd8 a photo \xff\xd9")
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def some_tickets(demo_org: None) -> list[Ticket]:
    first = handling()
    reply_and_approve(first)
    return [first, dispatched(content="图书馆空调不制冷，室内闷热。")]


def backup(tmp_path: Path) -> Path:
    out = tmp_path / "jiesu.tar"
    call_command("backup", "--out", str(out), stdout=io.StringIO())
    return out


def test_round_trip_restores_rows_history_and_files(some_tickets, media: Path, tmp_path: Path) -> None:
    """Back up, change things, restore with --force: counts and the history checksum equal the backup's, the
    later ticket is gone, and the attachment is back byte for byte."""
    before = figures()
    assert before["counts"]["tickets_event"] > 2
    archive = backup(tmp_path)
    manifest = json.loads(tarfile.open(archive).extractfile(MANIFEST).read())
    assert manifest["counts"] == before["counts"] and manifest["history_sha256"] == before["history_sha256"]
    assert manifest["versions"]["database"] == connection.vendor and manifest["migrations"]["tickets"]
    assert set(manifest["files"]) >= {"media/attachments/2026/03/photo.jpg"}

    later = dispatched(content="食堂饭菜有异物。")
    (media / "attachments" / "2026" / "03" / "photo.jpg").write_bytes(b"changed")
    assert figures() != before

    call_command("restore", str(archive), "--force", stdout=io.StringIO())
    assert figures() == before
    assert not Ticket.objects.filter(pk=later.pk).exists()
    assert Event.objects.filter(ticket=some_tickets[0]).count() == before["counts"]["tickets_event"] - (
        Event.objects.exclude(ticket=some_tickets[0]).count()
    )
    assert (media / "attachments" / "2026" / "03" / "photo.jpg").read_bytes() == b"\xff\xd8 a photo \xff\xd9"


def test_a_database_with_data_is_refused_without_force(some_tickets, media: Path, tmp_path: Path) -> None:
    """Restoring over data needs --force; without it the command fails with not_empty and changes nothing."""
    archive = backup(tmp_path)
    later = dispatched(content="食堂饭菜有异物。")
    with pytest.raises(CliError) as error:
        call_command("restore", str(archive))
    assert error.value.code == "not_empty"
    assert Ticket.objects.filter(pk=later.pk).exists()


def test_a_tampered_archive_is_refused_before_anything_changes(
    some_tickets, media: Path, tmp_path: Path
) -> None:
    """A member whose SHA-256 differs from the manifest's: checksum_mismatch, the database untouched."""
    archive = backup(tmp_path)
    tampered = tmp_path / "tampered.tar"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("media/"):
                data = data.replace(b"photo", b"PHOTO")
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    later = dispatched(content="食堂饭菜有异物。")
    with pytest.raises(CliError) as error:
        call_command("restore", str(tampered), "--force")
    assert error.value.code == "checksum_mismatch"
    assert Ticket.objects.filter(pk=later.pk).exists()


def test_errors_are_json_on_stderr(demo_org: None, tmp_path: Path, capsys) -> None:
    """From the shell: a missing archive is a structured error with exit status 2."""
    command = load_command_class("jiesu.backup", "restore")
    with pytest.raises(SystemExit) as exit_info:
        command.run_from_argv(["jiesu", "restore", str(tmp_path / "missing.tar")])
    assert exit_info.value.code == 2
    assert json.loads(capsys.readouterr().err)["error"]["code"] == "bad_arguments"
