"""Judging a sheet's rows (R2.6): each row becomes the arguments of the one intake path, or its errors.

Pure code: what the database knows (references already imported) and what intake itself refuses are added by
``services`` through the ``intake_check`` callable.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from jiesu.referrals.sheet import BY_KEY, BadDate, Row, Sheet, to_datetime, to_text
from jiesu.textcheck import EARLIEST_YEAR, LATEST_YEAR
from jiesu.workcalendar.clocks import SHANGHAI

# The Ticket columns' lengths (tickets.models) and intake's content limit: longer text is refused per row.
MAX_LENGTH = {
    "reference": 64,
    "requester_name": 64,
    "contact_phone": 32,
    "source_name": 100,
    "subject": 120,
    "content": 5000,
}
TEXT_KEYS = ("reference", "requester_name", "contact_phone", "content", "source_name", "subject")
# A tag such as <script>, </p> or <br/>: sheets exported from web systems carry markup that is no one's words.
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^<>]*>")
SOURCE_ALIASES = {"12345": "12345市民服务热线"}


def source_key(name: str) -> str:
    """The source's name as stored: the short name of the city hotline is spelled out, so a sheet imported
    from the page and from the command line have the same key."""
    name = " ".join(name.split())
    return SOURCE_ALIASES.get(name, name)


@dataclass
class Checked:
    line: int
    source_name: str
    reference: str
    fields: dict[str, Any]  # keyword arguments of tickets.services.ticket_create (no actor, campus, type)
    errors: list[str] = field(default_factory=list)
    duplicate_of: str = ""  # the number of the request already recorded for this referral: skipped

    @property
    def ok(self) -> bool:
        return not self.errors and not self.duplicate_of


def _label(sheet: Sheet, key: str) -> str:
    return sheet.columns.get(key) or str(BY_KEY[key].aliases[0])


def _texts(row: Row, sheet: Sheet, errors: list[str]) -> dict[str, str]:
    texts = {key: to_text(row.values.get(key)) for key in TEXT_KEYS}
    for key, value in texts.items():
        if len(value) > MAX_LENGTH[key]:
            errors.append(
                _("%(column)s is too long (at most %(limit)d characters).")
                % {"column": _label(sheet, key), "limit": MAX_LENGTH[key]}
            )
        if HTML_TAG.search(value):
            errors.append(
                _("%(column)s contains HTML markup (such as <p> or <script>); remove it and upload again.")
                % {"column": _label(sheet, key)}
            )
    errors.extend(
        _("%(column)s is empty.") % {"column": _label(sheet, key)}
        for key in ("reference", "requester_name", "contact_phone", "content")
        if not texts[key]
    )
    return texts


def _date(row: Row, sheet: Sheet, key: str, errors: list[str], *, deadline: bool) -> Any:
    raw = row.values.get(key)
    try:
        value = to_datetime(raw, end_of_date=deadline)
    except BadDate:
        errors.append(
            _("%(column)s: “%(value)s” is not a date (write it as 2026-12-01 09:30).")
            % {"column": _label(sheet, key), "value": to_text(raw)[:40]}
        )
        return None
    if value is not None and not (EARLIEST_YEAR <= value.year <= LATEST_YEAR):
        errors.append(
            _("%(column)s: enter a date between the years 2000 and 2100.") % {"column": _label(sheet, key)}
        )
        return None
    return value


def check_row(row: Row, sheet: Sheet, *, default_source: str) -> Checked:
    """One row's own faults (no database): empty or over-long fields, markup, dates."""
    errors: list[str] = []
    texts = _texts(row, sheet, errors)
    received = _date(row, sheet, "received_at", errors, deadline=False)
    if received is None and not any(_label(sheet, "received_at") in e for e in errors):
        errors.append(_("%(column)s is empty.") % {"column": _label(sheet, "received_at")})
    due = _date(row, sheet, "source_due_at", errors, deadline=True)
    if received is not None and due is not None and due <= received:
        errors.append(
            _("%(deadline)s is before %(received)s.")
            % {"deadline": _label(sheet, "source_due_at"), "received": _label(sheet, "received_at")}
        )
    source = source_key(texts["source_name"] or default_source)
    fields = {
        "requester_name": texts["requester_name"],
        "contact_phone": texts["contact_phone"],
        "content": texts["content"],
        "subject": texts["subject"],
        "received_at": received,
        "source_name": source,
        "source_reference": texts["reference"],
        "source_due_at": due,
    }
    return Checked(row.line, source, texts["reference"], fields, errors)


def check_sheet(sheet: Sheet, *, default_source: str) -> list[Checked]:
    """What the sheet alone tells of its rows (no database): each row's own faults and repeated references.
    The upload stores this judgement (``pack``); the run takes it up again instead of reading the sheet."""
    checked = [check_row(row, sheet, default_source=default_source) for row in sheet.rows]
    first: dict[tuple[str, str], int] = {}
    for item in checked:
        if not item.reference:
            continue
        key = (item.source_name, item.reference)
        if key in first:
            item.errors.append(
                _("The reference %(reference)s repeats row %(line)d of the sheet.")
                % {"reference": item.reference, "line": first[key]}
            )
        else:
            first[key] = item.line
    return checked


def check_recorded(
    checked: list[Checked],
    imported: Callable[[set[tuple[str, str]]], dict[tuple[str, str], str]],
    intake_check: Callable[[dict[str, Any]], str | None] | None,
) -> list[Checked]:
    """``check_sheet``'s rows against the database: a referral already imported is a duplicate to skip
    (``imported`` maps the keys found to their ticket numbers) and, for rows still clean, intake's own checks
    (``intake_check`` returns intake's message or None)."""
    known = imported({(c.source_name, c.reference) for c in checked if c.reference and not c.errors})
    for item in checked:
        if not item.errors:
            item.duplicate_of = known.get((item.source_name, item.reference), "")
        if item.ok and intake_check is not None:
            message = intake_check(item.fields)
            if message:
                item.errors.append(message)
    return checked


# --- The judgement kept between the upload and the run ---------------------------------------------------------
_DATES = ("received_at", "source_due_at")
PACK_VERSION = 1


def pack(checked: list[Checked]) -> bytes:
    """``check_sheet``'s rows, compressed JSON (dates in ISO 8601): what the run needs instead of the sheet."""
    rows = [
        [
            c.line,
            c.source_name,
            c.reference,
            c.errors,
            {k: v.isoformat() if k in _DATES and v is not None else v for k, v in c.fields.items()},
        ]
        for c in checked
    ]
    text = json.dumps({"version": PACK_VERSION, "rows": rows}, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode(), 1)


def unpack(data: bytes) -> list[Checked] | None:
    """``pack``'s rows again, equal to those packed; None for anything else (the caller reads the sheet)."""
    try:
        stored = json.loads(zlib.decompress(data))
    except (zlib.error, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("version") != PACK_VERSION:
        return None
    checked = []
    for line, source, reference, errors, fields in stored["rows"]:
        for key in _DATES:
            if fields[key] is not None:
                fields[key] = dt.datetime.fromisoformat(fields[key]).astimezone(SHANGHAI)
        checked.append(Checked(line, source, reference, fields, errors))
    return checked
