"""What the staff views share: role gates, paging and safe redirects."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails

from jiesu.org.models import Role, User
from jiesu.org.selectors import roles_for
from jiesu.tickets.errors import NotAllowed

PAGE_SIZE = 50


class StaffRequest(HttpRequest):
    """A request that passed ``login_required`` through django-htmx's middleware (for the type checker)."""

    user: User
    htmx: HtmxDetails


View = TypeVar("View", bound=Callable[..., HttpResponse])


def requires(*roles: Role) -> Callable[[View], View]:
    """Worklists are for the roles that work on them: others get 403, anonymous people the sign-in page."""

    def decorate(view: View) -> View:
        @wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not roles_for(request.user).has(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(inner)  # type: ignore[return-value]

    return decorate


def paginate(request: HttpRequest, items: QuerySet[Any]) -> Page:
    """Fifty rows a page; a bad page number shows the nearest page instead of failing."""
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` the form carried, when it points back into this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def form_error_status(error: Exception | None) -> int:
    """400 for input the rules refused; 403 when the person may see the ticket but not take the action."""
    return 403 if isinstance(error, NotAllowed) else 400
