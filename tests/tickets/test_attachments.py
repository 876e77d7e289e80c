"""Attachments (R1.2): sniffed types, limits, all-or-nothing with the ticket, permission-checked downloads (R10)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jiesu.tickets import attachments, services
from jiesu.tickets.attachments import attachments_add, check_files, clean_name, sniff
from jiesu.tickets.errors import DomainError, NotAllowed
from jiesu.tickets.models import Attachment, Event, Ticket

CT = "[Content_Types].xml"
MAIN = "application/vnd.openxmlformats-officedocument.{}.main+xml"


def ooxml(main_type: str, part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            CT,
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/{part}" ContentType="{main_type}"/></Types>',
        )
        archive.writestr(part, "<xml/>")
    return buffer.getvalue()


def ole2(stream_name: str) -> bytes:
    entry = stream_name.encode("utf-16-le") + b"\x00\x00"
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + entry.ljust(64, b"\x00") + b"\x00" * 448


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX = ooxml(MAIN.format("wordprocessingml.document"), "word/document.xml")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200

SAMPLES = {
    "png": (PNG, "image/png"),
    "jpeg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "image/jpeg"),
    "gif": (b"GIF89a\x01\x00\x01\x00" + b"\x00" * 16, "image/gif"),
    "webp": (b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32, "image/webp"),
    "pdf": (PDF, "application/pdf"),
    "docx": (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (
        ooxml(MAIN.format("spreadsheetml.sheet"), "xl/workbook.xml"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "pptx": (
        ooxml(MAIN.format("presentationml.presentation"), "ppt/presentation.xml"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "doc": (ole2("WordDocument"), "application/msword"),
    "xls": (ole2("Workbook"), "application/vnd.ms-excel"),
    "ppt": (ole2("PowerPoint Document"), "application/vnd.ms-powerpoint"),
}
REFUSED = {
    "exe": EXE,
    "msi (OLE2 without an Office stream)": ole2("SummaryInformation"),
    "plain zip": ooxml("application/xml", "readme.xml"),
    "docm (macro-enabled)": ooxml(
        "application/vnd.ms-word.document.macroEnabled.main+xml", "word/document.xml"
    ),
    "docx type without its main part": ooxml(MAIN.format("wordprocessingml.document"), "other.xml"),
    "html": b"<!doctype html><script>alert(1)</script>",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "truncated zip": b"PK\x03\x04garbage",
}


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def web_post(client: Client, files: list[SimpleUploadedFile], beijing) -> object:
    data = {
        "type": "help",
        "campus": beijing.pk,
        "content": "图书馆三楼自习室空调不制冷，请检修。",
        "contact_phone": "13812345678",
        "attachments": files,
    }
    return client.post(reverse("intake:new"), data)


@pytest.mark.parametrize("label", sorted(SAMPLES))
def test_accepted_types_are_sniffed_from_the_bytes(label: str) -> None:
    """Images, PDF and Office files are recognised from their bytes, whatever the name says."""
    data, content_type = SAMPLES[label]
    kind = sniff(io.BytesIO(data))
    assert kind is not None and kind.content_type == content_type


@pytest.mark.parametrize("label", sorted(REFUSED))
def test_other_bytes_are_refused(label: str) -> None:
    """Executables, installers, plain archives, macro documents and markup are not accepted."""
    assert sniff(io.BytesIO(REFUSED[label])) is None


def test_display_name_loses_paths_and_takes_the_sniffed_extension() -> None:
    """The stored display name never carries a path and always ends in the real type's extension."""
    png = sniff(io.BytesIO(PNG))
    assert png is not None
    assert clean_name("../../etc/照片.pdf", png) == "照片.png"
    assert clean_name("C:\\Users\\a\\scan.PNG", png) == "scan.PNG"
    assert clean_name("", png).endswith(".png")


def test_limits_are_checked_before_anything_is_written() -> None:
    """Six files, an 11 MB file and an empty file are refused with their own codes."""
    with pytest.raises(DomainError) as too_many:
        check_files([upload(f"{i}.png", PNG) for i in range(6)])
    assert too_many.value.code == "too_many_files"
    with pytest.raises(DomainError) as too_large:
        check_files([upload("big.pdf", PDF + b"\x00" * (11 * 1024 * 1024))])
    assert too_large.value.code == "file_too_large"
    with pytest.raises(DomainError) as empty:
        check_files([upload("empty.pdf", b"")])
    assert empty.value.code == "file_empty"


@pytest.mark.django_db
def test_web_request_with_png_pdf_and_docx_saves_all_three(
    client: Client, person, beijing, media: Path
) -> None:
    """A request with three good files creates the ticket, three attachments on disk and three history rows."""
    student = person("student")
    client.force_login(student)
    files = [upload("photo.png", PNG, "image/png"), upload("scan.pdf", PDF), upload("letter.docx", DOCX)]
    response = web_post(client, files, beijing)
    assert response.status_code == 302
    ticket = Ticket.objects.get(requester=student)
    saved = list(Attachment.objects.filter(ticket=ticket).order_by("id"))
    assert [a.name for a in saved] == ["photo.png", "scan.pdf", "letter.docx"]
    assert [a.content_type for a in saved] == ["image/png", "application/pdf", SAMPLES["docx"][1]]
    assert [a.size for a in saved] == [len(PNG), len(PDF), len(DOCX)]
    assert len(stored_files(media)) == 3
    for attachment in saved:
        # A random stored name: the requester's file name never reaches the file system.
        assert "photo" not in attachment.file.name and Path(attachment.file.path).is_relative_to(media)
    assert Event.objects.filter(ticket=ticket, action="attachment_added").count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "files",
    [
        pytest.param([upload("invoice.pdf", EXE, "application/pdf")], id="exe renamed pdf"),
        pytest.param([upload(f"{i}.png", PNG, "image/png") for i in range(6)], id="six files"),
        pytest.param([upload("big.pdf", PDF + b"\x00" * (11 * 1024 * 1024), "application/pdf")], id="11 MB"),
        pytest.param([upload("ok.png", PNG, "image/png"), upload("x.pdf", EXE)], id="one bad among good"),
    ],
)
def test_rejected_files_leave_nothing(client: Client, person, beijing, media: Path, files) -> None:
    """A refused file shows an error and saves nothing: no ticket, no attachment row, no file on disk."""
    client.force_login(person("student"))
    response = web_post(client, files, beijing)
    assert response.status_code == 200
    assert response.context["form"].errors["attachments"]
    assert not Ticket.objects.exists() and not Attachment.objects.exists()
    assert stored_files(media) == []


@pytest.mark.django_db
def test_a_failure_after_writing_removes_the_written_files(
    client: Client, person, beijing, media: Path, monkeypatch
) -> None:
    """If the transaction fails after a file was written, the ticket is rolled back and the file deleted."""
    real_record = attachments.base.record
    calls = {"n": 0}

    def failing_record(ticket, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("action") == "attachment_added":
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("disk full")
        return real_record(ticket, **kwargs)

    monkeypatch.setattr(attachments.base, "record", failing_record)
    client.force_login(person("student"))
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        web_post(client, [upload("a.png", PNG), upload("b.pdf", PDF)], beijing)
    assert calls["n"] == 2
    assert not Ticket.objects.exists() and not Attachment.objects.exists()
    assert stored_files(media) == []


@pytest.mark.django_db
def test_no_more_than_five_per_ticket_in_total(web_ticket, person, media: Path) -> None:
    """R1.2: later additions count the ticket's existing attachments."""
    ticket = web_ticket()
    student = person("student")
    attachments_add(actor=student, ticket=ticket, files=[upload(f"{i}.png", PNG) for i in range(4)])
    with pytest.raises(DomainError):
        attachments_add(actor=student, ticket=ticket, files=[upload("5.png", PNG), upload("6.png", PNG)])
    assert Attachment.objects.filter(ticket=ticket).count() == 4
    assert len(stored_files(media)) == 4


@pytest.mark.django_db
def test_someone_who_cannot_see_the_ticket_cannot_attach(web_ticket, person, media: Path) -> None:
    """R10: another requester may not add files to a ticket they cannot see."""
    ticket = web_ticket()
    with pytest.raises(NotAllowed):
        attachments_add(actor=person("teacher"), ticket=ticket, files=[upload("a.png", PNG)])
    assert stored_files(media) == []


@pytest.fixture
def dispatched_attachment(web_ticket, person, unit, media: Path) -> Attachment:
    """A student's PNG on a ticket dispatched to 后勤管理处 (logistics)."""
    ticket = web_ticket()
    (attachment,) = attachments_add(actor=person("student"), ticket=ticket, files=[upload("暖气.png", PNG)])
    services.ticket_dispatch(actor=person("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    return attachment


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("officer", 200),
        ("student", 200),
        ("dispatcher", 200),
        ("teacher", 404),
        ("library_officer", 404),
        ("assessor", 404),
    ],
)
def test_download_only_for_those_who_see_the_ticket(
    client: Client, person, dispatched_attachment: Attachment, username: str, status: int
) -> None:
    """R10: the lead unit, the requester and the Office download; another requester or unit gets 404."""
    client.force_login(person(username))
    response = client.get(reverse("intake:attachment", args=[dispatched_attachment.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PNG
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_download_needs_sign_in_and_unknown_ids_are_404(
    client: Client, person, dispatched_attachment: Attachment
) -> None:
    """Anonymous visitors are sent to sign in; an unknown id answers like a forbidden one."""
    url = reverse("intake:attachment", args=[dispatched_attachment.pk])
    assert client.get(url).status_code == 302
    client.force_login(person("officer"))
    assert client.get(reverse("intake:attachment", args=[dispatched_attachment.pk + 100])).status_code == 404
