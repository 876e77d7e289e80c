"""Open311 GeoReport v2 at ``/open311/v2/`` (issue 15 item 8): discovery, services (the catalogue's leaves), a
service's definition, POST a request (``api_key``: a bearer token of a person who may record referrals), GET
requests and one request. ``.json`` or ``.xml`` on each; errors as ``[{"code", "description"}]``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from jiesu.api.selectors import active_token
from jiesu.open311 import formats, selectors, services
from jiesu.org.models import Campus
from jiesu.org.selectors import roles_for
from jiesu.tickets.models import TicketType

SPEC = "http://wiki.open311.org/GeoReport_v2"


@require_GET
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:discovery", args=[fmt])).rsplit("/", 1)[0] + "/"
    body = {
        "changeset": "2026-12-07T00:00:00+08:00",
        "contact": _("The Party and Administration Office"),
        "key_service": _("Ask the Office for an API token of a person who may record referrals."),
        "endpoints": [
            {
                "specification": SPEC,
                "url": base,
                "changeset": "2026-12-07T00:00:00+08:00",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return formats.answer(fmt, "discovery", body)


@require_GET
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return formats.answer(fmt, "services", selectors.services())


@require_GET
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    matter = selectors.service(code)
    if matter is None:
        return formats.error(fmt, 404, _("No service with code %(code)s.") % {"code": code[:64]})

    def values(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
        return [{"key": key, "name": name} for key, name in pairs]

    campuses = list(Campus.objects.order_by("sort_order", "id").values_list("code", "name"))
    attributes = [
        _attribute("campus", _("Campus"), "singlevaluelist", True, 1, values(campuses)),
        _attribute(
            "type",
            _("Request type"),
            "singlevaluelist",
            False,
            2,
            values([(k, str(v)) for k, v in TicketType.choices]),
        ),
        _attribute("reference", _("The source's reference number"), "string", False, 3),
        _attribute("source", _("The referring body (default Open311)"), "string", False, 4),
        _attribute("due", _("The source's own deadline (ISO 8601)"), "datetime", False, 5),
    ]
    return formats.answer(fmt, "service_definition", {"service_code": matter.code, "attributes": attributes})


def _attribute(
    code: str, description: str, datatype: str, required: bool, order: int, values: list | None = None
) -> dict[str, object]:
    out: dict[str, object] = {
        "variable": True,
        "code": code,
        "datatype": datatype,
        "required": required,
        "datatype_description": None,
        "order": order,
        "description": str(description),
    }
    if values is not None:
        out["values"] = values
    return out


@csrf_exempt  # an API key, not a session, authorizes the POST
@require_http_methods(["GET", "POST"])
def request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _submit(request, fmt)
    query = request.GET
    start, end = query.get("start_date", ""), query.get("end_date", "")
    dates = [services.instant(v) if v else None for v in (start, end)]
    if (start and dates[0] is None) or (end and dates[1] is None):
        return formats.error(fmt, 400, _("start_date and end_date must be ISO 8601 dates and times."))
    statuses = [s for s in query.get("status", "").split(",") if s]
    if set(statuses) - {"open", "closed"}:
        return formats.error(fmt, 400, _("status must be open, closed or both."))
    found = selectors.requests(
        numbers=[n.strip() for n in query.get("service_request_id", "").split(",") if n.strip()],
        codes=[c.strip() for c in query.get("service_code", "").split(",") if c.strip()],
        start=dates[0],
        end=dates[1],
        statuses=statuses,
    )
    return formats.answer(fmt, "service_requests", [selectors.public(r) for r in found])


@require_GET
def request_detail(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    found = list(selectors.requests(numbers=[number]))
    if not found:
        return formats.error(fmt, 404, _("No service request with id %(id)s.") % {"id": number[:32]})
    return formats.answer(fmt, "service_requests", [selectors.public(found[0])])


def _submit(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    token = active_token(data.get("api_key", "").strip())
    if token is None:
        return formats.error(fmt, 403, _("api_key is missing, invalid or revoked."))
    if not roles_for(token.user).is_office:
        return formats.error(fmt, 403, _("This api_key's person may not record referrals."))
    code = data.get("service_code", "").strip()
    if not code:
        return formats.error(fmt, 400, _("service_code is required."))
    matter = selectors.service(code)
    if matter is None:
        return formats.error(fmt, 400, _("No service with code %(code)s.") % {"code": code[:64]})
    try:
        made = services.request_submit(user=token.user, matter=matter, data=data)
    except services.RequestError as exc:
        return formats.error(fmt, exc.status, exc.description)
    body = [{"service_request_id": made.request.ticket.number, "service_notice": made.notice}]
    return formats.answer(fmt, "service_requests", body, status=201)
