"""Importing people from an Excel sheet (issue 18 item 5): a template, a preview with each row's errors, and an
all-or-nothing import keyed on the student or staff number (学号/工号, ``User.number``).

A sheet with any error imports nothing: the preview lists every problem at once, the administrator fixes the
file and uploads it again. Importing the same sheet twice changes nothing the second time. New people get the
number as their username and no local password: they sign in through the school's account system.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any
from zipfile import BadZipFile

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from jiesu.org.models import Campus, RequesterKind, User
from jiesu.people.errors import PeopleError
from jiesu.people.models import PeopleAction, PeopleLog
from jiesu.people.services import PHONE
from jiesu.textcheck import is_single_email

MAX_ROWS = 5000
NUMBER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
# The sheet's columns: field, header (translated, so the template and the preview speak the site's language),
# required. Headers are matched after translation, with surrounding spaces ignored.
COLUMNS: list[tuple[str, Any, bool]] = [
    ("number", gettext_lazy("Student or staff number"), True),
    ("full_name", gettext_lazy("Name"), True),
    ("kind", gettext_lazy("Requester kind"), True),
    ("campus", gettext_lazy("Campus"), False),
    ("phone", gettext_lazy("Mobile phone"), False),
    ("email", gettext_lazy("Email"), False),
]
FIELDS = [name for name, _label, _req in COLUMNS]


@dataclass
class RowCheck:
    """One data row of the sheet: its line number, cleaned values, what importing it would do, its errors."""

    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    action: str = ""  # "create", "update" or "unchanged" when the row is valid


@dataclass
class SheetCheck:
    """The whole sheet: problems with the file itself, then its rows."""

    errors: list[str] = field(default_factory=list)
    rows: list[RowCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def bad_rows(self) -> list[RowCheck]:
        return [r for r in self.rows if r.errors]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def count_create(self) -> int:
        return self.count("create")

    @property
    def count_update(self) -> int:
        return self.count("update")

    @property
    def count_unchanged(self) -> int:
        return self.count("unchanged")


def template_workbook() -> bytes:
    """The template to download: the header row and a sheet explaining the columns."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("People")  # type: ignore[union-attr]
    sheet.append([str(label) for _n, label, _r in COLUMNS])  # type: ignore[union-attr]
    notes = book.create_sheet(_("Notes"))
    kinds = "、".join(str(label) for label in RequesterKind.labels)
    campuses = "、".join(Campus.objects.values_list("name", flat=True))
    for line in (
        _("One person per row; the first row holds the column names and must be kept."),
        _("Required: student or staff number, name, requester kind (%(kinds)s).") % {"kinds": kinds},
        _("Optional: campus (%(campuses)s), mobile phone, email.") % {"campuses": campuses},
        _("A number already in Jiesu updates that person; a new number adds a person."),
        _("If any row has an error, nothing is imported."),
    ):
        notes.append([line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a cell
    return str(value).strip()


def read_sheet(data: bytes) -> SheetCheck:
    """Read the first sheet of an .xlsx file into raw rows, then check them (``check_rows``)."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError, TypeError):
        return SheetCheck(
            errors=[_("This is not an Excel (.xlsx) file. Download the template and fill it in.")]
        )
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = [_text(v) for v in next(lines, ())]
    positions: dict[str, int] = {}
    missing = []
    for name, label, required in COLUMNS:
        if str(label) in header:
            positions[name] = header.index(str(label))
        elif required:
            missing.append(str(label))
    if missing:
        book.close()
        return SheetCheck(errors=[_("Missing column(s): %(names)s.") % {"names": "、".join(missing)}])
    raw: list[tuple[int, dict[str, str]]] = []
    for line, cells in enumerate(lines, start=2):
        values = {n: _text(cells[i]) if i < len(cells) else "" for n, i in positions.items()}
        if not any(values.values()):
            continue
        if len(raw) == MAX_ROWS:
            book.close()
            return SheetCheck(errors=[_("The sheet has more than %(n)d people: split it.") % {"n": MAX_ROWS}])
        raw.append((line, {n: values.get(n, "") for n in FIELDS}))
    book.close()
    if not raw:
        return SheetCheck(errors=[_("The sheet has no people in it.")])
    return check_rows(raw)


def _check_values(values: dict[str, str], kinds: dict[str, str], campuses: dict[str, int]) -> list[str]:
    """A row's own errors (the values alone, without the other rows or the database)."""
    errors = []
    labels = {n: str(label) for n, label, _r in COLUMNS}
    for name, _label, required in COLUMNS:
        value = values[name]
        if required and not value:
            errors.append(_("%(field)s is empty.") % {"field": labels[name]})
        if "<" in value or ">" in value or any(ord(c) < 32 for c in value):
            errors.append(
                _("%(field)s may not contain angle brackets or control characters.") % {"field": labels[name]}
            )
    number, name = values["number"], values["full_name"]
    if number and (len(number) > 32 or not set(number) <= NUMBER_CHARS):
        errors.append(_("The number may contain only letters, digits, hyphens and underscores (at most 32)."))
    if len(name) > 64:
        errors.append(_("The name is too long (at most 64 characters)."))
    if values["kind"] and values["kind"] not in kinds:
        errors.append(
            _("Unknown requester kind “%(value)s”: use one of %(kinds)s.")
            % {"value": values["kind"], "kinds": "、".join(str(k) for k in RequesterKind.labels)}
        )
    if values["campus"] and values["campus"] not in campuses:
        errors.append(_("Unknown campus “%(value)s”.") % {"value": values["campus"]})
    if values["phone"] and not PHONE.match(values["phone"]):
        errors.append(_("The mobile phone number is not valid."))
    if values["email"] and not is_single_email(values["email"]):
        errors.append(_("The email address is not valid."))
    return errors


def check_rows(raw: list[tuple[int, dict[str, str]]]) -> SheetCheck:
    """Check every row against the others (a number twice) and the database (who exists; a username taken by
    another person), and work out what importing each would do. Reads only."""
    kinds = {str(label): value for value, label in RequesterKind.choices} | {
        k: k for k in RequesterKind.values
    }
    campuses = dict(Campus.objects.values_list("name", "id")) | dict(Campus.objects.values_list("code", "id"))
    numbers = [v["number"] for _l, v in raw if v["number"]]
    existing = {u.number: u for u in User.objects.filter(number__in=numbers).select_related("campus")}
    usernames = dict(User.objects.filter(username__in=numbers).values_list("username", "number"))
    seen: dict[str, int] = {}
    result = SheetCheck()
    for line, values in raw:
        row = RowCheck(line=line, values=values, errors=_check_values(values, kinds, campuses))
        number = values["number"]
        if number in seen:
            row.errors.append(
                _("The number %(number)s is already on line %(line)d.")
                % {"number": number, "line": seen[number]}
            )
        elif number:
            seen[number] = line
        if number and number not in existing and number in usernames:
            row.errors.append(_("The username %(number)s belongs to another person.") % {"number": number})
        if not row.errors:
            row.values = {**values, "kind": kinds[values["kind"]]}
            person = existing.get(number)
            row.action = (
                "create"
                if person is None
                else ("update" if _changes(person, row.values, campuses) else "unchanged")
            )
        result.rows.append(row)
    return result


def _changes(person: User, values: dict[str, str], campuses: dict[str, int]) -> dict[str, list[Any]]:
    """What importing ``values`` would change on ``person``: field → [old, new]. Empty optional cells keep
    what is there (a sheet without e-mail addresses does not erase them)."""
    wanted: dict[str, Any] = {"full_name": values["full_name"], "kind": values["kind"]}
    if values["campus"]:
        wanted["campus_id"] = campuses[values["campus"]]
    if values["phone"]:
        wanted["phone"] = values["phone"]
    if values["email"]:
        wanted["email"] = values["email"]
    return {k: [getattr(person, k), v] for k, v in wanted.items() if getattr(person, k) != v}


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def people_import(*, actor: User, rows: list[tuple[int, dict[str, str]]]) -> ImportResult:
    """Import checked rows: checked again inside the transaction (the database may have changed since the
    preview); any error refuses the whole sheet and writes nothing. Each created or changed person gets a log
    row."""
    check = check_rows(rows)
    if not check.ok:
        bad = check.bad_rows
        raise PeopleError(
            _("The sheet has errors on %(n)d row(s); nothing was imported.") % {"n": len(bad)},
            code="sheet_errors",
        )
    campuses = dict(Campus.objects.values_list("name", "id")) | dict(Campus.objects.values_list("code", "id"))
    existing = {
        u.number: u
        for u in User.objects.select_for_update().filter(number__in=[r.values["number"] for r in check.rows])
    }
    try:
        with transaction.atomic():
            created, updated, logs = _write(actor, check, existing, campuses)
    except IntegrityError as exc:  # a person with one of these numbers was added meanwhile
        raise PeopleError(
            _("Someone else changed these people at the same time; check the sheet again."), code="race"
        ) from exc
    PeopleLog.objects.bulk_create(logs)
    return ImportResult(created=created, updated=updated, unchanged=len(check.rows) - created - updated)


def _write(
    actor: User, check: SheetCheck, existing: dict[str, User], campuses: dict[str, int]
) -> tuple[int, int, list[PeopleLog]]:
    logs: list[PeopleLog] = []
    created = updated = 0
    for row in check.rows:
        values = row.values
        person = existing.get(values["number"])
        if person is None:
            person = User(username=values["number"], number=values["number"])
            person.set_unusable_password()
            changes = _changes(person, values, campuses)
            for key, (_old, new) in changes.items():
                setattr(person, key, new)
            person.save()
            created += 1
            action, summary = PeopleAction.PERSON_IMPORTED, _("Imported %(name)s (%(number)s)")
        else:
            changes = _changes(person, values, campuses)
            if not changes:
                continue
            for key, (_old, new) in changes.items():
                setattr(person, key, new)
            person.save(update_fields=list(changes))
            updated += 1
            action, summary = PeopleAction.PERSON_UPDATED, _("Updated %(name)s (%(number)s) from a sheet")
        logs.append(
            PeopleLog(
                actor=actor,
                action=action,
                person=person,
                summary=summary % {"name": person.full_name, "number": person.number},
                details={k: [str(o), str(n)] for k, (o, n) in changes.items()},
            )
        )
    return created, updated, logs
