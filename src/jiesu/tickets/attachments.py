"""Attachments (R1.2): the type is sniffed from the bytes, files live under MEDIA_ROOT (outside the web root),
and a ticket is created together with its attachments or not at all.

Accepted: images (JPEG, PNG, GIF, WebP), PDF, Office files — OOXML (docx/xlsx/pptx, checked through the
package's ``[Content_Types].xml`` and main part) and legacy OLE2 (doc/xls/ppt, checked through the stream name
of the main part, so an OLE2 installer (.msi) is refused). At most 5 per ticket, 10 MB each.
"""

from __future__ import annotations

import contextlib
import os
import unicodedata
import uuid
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from jiesu.org.models import User
from jiesu.tickets.errors import DomainError, NotAllowed
from jiesu.tickets.models import Attachment, Ticket
from jiesu.tickets.permissions import visible_tickets
from jiesu.tickets.services import Created, base, ticket_create

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
_HEAD = 4096
_MAX_CONTENT_TYPES_XML = 256 * 1024  # [Content_Types].xml is a few KB; never inflate a bomb


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str


JPEG = Kind("image/jpeg", ".jpg")
PNG = Kind("image/png", ".png")
GIF = Kind("image/gif", ".gif")
WEBP = Kind("image/webp", ".webp")
PDF = Kind("application/pdf", ".pdf")
DOC = Kind("application/msword", ".doc")
XLS = Kind("application/vnd.ms-excel", ".xls")
PPT = Kind("application/vnd.ms-powerpoint", ".ppt")
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
PPTX = Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx")

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# The main part's content type inside [Content_Types].xml; macro-enabled variants (docm …) differ and are refused.
_OOXML_MAIN = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
# The stream that makes an OLE2 compound file a Word, Excel or PowerPoint file (names are UTF-16LE entries).
_OLE2_STREAMS = (
    (DOC, "WordDocument"),
    (XLS, "Workbook"),
    (XLS, "Book"),
    (PPT, "PowerPoint Document"),
)


def _sniff_image_or_pdf(head: bytes) -> Kind | None:
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def _sniff_ooxml(stream: IO[bytes]) -> Kind | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _MAX_CONTENT_TYPES_XML:
                return None
            types = archive.read(info).decode("utf-8", "replace")
            names = set(archive.namelist())
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError, NotImplementedError):
        return None
    main_parts = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml", PPTX: "ppt/presentation.xml"}
    for kind, main_type in _OOXML_MAIN.items():
        if f'ContentType="{main_type}"' in types and main_parts[kind] in names:
            return kind
    return None


def _sniff_ole2(stream: IO[bytes]) -> Kind | None:
    # The directory entries hold the stream names in UTF-16LE; the main stream tells the application.
    data = stream.read(MAX_BYTES + 1)
    for kind, name in _OLE2_STREAMS:
        if name.encode("utf-16-le") + b"\x00\x00" in data:
            return kind
    return None


def sniff(stream: IO[bytes]) -> Kind | None:
    """The file's type from its bytes (never from its name or the browser's claim); None when not accepted."""
    stream.seek(0)
    head = stream.read(_HEAD)
    stream.seek(0)
    try:
        kind = _sniff_image_or_pdf(head)
        if kind is None and head.startswith(ZIP_MAGIC):
            kind = _sniff_ooxml(stream)
        elif kind is None and head.startswith(OLE2_MAGIC):
            kind = _sniff_ole2(stream)
    finally:
        stream.seek(0)
    return kind


def clean_name(name: str, kind: Kind) -> str:
    """A display name without path parts or control characters, ending in the sniffed type's extension."""
    base_name = os.path.basename(name.replace("\\", "/")).strip()
    base_name = "".join(c for c in base_name if unicodedata.category(c)[0] != "C")
    stem, ext = os.path.splitext(base_name)
    stem = (stem or _("attachment"))[:150]
    if ext.lower() != kind.extension and not (kind is JPEG and ext.lower() == ".jpeg"):
        ext = kind.extension
    return f"{stem}{ext}"


@dataclass(frozen=True)
class Checked:
    upload: Any  # an UploadedFile (or any Django File)
    kind: Kind
    name: str
    size: int


def check_files(files: Sequence[Any], *, already: int = 0) -> list[Checked]:
    """R1.2: count, size and sniffed type of every file, before anything is written. Raises DomainError."""
    if already + len(files) > MAX_FILES:
        raise DomainError(_("At most 5 attachments per request."), field="attachments", code="too_many_files")
    checked = []
    for upload in files:
        display = os.path.basename(str(getattr(upload, "name", "") or ""))
        size = int(upload.size)
        if size > MAX_BYTES:
            raise DomainError(
                _("“%(name)s” is larger than 10 MB.") % {"name": display},
                field="attachments",
                code="file_too_large",
            )
        if size == 0:
            raise DomainError(
                _("“%(name)s” is empty.") % {"name": display}, field="attachments", code="file_empty"
            )
        kind = sniff(upload)
        if kind is None:
            raise DomainError(
                _(
                    "“%(name)s” is not an accepted file. Attach images (JPEG, PNG, GIF, WebP), PDF or Office files "
                    "(Word, Excel, PowerPoint)."
                )
                % {"name": display},
                field="attachments",
                code="file_type",
            )
        checked.append(Checked(upload, kind, clean_name(display, kind), size))
    return checked


@contextlib.contextmanager
def _delete_on_failure() -> Iterator[list[Attachment]]:
    """Files are written inside the transaction; if it fails, the files written so far are removed."""
    saved: list[Attachment] = []
    try:
        yield saved
    except BaseException:
        for attachment in saved:
            with contextlib.suppress(OSError):
                if attachment.file.name:
                    attachment.file.storage.delete(attachment.file.name)
        raise


def _save_all(actor: User | None, ticket: Ticket, files: Sequence[Any], saved: list[Attachment]) -> None:
    locked = base.lock(ticket)
    checked = check_files(files, already=Attachment.objects.filter(ticket=locked).count())
    at = base.now()
    for item in checked:
        attachment = Attachment(
            ticket=locked,
            name=item.name,
            content_type=item.kind.content_type,
            size=item.size,
            uploaded_by=actor,
            uploaded_at=at,
        )
        item.upload.seek(0)
        # A random stored name: the requester's file name never reaches the file system.
        attachment.file.save(f"{uuid.uuid4().hex}{item.kind.extension}", File(item.upload), save=False)
        saved.append(attachment)
        attachment.save()
        base.record(
            locked,
            actor=actor,
            action="attachment_added",
            at=at,
            after={"name": item.name, "content_type": item.kind.content_type, "size": item.size},
        )


def attachments_add(*, actor: User | None, ticket: Ticket, files: Sequence[Any]) -> list[Attachment]:
    """Attach ``files`` to ``ticket`` (R1.2): all are accepted and saved, or none (no row, no file on disk)."""
    if not files:
        return []
    if actor is not None and not visible_tickets(actor).filter(pk=ticket.pk).exists():
        raise NotAllowed(_("You may not add attachments to this ticket."))
    with _delete_on_failure() as saved, transaction.atomic():
        _save_all(actor, ticket, files, saved)
    return saved


def ticket_create_with_attachments(*, actor: User | None, files: Sequence[Any], **fields: Any) -> Created:
    """R1.2: create the ticket and save its attachments in one transaction; a bad file leaves nothing behind.

    The files written are removed if anything in the transaction fails, the commit included.
    """
    check_files(files)  # refuse before a number is spent or a byte is written
    with _delete_on_failure() as saved, transaction.atomic():
        created = ticket_create(actor=actor, **fields)
        if files:
            _save_all(actor, created.ticket, files, saved)
    return created
