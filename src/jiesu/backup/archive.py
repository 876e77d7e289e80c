"""`jiesu backup` and `jiesu restore` (issue 17 item 9): one tar file with the database, the attachments and a
manifest.

The archive::

    manifest.json      format, when, versions (Jiesu, Django, Python, the database server), migrations applied,
                       row counts per table, the SHA-256 of the ticket history, and every other member's
                       size and SHA-256
    db.sqlite3 | db.dump   the database snapshot (see database.py)
    media/...          the attachments (MEDIA_ROOT), copied after the snapshot so every row's file is there

A restore refuses a database that already holds rows unless forced, checks every member against the manifest
before it touches anything, then puts the database and the files back and compares the counts and the history
checksum with the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path, PurePosixPath
from typing import Any

import django
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from jiesu.backup import database
from jiesu.backup.errors import BackupError
from jiesu.backup.figures import figures, table_counts

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
_CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _migrations() -> dict[str, str]:
    """The last migration applied per app (what the restored code must be able to read)."""
    rows = MigrationRecorder.Migration.objects.order_by("app", "name").values_list("app", "name")
    return dict(rows)  # the last name of each app wins


def _versions() -> dict[str, str]:
    connection.ensure_connection()
    return {
        "jiesu": version("jiesu"),
        "django": django.get_version(),
        "python": platform.python_version(),
        "database": connection.vendor,
        "database_server": _server_version(),
    }


def _server_version() -> str:
    if connection.vendor == "sqlite":
        return sqlite3.sqlite_version
    info = getattr(connection.connection, "info", None)
    return str(getattr(info, "server_version", ""))


@dataclass(frozen=True)
class Result:
    path: Path
    manifest: dict[str, Any]


def backup_create(*, out: Path) -> Result:
    """Write a complete archive to ``out`` (atomically: a temporary file renamed at the end)."""
    out = out.resolve()
    with tempfile.TemporaryDirectory(prefix="jiesu-backup-") as tmp:
        folder = Path(tmp)
        db_name, snapshot_figures = database.snapshot(folder, figures)
        files: dict[str, dict[str, Any]] = {db_name: _describe(folder / db_name)}
        media_root = Path(settings.MEDIA_ROOT)
        media_files = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else []
        for path in media_files:
            files[str(PurePosixPath(MEDIA, *path.relative_to(media_root).parts))] = _describe(path)
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "versions": _versions(),
            "migrations": _migrations(),
            **snapshot_figures,
            "files": files,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(folder / MANIFEST, arcname=MANIFEST)
            tar.add(folder / db_name, arcname=db_name)
            for path in media_files:
                tar.add(path, arcname=str(PurePosixPath(MEDIA, *path.relative_to(media_root).parts)))
        partial.replace(out)
    return Result(out, manifest)


def _describe(path: Path) -> dict[str, Any]:
    return {"size": path.stat().st_size, "sha256": sha256_of(path)}


def _has_rows() -> bool:
    """Whether the database holds anything a restore would overwrite (any row in any Jiesu table)."""
    return any(table_counts(existing=set(connection.introspection.table_names())).values())


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and bool(path.parts)


def _unpack(archive: Path, folder: Path) -> dict[str, Any]:
    """Extract the archive's regular files into ``folder`` and check each against the manifest."""
    try:
        tar = tarfile.open(archive, "r")
    except (OSError, tarfile.TarError) as error:
        raise BackupError("bad_archive", f"not a readable tar archive: {error}") from None
    with tar:
        members = {m.name: m for m in tar.getmembers()}
        if MANIFEST not in members:
            raise BackupError("bad_archive", "the archive has no manifest.json")
        for name, member in members.items():
            if not _safe_member(name) or not member.isfile():
                raise BackupError("bad_archive", f"unsafe or unexpected member: {name}")
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            if source is None:
                raise BackupError("bad_archive", f"unreadable member: {name}")
            with source, target.open("wb") as handle:
                shutil.copyfileobj(source, handle, _CHUNK)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError("bad_archive", f"unknown archive format {manifest.get('format')!r}")
    listed = set(manifest["files"])
    present = set(members) - {MANIFEST}
    if listed != present:
        raise BackupError(
            "checksum_mismatch", f"members differ from the manifest: {sorted(listed ^ present)[:5]}"
        )
    for name, described in manifest["files"].items():
        if sha256_of(folder / name) != described["sha256"]:
            raise BackupError("checksum_mismatch", f"{name} does not match its SHA-256 in the manifest")
    return manifest


def backup_restore(*, archive: Path, force: bool = False) -> dict[str, Any]:
    """Put an archive back; returns its manifest. Refuses a database with rows unless ``force``."""
    with tempfile.TemporaryDirectory(prefix="jiesu-restore-") as tmp:
        folder = Path(tmp)
        manifest = _unpack(archive, folder)  # every check before anything is touched
        if manifest["versions"]["database"] != connection.vendor:
            raise BackupError(
                "wrong_database",
                f"the archive is a {manifest['versions']['database']} backup; this database is {connection.vendor}",
            )
        if not force and _has_rows():
            raise BackupError("not_empty", "the database already holds data; use --force to replace it")
        db_name = next(n for n in manifest["files"] if not n.startswith(MEDIA + "/"))
        database.restore(folder / db_name)
        media_root = Path(settings.MEDIA_ROOT)
        for name in manifest["files"]:
            if name.startswith(MEDIA + "/"):
                target = media_root.joinpath(*PurePosixPath(name).parts[1:])
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / name, target)
    after = figures()
    if after["counts"] != manifest["counts"] or after["history_sha256"] != manifest["history_sha256"]:
        raise BackupError("verify_failed", "the restored database does not match the manifest's figures")
    return manifest
