"""Structured command-line errors shared by every `jiesu` command: one JSON object on stderr, exit status 2
for bad input (`jiesu deadline`, `jiesu calendar`, `jiesu token`)."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser


class CliError(Exception):
    """A command-line failure with a stable code; ``exit_status`` 2 means the input was at fault."""

    def __init__(self, code: str, message: str, *, exit_status: int = 2, **details: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.exit_status = exit_status
        self.details = details

    def as_dict(self) -> dict[str, object]:
        return {"error": {"code": self.code, "message": self.message, **self.details}}


class JsonErrorParser(CommandParser):
    """argparse errors become ``CliError('bad_arguments')`` rather than usage text on stderr."""

    def error(self, message: str) -> NoReturn:
        raise CliError("bad_arguments", message)


class JsonErrorCommand(BaseCommand):
    """A command whose failures are JSON on stderr with a meaningful exit status."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = JsonErrorParser  # subparsers inherit the class (CommandParser.add_subparsers)
        return parser

    def run_from_argv(self, argv: list[str]) -> None:
        try:
            super().run_from_argv(argv)
        except CliError as exc:
            sys.stderr.write(json.dumps(exc.as_dict(), ensure_ascii=False) + "\n")
            sys.exit(exc.exit_status)
