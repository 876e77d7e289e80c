"""Public mailbox pages (R2.2): writing a letter (signed in or anonymous) and the board, open without signing in."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jiesu.mailbox import selectors, services
from jiesu.mailbox.forms import BoardSearchForm, LetterForm
from jiesu.mailbox.permissions import may_write_signed
from jiesu.org.models import User
from jiesu.tickets.errors import DomainError
from jiesu.tickets.intake_views.common import throttled

WRITTEN_SESSION_KEY = "jiesu_mailbox_written"
BOARD_PAGE_SIZE = 10


def _writer(request: HttpRequest) -> User | None:
    return request.user if may_write_signed(request.user) else None  # type: ignore[return-value]


@require_http_methods(["GET", "POST"])
def write(request: HttpRequest) -> HttpResponse:
    """R2.2: the writing page, phone-first; without signing in the letter is anonymous (R1.3)."""
    writer = _writer(request)
    template = "mailbox/write.html"
    if request.method != "POST":
        form = LetterForm(initial=LetterForm.initial_for(writer), signed_in=writer is not None)
        return render(request, template, {"form": form, "signed_in": writer is not None})
    form = LetterForm(request.POST, signed_in=writer is not None)
    refused = throttled(request, form, template, {"signed_in": writer is not None})
    if refused is not None:
        return refused
    if form.is_valid():
        data = form.cleaned_data
        try:
            letter, code = services.letter_write(
                writer=writer,
                box=data["box"],
                type=data["type"],
                campus=data["campus"],
                subject=data["subject"],
                content=data["content"],
                anonymous=data.get("anonymous", False),
                public_reply_wanted=data["public_reply_wanted"],
                contact_phone=data.get("contact_phone", ""),
                contact_email=data.get("contact_email", ""),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            request.session[WRITTEN_SESSION_KEY] = {
                "number": letter.ticket.number,
                "code": code,
                "box": letter.get_box_display(),
                "anonymous": letter.ticket.anonymous,
            }
            return redirect("mailbox:written")
    return render(request, template, {"form": form, "signed_in": writer is not None}, status=200)


@never_cache
@require_GET
def written(request: HttpRequest) -> HttpResponse:
    """The number and the tracking code, shown once (only the code's hash is stored, R10.1)."""
    shown = request.session.pop(WRITTEN_SESSION_KEY, None)
    if not shown:
        return redirect("mailbox:write")
    return render(request, "mailbox/written.html", {"shown": shown})


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """R2.2: the public board — approved, masked replies; searchable (rjieba tokens), paged, filtered by box."""
    form = BoardSearchForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {"q": "", "box": ""}
    page = Paginator(selectors.board(box=data["box"], query=data["q"]), BOARD_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "mailbox/board.html", {"form": form, "page": page, "query": query.urlencode()})


@require_GET
def board_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.publication(pk)
    if entry is None:
        raise Http404
    return render(request, "mailbox/board_entry.html", {"entry": entry})
