"""Spreadsheet cells that are safe to hand to Excel and WPS, for every app that exports (openpyxl and CSV).

Exports carry text people typed (requests, replies, notable issues, catalogue keywords). Text is stripped of the
control characters a workbook cannot hold, and never becomes a formula: openpyxl stores a string that starts
with ``=`` as a formula, so such text goes in as an explicit text cell; in CSV, where Excel and WPS evaluate a
field that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, the field is prefixed with an
apostrophe (the usual defence against CSV injection). Numbers, dates and None pass through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?[0-9][0-9.,]*%?$")  # "-3", "+12.5%": a figure, left as it is


def cell(sheet: Any, value: Any) -> Any:
    """``value`` as ``sheet.append`` should get it (write-only and ordinary sheets alike)."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith("="):
        text = WriteOnlyCell(sheet, value=value)
        text.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        return text
    return value


def row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row of ``cell``s, for ``sheet.append(row(sheet, values))``."""
    return [cell(sheet, value) for value in values]


def csv_field(value: Any) -> Any:
    """A CSV field that a spreadsheet opens as the text it is, never as a formula."""
    if isinstance(value, str) and value.startswith(CSV_TRIGGERS) and not NUMBER.match(value):
        return "'" + value
    return value
