"""R10: who sees a ticket — for each role × each ticket page, download and API endpoint: who sees it, who gets
404, and who sees masked contacts (issue 4, "an access matrix")."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jiesu.api.services import token_create
from jiesu.tickets import services
from jiesu.tickets.attachments import attachments_add
from jiesu.tickets.models import Attachment, Event, Ticket

PHONE = "13812345678"
MASKED = "138****5678"

# role → (sees the ticket, may reveal the full contact). requester A is "student", B is "teacher".
MATRIX = {
    "student": (True, None),  # requester A: own ticket, own contact in full
    "teacher": (False, False),  # requester B
    "officer": (True, True),  # lead unit's information officer
    "handler": (True, True),  # lead unit's staff
    "head": (True, True),  # lead unit's head
    "nic_officer": (False, False),  # an unrelated unit
    "library_officer": (True, False),  # a co-handling unit
    "dispatcher": (True, True),  # the Office
    "duty": (True, True),  # the duty room (Office)
    "leader": (True, False),
    "inspector": (True, True),
    "assessor": (False, False),  # organization department: aggregates only
}


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"\x00\xff\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def matrix_ticket(web_ticket, person, unit) -> tuple[Ticket, Attachment]:
    ticket = web_ticket()
    services.ticket_dispatch(
        actor=person("dispatcher"),
        ticket=ticket,
        lead_unit=unit("logistics"),
        cohandling_units=[unit("library")],
    )
    (attachment,) = attachments_add(
        actor=person("student"),
        ticket=ticket,
        files=[SimpleUploadedFile("photo.png", png(), content_type="image/png")],
    )
    return ticket, attachment


def _create_token(user) -> str:
    return token_create(user=user, name="matrix").secret


@pytest.mark.django_db
@pytest.mark.parametrize("username", sorted(MATRIX))
def test_access_matrix(matrix_ticket, person, username: str) -> None:
    ticket, attachment = matrix_ticket
    sees, may_reveal = MATRIX[username]
    user = person(username)
    web = Client()
    web.force_login(user)
    page = web.get(f"/tickets/{ticket.number}/")
    download = web.get(f"/attachments/{attachment.pk}/")
    api = Client(headers={"Authorization": f"Bearer {_create_token(user)}"})
    detail = api.get(f"/api/v1/tickets/{ticket.number}")
    reveal = api.post(f"/api/v1/tickets/{ticket.number}/contact/reveal", content_type="application/json")

    if not sees:
        for response in (page, download, detail, reveal):
            assert response.status_code == 404, (username, response.request["PATH_INFO"])
        assert ticket.number not in api.get("/api/v1/tickets", {"list": "all"}).content.decode()
        return

    assert page.status_code == 200 and download.status_code == 200 and detail.status_code == 200
    body = page.content.decode()
    contact = detail.json()["contact"]
    if username == "student":
        assert PHONE in body and contact["phone"] == PHONE and contact["masked"] is False
        return
    # R10.2: staff see the contact masked until an audited reveal.
    assert PHONE not in body and MASKED in body
    assert contact["phone"] == MASKED and contact["revealable"] is may_reveal
    reveals = Event.objects.filter(ticket=ticket, action="reveal_contact", actor=user).count()
    if may_reveal:
        assert reveal.status_code == 200 and reveal.json()["phone"] == PHONE
        assert reveals == 1
    else:
        assert reveal.status_code == 403 and reveals == 0


@pytest.mark.django_db
def test_download_is_an_attachment_with_the_sniffed_type(matrix_ticket, person) -> None:
    ticket, attachment = matrix_ticket
    web = Client()
    web.force_login(person("officer"))
    response = web.get(f"/attachments/{attachment.pk}/")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content if response.streaming else [response.content]).startswith(
        b"\x89PNG"
    )
