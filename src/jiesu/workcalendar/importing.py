"""R5.2: parsing a year's official arrangement from CSV (``date,kind,name``). Pure: no database.

A file is accepted whole or rejected whole: every problem is reported with its line number, and nothing
is imported while any remains.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

HEADER = ["date", "kind", "name"]
KINDS = {"holiday": False, "workday": True}  # kind → working
MAX_BYTES = 256 * 1024
MAX_ROWS = 1000
MAX_NAME = 64


@dataclass(frozen=True, slots=True)
class ImportRow:
    line: int
    date: dt.date
    working: bool
    name: str


@dataclass(frozen=True, slots=True)
class ImportProblem:
    line: int  # 0 = the file as a whole
    reason: str

    def __str__(self) -> str:
        if not self.line:
            return self.reason
        return _("Line %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason}


class CalendarImportError(ValueError):
    """The file was rejected; ``problems`` lists every line at fault."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def decode(raw: bytes) -> str:
    """UTF-8, with or without the BOM spreadsheet programs add."""
    if len(raw) > MAX_BYTES:
        raise CalendarImportError(
            [ImportProblem(0, _("The file is too large (limit %(kb)s KB)") % {"kb": MAX_BYTES // 1024})]
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        reason = _("The file is not UTF-8 encoded (byte %(byte)s)") % {"byte": exc.start}
        raise CalendarImportError([ImportProblem(0, reason)]) from None


def _parse_row(line: int, cells: list[str], seen: dict[dt.date, int]) -> ImportRow | ImportProblem:
    if len(cells) != len(HEADER):
        return ImportProblem(
            line, _("Expected 3 columns (date,kind,name), found %(count)s") % {"count": len(cells)}
        )
    raw_date, kind, name = (cell.strip() for cell in cells)
    try:
        day = dt.date.fromisoformat(raw_date)
    except ValueError:
        return ImportProblem(line, _("Invalid date “%(value)s”; expected YYYY-MM-DD") % {"value": raw_date})
    if kind not in KINDS:
        return ImportProblem(
            line, _("Invalid kind “%(value)s”; expected holiday or workday") % {"value": kind}
        )
    if len(name) > MAX_NAME:
        return ImportProblem(
            line, _("The name is too long (limit %(limit)s characters)") % {"limit": MAX_NAME}
        )
    if day in seen:
        return ImportProblem(
            line, _("Date %(date)s repeats line %(line)s") % {"date": day, "line": seen[day]}
        )
    if KINDS[kind] and day.weekday() < 5:
        return ImportProblem(
            line,
            _(
                "%(date)s falls on Monday to Friday and is a working day already; "
                "it cannot be a make-up working day (workday)"
            )
            % {"date": day},
        )
    seen[day] = line
    return ImportRow(line=line, date=day, working=KINDS[kind], name=name)


def parse_calendar_csv(text: str) -> list[ImportRow]:
    """Parse the whole file or raise ``CalendarImportError`` listing every problem."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise CalendarImportError([ImportProblem(0, _("The file is empty"))])
    if [cell.strip().lower() for cell in header] != HEADER:
        reason = _("The header should be “date,kind,name”, found “%(header)s”") % {"header": ",".join(header)}
        raise CalendarImportError([ImportProblem(1, reason)])
    rows: list[ImportRow] = []
    problems: list[ImportProblem] = []
    seen: dict[dt.date, int] = {}
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # blank lines (a trailing newline from a spreadsheet) carry nothing
            parsed = _parse_row(reader.line_num, cells, seen)
            if isinstance(parsed, ImportRow):
                rows.append(parsed)
            else:
                problems.append(parsed)
    except csv.Error as exc:
        problems.append(ImportProblem(reader.line_num, _("Malformed CSV: %(error)s") % {"error": exc}))
    if not rows and not problems:
        problems.append(ImportProblem(0, _("The file has no date rows")))
    if len(rows) > MAX_ROWS:
        problems.append(ImportProblem(0, _("Too many date rows (limit %(limit)s)") % {"limit": MAX_ROWS}))
    if problems:
        raise CalendarImportError(problems)
    return rows
