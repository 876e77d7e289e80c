"""A consistent snapshot of the database, and putting one back: SQLite's online backup API, pg_dump/pg_restore.

SQLite: the snapshot is taken inside a write transaction (``BEGIN IMMEDIATE``), so the figures read beside it
and the copy are the same instant; writers wait for the copy (seconds for a university's database). The restore
copies the snapshot over the live file with the same backup API, page by page, in one step.

PostgreSQL: a ``REPEATABLE READ`` transaction exports its snapshot (``pg_export_snapshot()``); the figures are
read in it and ``pg_dump --snapshot`` dumps exactly that instant in the custom format, so writers never wait.
The restore is ``pg_restore --clean --if-exists --single-transaction``: all of it or nothing.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess  # noqa: S404 - pg_dump and pg_restore, with fixed argument lists
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from jiesu.backup.errors import BackupError

SQLITE_FILE = "db.sqlite3"
PG_FILE = "db.dump"


def vendor() -> str:
    return connection.vendor


def _pg_env() -> dict[str, str]:
    """libpq's environment for the tools, from Django's settings (never on a command line: no password in ps)."""
    s = connection.settings_dict
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if s.get(key):
            env[name] = str(s[key])
    env["PGDATABASE"] = str(s["NAME"])
    return env


def _run(args: list[str]) -> None:
    try:
        done = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError("tool_missing", f"{args[0]} is not installed") from None
    if done.returncode != 0:
        raise BackupError("tool_failed", f"{args[0]} failed: {done.stderr.strip()[-2000:]}")


def snapshot(folder: Path, read_figures: Callable[[], dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """Write the database's snapshot into ``folder``; returns its file name and the figures of that instant."""
    if vendor() == "sqlite":
        target = folder / SQLITE_FILE
        with transaction.atomic():  # BEGIN IMMEDIATE: nobody writes until the copy is done
            figures = read_figures()
            # A second connection reads the file (WAL: readers pass the writer's lock); ours holds the write
            # lock, so nothing changes under the copy and the figures above describe it exactly.
            source = sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=30)
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
                source.close()
        return SQLITE_FILE, figures
    if vendor() == "postgresql":
        target = folder / PG_FILE
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            figures = read_figures()
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot_id}",
                    f"--file={target}",
                ]
            )
        return PG_FILE, figures
    raise BackupError("unsupported_database", f"no backup for the {vendor()} database")


def restore(path: Path) -> None:
    """Replace the database's contents with the snapshot at ``path`` (all or nothing)."""
    if vendor() == "sqlite":
        if path.name != SQLITE_FILE:
            raise BackupError("wrong_database", "the archive holds a PostgreSQL dump; this is SQLite")
        connection.close()  # the copy writes through its own connection; ours reopens on the next query
        source = sqlite3.connect(path)
        live = sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=30)
        try:
            source.backup(live)
        finally:
            live.close()
            source.close()
        return
    if vendor() == "postgresql":
        if path.name != PG_FILE:
            raise BackupError("wrong_database", "the archive holds a SQLite database; this is PostgreSQL")
        connection.close()  # pg_restore drops and recreates the tables: no connection of ours in the way
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(path),
            ]
        )
        return
    raise BackupError("unsupported_database", f"no restore for the {vendor()} database")
