"""Error pages in the site's layout, in the site's language, each with a way back (issue 14 item 3).

Mounted as ``handler400/403/404/500`` in ``jiesu.urls`` and as ``CSRF_FAILURE_VIEW``. The 500 page renders
without the navigation (which reads the database): whatever broke the request may break the navigation too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.template.exceptions import TemplateDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import requires_csrf_token

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class ErrorKind:
    status: int
    title: StrOrPromise
    explanation: StrOrPromise


KINDS = {
    400: ErrorKind(
        400,
        gettext_lazy("The request could not be understood"),
        gettext_lazy("Something in the address or the form was not valid. Go back and try again."),
    ),
    403: ErrorKind(
        403,
        gettext_lazy("You may not open this page"),
        gettext_lazy(
            "Your account does not have the right to see this. If you think it should, ask your unit's "
            "information officer or the system administrator."
        ),
    ),
    404: ErrorKind(
        404,
        gettext_lazy("Page not found"),
        gettext_lazy(
            "The address may be mistyped, or the page was moved. To follow a request, use its number and "
            "tracking code on the tracking page."
        ),
    ),
    413: ErrorKind(
        413,
        gettext_lazy("What you sent is too large"),
        gettext_lazy(
            "The form or its text is larger than the site accepts. Shorten the text, send large files as "
            "attachments, and try again."
        ),
    ),
    500: ErrorKind(
        500,
        gettext_lazy("Something went wrong on our side"),
        gettext_lazy(
            "The error has been recorded. Nothing you entered was half-saved: try again in a moment, or call "
            "the hotline of the unit concerned."
        ),
    ),
}


def _render(request: HttpRequest, status: int, *, title: str = "", explanation: str = "") -> HttpResponse:
    kind = KINDS[status]
    context = {
        "code": status,
        "title": title or str(kind.title),
        "explanation": explanation or str(kind.explanation),
        "bare": status == 500,
    }
    try:
        # The 500 page avoids context processors (they query the database); the others have the full shell.
        body: str = loader.render_to_string("web/error.html", context, None if status == 500 else request)
    except TemplateDoesNotExist:  # pragma: no cover - the template ships with the app
        body = f"<h1>{status}</h1>"
    return HttpResponse(body, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django sends here every request it refuses to read; a body over ``JIESU_MAX_BODY_BYTES`` is 413 (issue 17
    item 6), as JSON on the API (where the middleware's CSRF check read the form before the API did)."""
    if isinstance(exception, RequestDataTooBig):
        if request.path.startswith("/api/"):
            # The API's error shape (jiesu.api.errors), written out: web sits beside api, not above it.
            body = {
                "error": {
                    "code": "payload_too_large",
                    "message": _("The request is too large."),
                    "field": None,
                }
            }
            return JsonResponse(body, status=413)
        return _render(request, 413)
    return _render(request, 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    return _render(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent after its page expired (or with cookies off): say so, and how to go on."""
    return _render(
        request,
        403,
        title=_("This form has expired"),
        explanation=_(
            "For your safety a form can be sent only from a page opened recently, with cookies allowed. "
            "Go back, reload the page and send it again; what you typed may need to be entered again."
        ),
    )
