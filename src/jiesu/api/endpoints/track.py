"""The public tracking lookup: number + secret code → status and sent replies, nothing more (R10.1)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router

from jiesu.api import presenters
from jiesu.api.endpoints.tickets import ERRORS
from jiesu.api.schemas import TrackOut
from jiesu.api.throttles import ClientRateThrottle
from jiesu.tickets.models import Ticket
from jiesu.tickets.services.base import tracking_code_matches

router = Router(tags=["public"])


@router.get(
    "/track",
    auth=None,
    throttle=[ClientRateThrottle("30/m")],
    response={200: TrackOut, **ERRORS},
    summary="Track a request by its number and tracking code (no sign-in)",
)
def track(request: HttpRequest, number: str, code: str) -> dict[str, Any]:
    """A wrong code and an unknown number answer the same 404, so numbers cannot be probed."""
    ticket = Ticket.objects.filter(number=number.strip()).first()
    if ticket is None or not tracking_code_matches(ticket, code):
        raise Http404
    return presenters.tracked(ticket)
