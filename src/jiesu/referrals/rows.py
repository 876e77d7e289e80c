"""Judging a sheet's rows (R2.6): each row becomes the arguments of the one intake path, or its errors.

Pure code: what the database knows (references already imported) and what intake itself refuses are added by
``services`` through the ``intake_check`` callable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from jiesu.referrals.sheet import BY_KEY, BadDate, Row, Sheet, to_datetime, to_text
from jiesu.textcheck import EARLIEST_YEAR, LATEST_YEAR

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


def check_rows(
    sheet: Sheet,
    *,
    default_source: str,
    imported: Callable[[set[tuple[str, str]]], dict[tuple[str, str], str]],
    intake_check: Callable[[dict[str, Any]], str | None],
) -> list[Checked]:
    """Every row judged: its own faults, a reference repeated in the sheet, a referral already imported (a
    duplicate to skip: ``imported`` maps the keys found to their ticket numbers) and, for rows still clean,
    intake's own checks (``intake_check`` returns intake's message or None)."""
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
    known = imported(set(first))
    for item in checked:
        if not item.errors:
            item.duplicate_of = known.get((item.source_name, item.reference), "")
        if item.ok:
            message = intake_check(item.fields)
            if message:
                item.errors.append(message)
    return checked
