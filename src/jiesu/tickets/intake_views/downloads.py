"""Attachment downloads (R1.2, R10): only through the ticket's permission check; 404 for anyone else."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from jiesu.tickets.intake_views.common import signed_in_user
from jiesu.tickets.models import Attachment
from jiesu.tickets.permissions import get_ticket_for


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Always a download (never rendered inline), with the type sniffed at upload and no browser sniffing."""
    attachment = get_object_or_404(
        Attachment.objects.select_related("ticket").only("ticket__number", "file", "name", "content_type"),
        pk=pk,
    )
    get_ticket_for(
        signed_in_user(request), attachment.ticket.number
    )  # 404 when the ticket is not visible (R10)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
