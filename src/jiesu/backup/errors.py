"""Backup and restore failures: a stable code for the command's JSON error, a message for the operator."""

from __future__ import annotations


class BackupError(Exception):
    """A backup or restore refused or failed; nothing was half-written."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
