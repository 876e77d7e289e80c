"""Reading a referral sheet (R2.6): the workbook, its header row matched tolerantly, and each row's values.

Pure code over the file's bytes: no database. ``read_sheet`` refuses what is not a sheet of referrals (not an
Excel file, no rows, a required column missing) with a ``SheetError``; the rows' own faults are judged by
``rows.check_sheet``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException

from jiesu.workcalendar.clocks import SHANGHAI, end_of_day

HEADER_SCAN = 10  # the header row is among the first rows (some sheets carry a title above it)


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazy: the header the template carries, in the active language
    aliases: tuple[str, ...]
    required: bool


# The headers a 12345 or an authority's sheet carries, matched after normalizing (no spaces, asterisks or
# colons, full-width brackets folded, case ignored). The first alias is the template's header.
COLUMNS = (
    Column(
        "reference",
        gettext_lazy("Reference"),
        (
            "工单编号",
            "工单号",
            "编号",
            "转办编号",
            "转办单号",
            "案件编号",
            "受理编号",
            "来文编号",
            "reference",
        ),
        True,
    ),
    Column(
        "received_at",
        gettext_lazy("Received at"),
        ("受理时间", "来电时间", "接收时间", "登记时间", "转办时间", "派单时间", "交办时间", "received"),
        True,
    ),
    Column(
        "requester_name",
        gettext_lazy("Requester"),
        ("诉求人", "诉求人姓名", "来电人", "来电人姓名", "反映人", "姓名", "联系人", "requester"),
        True,
    ),
    Column(
        "contact_phone",
        gettext_lazy("Phone"),
        ("联系电话", "电话", "来电号码", "联系方式", "手机号", "手机号码", "phone"),
        True,
    ),
    Column(
        "content",
        gettext_lazy("Content"),
        ("诉求内容", "内容", "反映内容", "来电内容", "问题描述", "诉求描述", "事项内容", "content"),
        True,
    ),
    Column(
        "source_due_at",
        gettext_lazy("Source's own deadline"),
        ("办理时限", "截止时间", "办结时限", "办理期限", "回复时限", "截止日期", "办结时间要求", "deadline"),
        False,
    ),
    Column(
        "source_name",
        gettext_lazy("Referral source"),
        ("来源", "转办来源", "转办单位", "交办单位", "来源单位", "source"),
        False,
    ),
    Column("subject", gettext_lazy("Subject"), ("标题", "诉求标题", "主题", "subject"), False),
)
BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = tuple(c.key for c in COLUMNS if c.required)


class SheetError(Exception):
    """The file as a whole is refused; nothing is recorded. ``code`` is stable (the CLI's JSON)."""

    def __init__(self, code: str, message: str, **details: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


@dataclass
class Row:
    line: int  # the row's number in the sheet, as Excel shows it
    values: dict[str, Any]


@dataclass
class Sheet:
    columns: dict[str, str]  # field key → the header found
    rows: list[Row] = field(default_factory=list)


def normalize(header: object) -> str:
    text = unicodedata.normalize("NFKC", str(header or ""))
    text = re.sub(r"[\s*:：*★]", "", text)
    return re.sub(r"[（(].*?[）)]", "", text).lower()  # "受理时间(北京时间)" → "受理时间"


_ALIASES = {normalize(alias): c.key for c in COLUMNS for alias in c.aliases}


def _match(cells: tuple[object, ...]) -> dict[int, str]:
    found: dict[int, str] = {}
    for index, cell in enumerate(cells):
        key = _ALIASES.get(normalize(cell))
        if key and key not in found.values():
            found[index] = key
    return found


def _open(data: bytes) -> Any:
    if not data:
        raise SheetError("empty_file", _("The file is empty."))
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise SheetError(
            "not_excel", _("This is not an Excel file: save the sheet as .xlsx and upload it again.")
        )
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise SheetError(
            "not_excel", _("This is not an Excel file: save the sheet as .xlsx and upload it again.")
        ) from None


def read_sheet(data: bytes) -> Sheet:
    """The first worksheet's header and rows; blank rows are skipped."""
    workbook = _open(data)
    try:
        lines = workbook.worksheets[0].iter_rows(values_only=True) if workbook.worksheets else iter(())
        header, header_line = _header(lines)
        sheet = Sheet({key: str(header[i]).strip() for i, key in _match(header).items()})
        missing = [BY_KEY[key] for key in REQUIRED if key not in sheet.columns]
        if missing:
            names = "、".join(str(c.aliases[0]) for c in missing)
            raise SheetError(
                "missing_columns",
                _("The sheet lacks these columns: %(names)s. Use the template's headers.") % {"names": names},
                missing=[c.key for c in missing],
            )
        positions = {key: i for i, key in _match(header).items()}
        for line, cells in enumerate(lines, start=header_line + 1):
            if all(_blank(c) for c in cells):
                continue
            values = {key: cells[i] for key, i in positions.items() if i < len(cells)}
            sheet.rows.append(Row(line, values))
    finally:
        workbook.close()
    if not sheet.rows:
        raise SheetError("no_rows", _("The sheet has headers but no referral rows."))
    return sheet


def _header(lines: Iterator[tuple[object, ...]]) -> tuple[tuple[object, ...], int]:
    """The first row (of the first few) that names at least two known columns."""
    first_line: int | None = None
    for line, cells in enumerate(lines, start=1):
        if first_line is None and not all(_blank(c) for c in cells):
            first_line = line
        if len(_match(cells)) >= 2:  # noqa: PLR2004 - one matching word could be a title
            return cells, line
        if line >= HEADER_SCAN:
            break
    if first_line is None:
        raise SheetError("empty_sheet", _("The sheet is empty."))
    raise SheetError(
        "no_header",
        _("No header row was found: the first row should name the columns, as in the template."),
    )


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- Values ---------------------------------------------------------------------------------------------------

_DATE_PATTERNS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y.%m.%d %H:%M",
    "%Y.%m.%d",
    "%Y%m%d %H:%M",
    "%Y%m%d",
)
_CHINESE_DATE = re.compile(
    r"^(\d{4})年(\d{1,2})月(\d{1,2})日?(?:\s*(\d{1,2})[时:点](?:(\d{1,2})分?)?)?$"  # 2026年12月1日 9时30分
)


class BadDate(ValueError):
    pass


def to_datetime(value: object, *, end_of_date: bool = False) -> dt.datetime | None:
    """A cell as an aware datetime (Asia/Shanghai, the sheets' time). A date alone is its start — or, for a
    deadline (``end_of_date``), its end. Empty cells are None; anything else raises ``BadDate``."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise BadDate(str(value))
    if isinstance(value, int | float):  # a date cell formatted as a number: Excel's serial day
        try:
            value = from_excel(value)
        except (ValueError, OverflowError, TypeError):
            raise BadDate(str(value)) from None
    if isinstance(value, str):
        value = _parse_text(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=SHANGHAI)
        return value
    if isinstance(value, dt.date):
        if end_of_date:
            return end_of_day(value)
        return dt.datetime(value.year, value.month, value.day, tzinfo=SHANGHAI)
    raise BadDate(str(value))


def _parse_text(text: str) -> dt.datetime | dt.date:
    text = unicodedata.normalize("NFKC", text).strip()
    match = _CHINESE_DATE.match(text)
    try:
        if match:
            year, month, day, hour, minute = match.groups()
            if hour is None:
                return dt.date(int(year), int(month), int(day))
            return dt.datetime(int(year), int(month), int(day), int(hour), int(minute or 0))  # noqa: DTZ001
        for pattern in _DATE_PATTERNS:
            try:
                parsed = dt.datetime.strptime(text, pattern)  # noqa: DTZ007 - made aware by the caller
            except ValueError:
                continue
            return parsed.date() if "%H" not in pattern else parsed
    except ValueError:
        pass
    raise BadDate(text)


def to_text(value: object) -> str:
    """A cell as text: numbers without a trailing ``.0`` (a phone or a reference typed as a number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value).strip()


def template_workbook() -> bytes:
    """The template the Office downloads: the headers and one example row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "转办单"
    sheet.append([c.aliases[0] for c in COLUMNS])
    sheet.append(
        [
            "BJ12345-20261201-0001",
            "2026-12-01 09:30",
            "张三",
            "13800138000",
            "学生公寓3号楼302室暖气不热，请尽快派人检修。",
            "2026-12-04 17:00",
            "12345市民服务热线",
            "暖气不热",
        ]
    )
    for letter, width in zip("ABCDEFGH", (24, 18, 10, 16, 50, 18, 20, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
