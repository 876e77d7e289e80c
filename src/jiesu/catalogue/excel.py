"""The catalogue as an Excel workbook (openpyxl): export in tree order, and reading an uploaded sheet into rows.

Columns (the header row names them; their order does not matter on import): 编码, 上级编码, 事项名称, 责任单位,
协办单位 (separated by 、), 关键词, 状态 (在用 / 停用), and 路径 (export only, ignored on import)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from jiesu import xlsx
from jiesu.catalogue import selectors

SHEET = "派单目录"
CODE, PARENT, NAME, UNIT, COHANDLERS, KEYWORDS, STATUS, PATH = (
    "编码",
    "上级编码",
    "事项名称",
    "责任单位",
    "协办单位",
    "关键词",
    "状态",
    "路径",
)
COLUMNS = [CODE, PARENT, NAME, UNIT, COHANDLERS, KEYWORDS, STATUS, PATH]
REQUIRED = [CODE, PARENT, NAME, UNIT, COHANDLERS, KEYWORDS, STATUS]
ACTIVE, RETIRED = "在用", "停用"
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class Row:
    line: int
    code: str
    parent: str
    name: str
    unit: str
    cohandlers: list[str]
    keywords: str
    status: str


@dataclass
class Sheet:
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the whole file's problems (no row can be read)


def export() -> bytes:
    """The catalogue as it stands, retired matters included, each parent before its children."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(COLUMNS)
    rows = selectors.in_tree_order(selectors.matters())
    path = selectors.paths([m for m, _d in rows])
    for m, _depth in rows:
        sheet.append(
            xlsx.row(
                sheet,
                [
                    m.code,
                    m.parent.code if m.parent else "",
                    m.name,
                    m.unit.name if m.unit else "",
                    "、".join(u.name for u in m.cohandlers.all()),
                    m.keywords,
                    ACTIVE if m.is_active else RETIRED,
                    path[m.pk],
                ],
            )
        )
    for letter, width in zip("ABCDEFGH", (14, 14, 24, 18, 24, 40, 8, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def read(data: bytes) -> Sheet:
    """Rows of an uploaded workbook; a file that cannot be read as the catalogue's sheet gives ``problems``."""
    out = Sheet()
    if len(data) > MAX_BYTES:
        out.problems.append(_("The file is larger than 5 MB."))
        return out
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        out.problems.append(_("This is not an Excel workbook (.xlsx)."))
        return out
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = [_cell(v) for v in next(lines, ())]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            out.problems.append(_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
            return out
        at = {name: header.index(name) for name in REQUIRED}
        for number, values in enumerate(lines, start=2):
            cells = [_cell(v) for v in values]
            if not any(cells):
                continue
            if len(out.rows) >= MAX_ROWS:
                out.problems.append(_("The sheet has more than %(max)d rows.") % {"max": MAX_ROWS})
                return out
            cells += [""] * (len(header) - len(cells))
            out.rows.append(
                Row(
                    line=number,
                    code=cells[at[CODE]],
                    parent=cells[at[PARENT]],
                    name=cells[at[NAME]],
                    unit=cells[at[UNIT]],
                    cohandlers=[
                        c.strip() for c in cells[at[COHANDLERS]].replace(",", "、").split("、") if c.strip()
                    ],
                    keywords=cells[at[KEYWORDS]],
                    status=cells[at[STATUS]] or ACTIVE,
                )
            )
    finally:
        book.close()
    if not out.rows:
        out.problems.append(_("The sheet has no rows under its header."))
    return out
