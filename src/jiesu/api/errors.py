"""Every API error is JSON: ``{"error": {"code": "...", "message": "...", "field": null | "..."}}``.

DomainError keeps its own code and HTTP status (409 for a forbidden move, 403 for a forbidden person, 400 for bad
content); a ticket the caller may not see is 404 like one that does not exist (R10); schema validation is 422.
"""

from __future__ import annotations

import logging
import math
from functools import partial
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from jiesu.api.auth import CsrfFailed, InvalidToken
from jiesu.tickets.errors import DomainError

logger = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    413: "payload_too_large",
    405: "method_not_allowed",
    429: "throttled",
}


class InputError(DomainError):
    """A reference in the request (a unit code, a username, a ticket number) that does not resolve."""

    code = "validation_error"
    status = 422


def error_body(code: str, message: object, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "field": field, **extra}}


def _problem(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind in ("missing", "string_too_short"):
        return _("This field is required.")
    if kind in ("enum", "literal_error"):
        return _("Choose one of the allowed values.")
    if kind.startswith(("int_", "float_", "bool_", "date_", "datetime_", "time_")):
        return _("Enter a valid value.")
    if kind in ("string_too_long", "too_long"):
        return _("The value is too long.")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _("The value is out of range.")
    if kind == "control_characters":
        return _("The text contains control characters (such as a NUL byte); remove them and try again.")
    if kind == "date_range":
        return _("Enter a date between the years 2000 and 2100.")
    if kind in ("json_invalid", "model_attributes_type", "dict_type"):
        return _("The request body is not valid JSON.")
    return str(error.get("msg", _("Enter a valid value.")))


def _field(error: dict[str, Any]) -> str | None:
    loc = [str(part) for part in error.get("loc", ())]
    # ninja's locations start with the source and, for bodies, the parameter name: ("body", "payload", "level").
    if loc and loc[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        loc = loc[1:]
        if loc and loc[0] in ("payload", "filters"):
            loc = loc[1:]
    return ".".join(loc) or None


def _validation(api: NinjaAPI, request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = [{"field": _field(e), "message": _problem(e)} for e in exc.errors]
    first = details[0] if details else {"field": None, "message": _("Enter a valid value.")}
    message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    body = error_body("validation_error", message, first["field"], details=details)
    return api.create_response(request, body, status=422)


def _domain(api: NinjaAPI, request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, error_body(exc.code, exc.message, exc.field), status=exc.status)


def _not_found(api: NinjaAPI, request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


def _unauthenticated(api: NinjaAPI, request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    code = "invalid_token" if isinstance(exc, InvalidToken) else "unauthenticated"
    message = str(exc) if code == "invalid_token" else _("Sign in or send an API token.")
    response = api.create_response(request, error_body(code, message), status=401)
    response["WWW-Authenticate"] = 'Bearer realm="jiesu"'
    return response


def _http_error(api: NinjaAPI, request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = "csrf_failed" if isinstance(exc, CsrfFailed) else _HTTP_CODES.get(exc.status_code, "error")
    message = exc.message
    if exc.status_code == 400:  # ninja's only 400: a body it cannot parse
        message = _("The request body could not be read; send valid JSON.")
    if isinstance(exc, Throttled):
        message = _("Too many requests; wait a while and try again.")
    response = api.create_response(request, error_body(code, message), status=exc.status_code)
    if isinstance(exc, Throttled):
        response["Retry-After"] = str(max(1, math.ceil(exc.wait or 1)))
    return response


def _too_big(api: NinjaAPI, request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body over ``JIESU_MAX_BODY_BYTES`` (Django refuses to read it): 413, never a 500 (issue 17 item 6)."""
    return api.create_response(request, too_big_body(), status=413)


def too_big_body() -> dict[str, Any]:
    return error_body("payload_too_large", _("The request is too large."))


def _suspicious(api: NinjaAPI, request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    """Anything else Django refuses to read (too many fields, a malformed multipart body): 400."""
    return api.create_response(
        request, error_body("bad_request", _("The request could not be read.")), status=400
    )


def _server_error(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return api.create_response(
        request, error_body("server_error", _("Something went wrong on our side.")), status=500
    )


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers with the JSON error shape above."""
    handlers: list[tuple[type[Exception], Any]] = [
        (Exception, _server_error),
        (Http404, _not_found),
        (SuspiciousOperation, _suspicious),
        (RequestDataTooBig, _too_big),
        (HttpError, _http_error),
        (AuthenticationError, _unauthenticated),
        (ValidationError, _validation),
        (DomainError, _domain),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, partial(handler, api))
