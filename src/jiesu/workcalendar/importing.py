"""R5.2: parsing a year's official arrangement from CSV (``date,kind,name``). Pure: no database.

A file is accepted whole or rejected whole: every problem is reported with its line number, and nothing
is imported while any remains.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

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
        return f"第{self.line}行：{self.reason}" if self.line else self.reason


class CalendarImportError(ValueError):
    """The file was rejected; ``problems`` lists every line at fault."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def decode(raw: bytes) -> str:
    """UTF-8, with or without the BOM spreadsheet programs add."""
    if len(raw) > MAX_BYTES:
        raise CalendarImportError([ImportProblem(0, f"文件过大（上限 {MAX_BYTES // 1024} KB）")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CalendarImportError([ImportProblem(0, f"文件不是 UTF-8 编码（第{exc.start}字节）")]) from None


def _parse_row(line: int, cells: list[str], seen: dict[dt.date, int]) -> ImportRow | ImportProblem:
    if len(cells) != len(HEADER):
        return ImportProblem(line, f"应有3列（date,kind,name），实有{len(cells)}列")
    raw_date, kind, name = (cell.strip() for cell in cells)
    try:
        day = dt.date.fromisoformat(raw_date)
    except ValueError:
        return ImportProblem(line, f"日期“{raw_date}”无效，应为 YYYY-MM-DD")
    if kind not in KINDS:
        return ImportProblem(line, f"类型“{kind}”无效，应为 holiday 或 workday")
    if len(name) > MAX_NAME:
        return ImportProblem(line, f"名称过长（上限{MAX_NAME}字）")
    if day in seen:
        return ImportProblem(line, f"日期 {day} 与第{seen[day]}行重复")
    if KINDS[kind] and day.weekday() < 5:
        return ImportProblem(line, f"{day} 是周一至周五，本来就上班，不能作为调休上班日（workday）")
    seen[day] = line
    return ImportRow(line=line, date=day, working=KINDS[kind], name=name)


def parse_calendar_csv(text: str) -> list[ImportRow]:
    """Parse the whole file or raise ``CalendarImportError`` listing every problem."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise CalendarImportError([ImportProblem(0, "文件为空")])
    if [cell.strip().lower() for cell in header] != HEADER:
        raise CalendarImportError([ImportProblem(1, f"表头应为“date,kind,name”，实为“{','.join(header)}”")])
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
        problems.append(ImportProblem(reader.line_num, f"CSV 格式错误：{exc}"))
    if not rows and not problems:
        problems.append(ImportProblem(0, "文件没有任何日期行"))
    if len(rows) > MAX_ROWS:
        problems.append(ImportProblem(0, f"日期行过多（上限{MAX_ROWS}行）"))
    if problems:
        raise CalendarImportError(problems)
    return rows
