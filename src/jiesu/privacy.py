"""The personal-data checker: the board's (R2.2: the public board never shows personal data) and the contacts
inside a request's own words (R10.2: contacts masked outside need-to-know).

It finds names, e-mail addresses, phone numbers, identity-card and student numbers and any other long number in
a text, so the Office sees them highlighted before it publishes, and it masks them. Pure functions: the names to
look for (the writer's, the organization's people) are passed in."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MASK = "***"

# Most specific first: a span taken by an earlier kind is not reported again by a later one. A pattern with a
# group reports only the group (学号 stays, the number is masked).
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")),
    ("id_card", re.compile(r"(?<![0-9])[1-9]\d{16}[\dXx](?![0-9])")),
    ("phone", re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![0-9])")),
    ("phone", re.compile(r"(?<![0-9])0\d{2,3}[- ]\d{7,8}(?![0-9])")),
    # A local number has no shape of its own (88561833 could be a date): only after a word naming a phone.
    ("phone", re.compile(r"(?:座机|电话|手机|联系电话|办公电话|分机)[:：\s]*(\d{7,8})(?![0-9])")),
    ("student_id", re.compile(r"(?:学号|工号|学籍号)[:：\s]*([A-Za-z]{0,2}\d{4,})")),
    ("number", re.compile(r"(?<![0-9])\d{5,}(?![0-9])")),
    ("name", re.compile(r"(?:我叫|本人叫|名叫|姓名[:：\s]*|联系人[:：\s]*)([\u4e00-\u9fff]{2,3})")),
)

KIND_LABELS = {
    "email": _("E-mail address"),
    "id_card": _("Identity card number"),
    "phone": _("Phone number"),
    "student_id": _("Student or staff number"),
    "number": _("Number"),
    "name": _("Name"),
}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])


@dataclass(frozen=True)
class Segment:
    """A piece of text, ``kind`` set when it is personal data (the Office's page highlights it)."""

    text: str
    kind: str = ""

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind]) if self.kind else ""


def find(text: str, names: Iterable[str] = (), kinds: frozenset[str] | None = None) -> list[Finding]:
    """Every personal datum in ``text`` (of ``kinds``, if given), in order, without overlaps."""
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int) -> None:
        if any(start < b and a < end for a, b in taken):
            return
        taken.append((start, end))
        found.append(Finding(kind, start, end, text[start:end]))

    for kind, pattern in _PATTERNS:
        if kinds is not None and kind not in kinds:
            continue
        for match in pattern.finditer(text):
            add(kind, *match.span(1 if pattern.groups else 0))  # a context word stays; its datum goes
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True):
        start = text.find(name)
        while start != -1:
            add("name", start, start + len(name))
            start = text.find(name, start + len(name))
    return sorted(found, key=lambda f: f.start)


def mask(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with every finding replaced by ``MASK``."""
    out, last = [], 0
    for finding in find(text, names):
        out += [text[last : finding.start], MASK]
        last = finding.end
    out.append(text[last:])
    return "".join(out)


def mask_phone(phone: str) -> str:
    """R10.2: 13812341234 → 138****1234; short numbers keep only their last two digits."""
    digits = phone.strip()
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    if len(digits) > 4:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "****" if digits else ""


def mask_email(email: str) -> str:
    """R10.2: z***@example.edu.cn."""
    if "@" not in email:
        return ""
    local, domain = email.split("@", 1)
    return (local[:1] + "***@" + domain) if local else "***@" + domain


CONTACT_KINDS = frozenset({"email", "id_card", "phone"})


def _masked(finding: Finding) -> str:
    """A contact as the contact block shows it masked: 138****1234, z***@example.edu.cn; an ID number wholly."""
    if finding.kind == "phone":
        return mask_phone("".join(c for c in finding.text if c.isdigit() or c == "+"))
    if finding.kind == "email":
        return mask_email(finding.text)
    return MASK


def mask_contacts(text: str) -> str:
    """``text`` with phone numbers, e-mail addresses and identity-card numbers masked (R10.2), the one masker of
    contacts written into free text: a request's subject and words, and what staff messages quote. Shown like
    the contact fields (138****5678, l***@example.com) unless the viewer revealed them. Names, dates, room and
    student numbers stay (a unit needs them to act)."""
    out, last = [], 0
    for finding in find(text, kinds=CONTACT_KINDS):
        if finding.kind in CONTACT_KINDS:
            out += [text[last : finding.start], _masked(finding)]
            last = finding.end
    out.append(text[last:])
    return "".join(out)


def segments(text: str, names: Iterable[str] = ()) -> list[Segment]:
    """``text`` cut into plain and personal pieces, for highlighting (the template escapes each piece)."""
    out, last = [], 0
    for finding in find(text, names):
        if finding.start > last:
            out.append(Segment(text[last : finding.start]))
        out.append(Segment(finding.text, finding.kind))
        last = finding.end
    if last < len(text):
        out.append(Segment(text[last:]))
    return out
